import type { Decision } from "@palisade/ir";
import type { Timing } from "./harness.ts";
import type { Loaded } from "./load.ts";
import type { RequestQuery } from "./map-floor.ts";
import type { ResultRow } from "./results.ts";

/** What every row of one mesh size shares. */
export interface RowBase {
  readonly services: number;
  readonly rules: number;
  readonly sourceRules: number;
}

/** The engine's request query for a bench query (the same fields, nothing more). */
export function engineRequest(query: RequestQuery) {
  return {
    destination: query.destination,
    port: query.port,
    protocol: query.protocol,
    action: query.action,
    authorization: query.authorization,
  };
}

/** One result row per contender, with ratios to Palisade and each contender's load costs. */
export function toRows(
  scenario: string,
  base: RowBase,
  timings: readonly Timing[],
  loads: Record<string, Loaded<unknown>>,
  checked: Record<string, number>,
  answers: readonly boolean[],
): ResultRow[] {
  const palisade = timings.find((timing) => timing.name === "palisade");
  const reference = palisade?.nsPerOp ?? Number.NaN;
  const allowShare = answers.filter(Boolean).length / answers.length;
  return timings.map((timing) => {
    const loaded = loads[timing.name];
    return {
      scenario,
      ...base,
      contender: timing.name,
      nsPerOp: timing.nsPerOp,
      wallNsPerOp: timing.wallNsPerOp,
      clock: timing.clock,
      minNsPerOp: timing.minNsPerOp,
      maxNsPerOp: timing.maxNsPerOp,
      ratio: timing.nsPerOp / reference,
      heapBytes: loaded?.heapBytes ?? null,
      externalBytes: loaded?.externalBytes ?? null,
      loadMs: loaded?.loadMs ?? null,
      checked: checked[timing.name] ?? 0,
      opsPerRound: timing.opsPerRound,
      rounds: timing.rounds,
      allowShare,
    };
  });
}

/** Prints one scenario's figures as a progress line. */
export function logTimings(
  log: (line: string) => void,
  scenario: string,
  timings: readonly Timing[],
) {
  const palisade = timings.find((timing) => timing.name === "palisade")?.nsPerOp ?? Number.NaN;
  const parts = timings.map(
    (timing) =>
      `${timing.name} ${formatNs(timing.nsPerOp)} (x${(timing.nsPerOp / palisade).toPrecision(3)})`,
  );
  log(`${scenario}: ${parts.join(", ")}`);
}

/** Nanoseconds in a readable unit. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
}

/** What loading cost in memory, for the progress log. */
export function megabytes(loaded: Loaded<unknown>): string {
  return `heap +${(loaded.heapBytes / 1e6).toFixed(1)} MB, external +${(loaded.externalBytes / 1e6).toFixed(1)} MB`;
}

/** The share of allowed answers, as a percentage. */
export function share(answers: readonly boolean[]): string {
  return `${((100 * answers.filter(Boolean).length) / answers.length).toFixed(0)}%`;
}

/** How many queries each peer was checked on, for the progress log. */
export function describeChecked(checked: Record<string, number>): string {
  return Object.entries(checked)
    .filter(([name]) => name !== "palisade")
    .map(([name, count]) => `${name} on ${count}`)
    .join(", ");
}

/** A decision in a few words, for disagreement messages. */
export function reason(decision: Decision): string {
  return `${decision.decision} ${decision.reason}${decision.rule ? ` by ${decision.rule.id}` : ""}`;
}
