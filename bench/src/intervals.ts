import type { PortRange } from "@palisade/ir";

/** Sorted, disjoint, non-adjacent inclusive port intervals, flattened: `[lo, hi, lo, hi, ...]`. */
export type Intervals = readonly number[];

/** Merges ranges into intervals. */
export function unionOf(ranges: readonly PortRange[]): Intervals {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [low, high] of sorted) {
    const last = out.length - 1;
    if (last > 0 && low <= (out[last] as number) + 1) {
      out[last] = Math.max(out[last] as number, high);
    } else {
      out.push(low, high);
    }
  }
  return out;
}

/** The ports in `a` that are not in `b`. */
export function subtract(a: Intervals, b: Intervals): Intervals {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    let low = a[i] as number;
    const high = a[i + 1] as number;
    for (let j = 0; j < b.length && low <= high; j += 2) {
      const cutLow = b[j] as number;
      const cutHigh = b[j + 1] as number;
      if (cutHigh < low || cutLow > high) continue;
      if (cutLow > low) out.push(low, cutLow - 1);
      low = cutHigh + 1;
    }
    if (low <= high) out.push(low, high);
  }
  return out;
}

/** The ports in both. */
export function intersect(a: Intervals, b: Intervals): Intervals {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const low = Math.max(a[i] as number, b[j] as number);
    const high = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (low <= high) out.push(low, high);
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return out;
}

/** Whether `port` lies in one of the intervals. */
export function contains(intervals: Intervals, port: number): boolean {
  for (let i = 0; i < intervals.length; i += 2) {
    if (port >= (intervals[i] as number) && port <= (intervals[i + 1] as number)) return true;
  }
  return false;
}
