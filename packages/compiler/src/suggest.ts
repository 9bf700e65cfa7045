/**
 * "Did you mean" for near-miss names: the closest candidate within two edits, if any. Ties go to
 * the candidate that sorts first, so the answer does not depend on the order of candidates.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > 2) continue;
    const distance = boundedDistance(name, candidate, 3);
    if (distance > 2) continue;
    if (
      distance < bestDistance ||
      (distance === bestDistance && best !== null && candidate < best)
    ) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `help` text for a near miss, or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): { help?: string } {
  const close = closestName(name, candidates);
  return close === null ? {} : { help: `did you mean \`${close}\`?` };
}

/**
 * Edit distance (insert, delete, substitute) between `a` and `b`, giving up with `limit` as soon
 * as every path costs at least that much.
 */
function boundedDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length] ?? limit;
}
