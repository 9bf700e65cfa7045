import { readFileSync } from "node:fs";

/**
 * Interleaved timing: every contender runs a batch of operations per round, the order of the
 * contenders rotates from round to round, warm-up rounds are dropped, and the result is the
 * median time per operation. Running them side by side in one process means that a busy machine
 * slows them all alike, so the ratios hold even when the absolute numbers wander.
 */

/** Something to time: runs `count` operations on queries from `start` on, returns the allows. */
export interface Contender {
  readonly name: string;
  readonly batch: (start: number, count: number) => number | Promise<number>;
}

/**
 * Which clock a scenario is timed by. `thread`: CPU time of the main thread, for work done
 * entirely on it; time spent waiting for a core, and the garbage collector's helper threads
 * (which after a collection sweep a large heap for a while), do not count. `wall`: elapsed
 * time, for work handed to other threads (WebCrypto runs on libuv's pool).
 */
export type Clock = "thread" | "wall";

/** How to time a scenario. */
export interface TimingOptions {
  readonly clock: Clock;
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Target duration of one contender's batch, used to size batches by calibration. */
  readonly roundMs: number;
  /** A fixed batch size instead of calibration (for pools that must not wrap, like fresh tokens). */
  readonly opsPerRound?: number;
  /** How many of the queries `start .. start + count - 1` should be allowed (Palisade's answers). */
  readonly expectedAllows: (start: number, count: number) => number;
}

/** The result for one contender. */
export interface Timing {
  readonly name: string;
  readonly clock: Clock;
  /** Median over the measured rounds, by the scenario's clock. */
  readonly nsPerOp: number;
  /** Median over the measured rounds, of wall-clock time per operation. */
  readonly wallNsPerOp: number;
  /** Fastest and slowest measured rounds, to show the spread. */
  readonly minNsPerOp: number;
  readonly maxNsPerOp: number;
  readonly opsPerRound: number;
  readonly rounds: number;
}

/** Thrown when a contender's answers in a timed batch differ from Palisade's. */
export class DisagreementError extends Error {
  override readonly name = "DisagreementError";
}

/**
 * Fewest operations in a batch. Queries differ (a request refused by its token's scope never
 * reaches the policy), so a batch must hold several for its mean to stand for the mix.
 */
const LEAST_BATCH = 8;

/** A contender whose batch takes longer than this runs fewer rounds (see `SLOW_ROUNDS`). */
const SLOW_BATCH_NS = 2e9;
const SLOW_ROUNDS = 3;

const collect = (globalThis as { gc?: () => void }).gc;

/** Runs a full garbage collection when node was started with `--expose-gc`. */
export function collectGarbage(): void {
  collect?.();
}

/** Times the contenders side by side; see the module comment. */
export async function timeInterleaved(
  contenders: readonly Contender[],
  options: TimingOptions,
): Promise<Timing[]> {
  const cursors = contenders.map(() => 0);
  const sizes: number[] = [];
  const plans: { warmup: number; rounds: number }[] = [];
  for (const [index, contender] of contenders.entries()) {
    let size = options.opsPerRound ?? 0;
    let batchNs = 0;
    if (options.opsPerRound === undefined) {
      const calibrated = await calibrate(contender, options, cursors[index] ?? 0);
      cursors[index] = calibrated.cursor;
      size = Math.max(LEAST_BATCH, calibrated.size);
      batchNs = calibrated.nsPerOp * size;
    }
    sizes.push(size);
    plans.push(
      batchNs > SLOW_BATCH_NS
        ? { warmup: 0, rounds: Math.min(SLOW_ROUNDS, options.rounds) }
        : { warmup: options.warmupRounds, rounds: options.rounds },
    );
  }

  const samples: number[][] = contenders.map(() => []);
  const walls: number[][] = contenders.map(() => []);
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let offset = 0; offset < contenders.length; offset++) {
      const index = (round + offset) % contenders.length;
      const plan = plans[index] as { warmup: number; rounds: number };
      // A slow contender skips the first rounds, so its few rounds still interleave with the
      // others' measured ones.
      const own = round - (total - plan.warmup - plan.rounds);
      if (own < 0) continue;
      const contender = contenders[index] as Contender;
      const size = sizes[index] as number;
      const start = cursors[index] as number;
      collectGarbage();
      const measured = await timeBatch(contender, start, size, options);
      cursors[index] = start + size;
      if (own >= plan.warmup) {
        samples[index]?.push(measured.ns / size);
        walls[index]?.push(measured.wallNs / size);
      }
    }
  }

  return contenders.map((contender, index) => {
    const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b);
    return {
      name: contender.name,
      clock: options.clock,
      nsPerOp: median(sorted),
      wallNsPerOp: median([...(walls[index] ?? [])].sort((a, b) => a - b)),
      minNsPerOp: sorted[0] ?? Number.NaN,
      maxNsPerOp: sorted[sorted.length - 1] ?? Number.NaN,
      opsPerRound: sizes[index] ?? 0,
      rounds: sorted.length,
    };
  });
}

/** Median of an ascending list. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Grows the batch (doubling) until one batch takes half the target round, then scales it to the
 * target. Growing by time rather than stopping at the first slow batch keeps a slow first call
 * (compilation, a cold cache) from leaving a contender with batches too small to ever get hot.
 */
async function calibrate(
  contender: Contender,
  options: TimingOptions,
  from: number,
): Promise<{ size: number; cursor: number; nsPerOp: number }> {
  const target = options.roundMs * 1e6;
  let cursor = from;
  let size = 1;
  for (;;) {
    const { ns } = await timeBatch(contender, cursor, size, options);
    cursor += size;
    if (ns >= target / 2 || size >= 1 << 22) {
      const scaled = Math.round((size * target) / Math.max(ns, 1));
      return { size: Math.max(1, Math.min(scaled, 1 << 24)), cursor, nsPerOp: ns / size };
    }
    size *= 2;
  }
}

/**
 * Times one batch by the scenario's clock, wall-clock time beside it, and checks its answers;
 * returns nanoseconds.
 */
async function timeBatch(
  contender: Contender,
  start: number,
  count: number,
  options: TimingOptions,
): Promise<{ ns: number; wallNs: number }> {
  const threadBefore = options.clock === "thread" ? threadCpuNs() : 0;
  const wallBefore = process.hrtime.bigint();
  const result = contender.batch(start, count);
  const allows = typeof result === "number" ? result : await result;
  const wallNs = Number(process.hrtime.bigint() - wallBefore);
  const ns = options.clock === "thread" ? threadCpuNs() - threadBefore : wallNs;
  const expected = options.expectedAllows(start, count);
  if (allows !== expected) {
    throw new DisagreementError(
      `\`${contender.name}\` allowed ${allows} of queries ${start}..${start + count - 1}, ` +
        `palisade allowed ${expected}`,
    );
  }
  return { ns, wallNs };
}

const SCHEDSTAT = "/proc/thread-self/schedstat";
const hasSchedstat = (() => {
  try {
    return Number.isFinite(Number(readFileSync(SCHEDSTAT, "latin1").split(" ")[0]));
  } catch {
    return false;
  }
})();

/**
 * CPU time of the calling (main) thread in nanoseconds, from Linux's per-thread scheduler
 * statistics. Elsewhere it falls back to the whole process's CPU time.
 */
export function threadCpuNs(): number {
  if (hasSchedstat) return Number(readFileSync(SCHEDSTAT, "latin1").split(" ")[0]);
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/** CPU time of the main thread so far, in milliseconds (see `threadCpuNs`). */
export function cpuMs(): number {
  return threadCpuNs() / 1e6;
}

/**
 * Counts the allowed answers among `count` queries from `start` on, in a pool that wraps around.
 * `prefix[i]` is the number of allows among the first `i` queries.
 */
export function allowsInRange(prefix: readonly number[], start: number, count: number): number {
  const size = prefix.length - 1;
  const whole = prefix[size] as number;
  const at = (position: number): number =>
    Math.floor(position / size) * whole + (prefix[position % size] as number);
  return at(start + count) - at(start);
}

/** The prefix sums `allowsInRange` needs, from one answer per query. */
export function prefixOfAllows(answers: readonly boolean[]): number[] {
  const prefix = [0];
  let sum = 0;
  for (const allowed of answers) {
    if (allowed) sum++;
    prefix.push(sum);
  }
  return prefix;
}
