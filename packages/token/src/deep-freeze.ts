/**
 * Freezes a JSON value and everything inside it. Walks with an explicit stack, not recursion,
 * so claims nested thousands of levels deep cannot overflow the call stack.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== "object" || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const child of Object.values(item)) {
      if (typeof child === "object" && child !== null) pending.push(child);
    }
  }
  return value;
}
