import type { Condition } from "@palisade/ir";
import { quote } from "./decisions.ts";

/**
 * What a condition says about a token: it holds, it does not, or it cannot be evaluated
 * (a claim it reads is missing or has another type than the literal it is compared with).
 */
export type Truth = "true" | "false" | "unevaluable";

type Literal = string | number | boolean;

/** A claim that is not there, told apart from a claim whose value is `undefined`. */
const ABSENT: unique symbol = Symbol("absent");

interface Frame {
  readonly node: Extract<Condition, { kind: "and" | "or" | "not" }>;
  /** For `and` and `or`: what the left operand gave, once it has been evaluated. */
  left: Truth | null;
}

/**
 * Evaluates a condition against a token's claims, in three-valued logic: an operand that cannot
 * be evaluated is unknown, and it only matters when the other operand leaves the answer open.
 * `false and ?` is false and `true or ?` is true, whichever side the unknown stands on, so the
 * order of operands never changes a decision; `true and ?`, `false or ?` and `not ?` stay
 * unevaluable. `problems`, when given, receives why a part could not be evaluated.
 *
 * INVARIANT: the walk is iterative with an explicit stack, so neither a deeply nested condition
 * nor hostile claims (thousands of nested arrays) can overflow the call stack; claim values are
 * only ever compared with literals, never walked.
 */
export function evaluateCondition(
  condition: Condition,
  claims: Readonly<Record<string, unknown>>,
  problems?: string[],
): Truth {
  const stack: Frame[] = [];
  let node: Condition = condition;
  let result: Truth;

  for (;;) {
    while (node.kind === "and" || node.kind === "or" || node.kind === "not") {
      stack.push({ node, left: null });
      node = node.kind === "not" ? node.operand : node.left;
    }
    result = evaluateLeaf(node, claims, problems);

    let next: Condition | null = null;
    while (next === null) {
      const frame = stack.pop();
      if (frame === undefined) return result;
      const parent = frame.node;
      if (parent.kind === "not") {
        result = result === "true" ? "false" : result === "false" ? "true" : result;
        continue;
      }
      const decisive: Truth = parent.kind === "and" ? "false" : "true";
      if (frame.left === null) {
        if (result === decisive) continue;
        frame.left = result;
        stack.push(frame);
        next = parent.right;
      } else if (result !== decisive) {
        result = frame.left === "unevaluable" || result === "unevaluable" ? "unevaluable" : result;
      }
    }
    node = next;
  }
}

function evaluateLeaf(
  node: Extract<Condition, { kind: "compare" | "in" | "has" }>,
  claims: Readonly<Record<string, unknown>>,
  problems: string[] | undefined,
): Truth {
  const value = readClaim(claims, node.claim);
  if (node.kind === "has") return value === ABSENT ? "false" : "true";

  const name = `token.${node.claim.join(".")}`;
  if (value === ABSENT) {
    problems?.push(`claim ${quote(name)} is missing`);
    return "unevaluable";
  }
  if (!isLiteral(value)) {
    problems?.push(`claim ${quote(name)} is not a string, number or boolean`);
    return "unevaluable";
  }

  if (node.kind === "compare") {
    if (typeof value !== typeof node.value) {
      problems?.push(
        `claim ${quote(name)} is a ${typeof value}, compared with a ${typeof node.value}`,
      );
      return "unevaluable";
    }
    return (value === node.value) === (node.op === "==") ? "true" : "false";
  }

  let sameType = false;
  for (const candidate of node.values) {
    if (typeof candidate !== typeof value) continue;
    sameType = true;
    if (candidate === value) return "true";
  }
  if (!sameType && node.values.length > 0) {
    problems?.push(`claim ${quote(name)} is a ${typeof value}, unlike every listed value`);
    return "unevaluable";
  }
  return "false";
}

/** Follows a claim path through plain objects, reading own members only (never a prototype). */
function readClaim(claims: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let current: unknown = claims;
  for (const key of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return ABSENT;
    if (!Object.hasOwn(current, key)) return ABSENT;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isLiteral(value: unknown): value is Literal {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean";
}
