import type { PortRange } from "@palisade/ir";

/**
 * Set operations on port lists. Every list these functions return is normalised: ranges are
 * inclusive, sorted, and neither overlap nor touch (`[1, 5]` and `[6, 9]` become `[1, 9]`).
 * Inputs of the binary operations must already be normalised; `normalizeRanges` makes them so.
 */

/** Every port, as one range. */
export const ALL_PORTS: readonly PortRange[] = [[1, 65535]];

/** Sorts and merges ranges that overlap or touch. The input is not changed. */
export function normalizeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: PortRange[] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1) {
      if (to > last[1]) last[1] = to;
    } else {
      out.push([from, to]);
    }
  }
  return out;
}

/** The ports in both lists. */
export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as PortRange;
    const y = b[j] as PortRange;
    const from = Math.max(x[0], y[0]);
    const to = Math.min(x[1], y[1]);
    if (from <= to) out.push([from, to]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

/** The ports of `a` that are not in `b`. */
export function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let j = 0;
  for (const [from, to] of a) {
    let start = from;
    while (j < b.length && (b[j] as PortRange)[1] < start) j++;
    let k = j;
    while (k < b.length && start <= to) {
      const [cutFrom, cutTo] = b[k] as PortRange;
      if (cutFrom > to) break;
      if (cutFrom > start) out.push([start, cutFrom - 1]);
      start = Math.max(start, cutTo + 1);
      k++;
    }
    if (start <= to) out.push([start, to]);
  }
  return out;
}

/** True when every port of `inner` is also in `outer`. */
export function coversRanges(outer: readonly PortRange[], inner: readonly PortRange[]): boolean {
  let j = 0;
  for (const [from, to] of inner) {
    while (j < outer.length && (outer[j] as PortRange)[1] < from) j++;
    const range = outer[j];
    // Normalised lists never touch, so one outer range must hold the whole inner range.
    if (!range || range[0] > from || range[1] < to) return false;
  }
  return true;
}

/** True when the two lists share at least one port. */
export function rangesOverlap(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as PortRange;
    const y = b[j] as PortRange;
    if (x[0] <= y[1] && y[0] <= x[1]) return true;
    if (x[1] < y[1]) i++;
    else j++;
  }
  return false;
}

/** The union of two normalised lists. */
export function unionRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  return normalizeRanges([...a, ...b]);
}

/** Ranges written the way the DSL writes them: `53`, `8000..8010`, joined by `, `. */
export function formatRanges(ranges: readonly PortRange[]): string {
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}..${to}`)).join(", ");
}
