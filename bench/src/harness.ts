/**
 * Interleaved timing: every contender runs a fixed batch of operations per round, the order of
 * the contenders rotates from round to round, warm-up rounds are dropped, and the result is the
 * median time per operation. Running them side by side in one process means that a busy machine
 * slows them all alike, so the ratios hold even when the absolute numbers wander.
 */

/** Something to time: runs `count` operations on queries from `start` on, returns the allows. */
export interface Contender {
  readonly name: string;
  readonly batch: (start: number, count: number) => number | Promise<number>;
}

/** How to time a scenario. */
export interface TimingOptions {
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
  /** Median over the measured rounds, of CPU time per operation. */
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
  for (const [index, contender] of contenders.entries()) {
    if (options.opsPerRound !== undefined) {
      sizes.push(options.opsPerRound);
      continue;
    }
    const calibrated = await calibrate(contender, options, cursors[index] ?? 0);
    cursors[index] = calibrated.cursor;
    sizes.push(calibrated.size);
  }

  const samples: number[][] = contenders.map(() => []);
  const walls: number[][] = contenders.map(() => []);
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let offset = 0; offset < contenders.length; offset++) {
      const index = (round + offset) % contenders.length;
      const contender = contenders[index] as Contender;
      const size = sizes[index] as number;
      const start = cursors[index] as number;
      collectGarbage();
      const measured = round >= options.warmupRounds;
      const elapsed = await timeBatch(
        contender,
        start,
        size,
        options,
        measured ? walls[index] : undefined,
      );
      cursors[index] = start + size;
      if (measured) samples[index]?.push(elapsed / size);
    }
  }

  return contenders.map((contender, index) => {
    const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b);
    return {
      name: contender.name,
      wallNsPerOp: median([...(walls[index] ?? [])].sort((a, b) => a - b)),
      nsPerOp: median(sorted),
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
): Promise<{ size: number; cursor: number }> {
  const target = options.roundMs * 1e6;
  let cursor = from;
  let size = 1;
  for (;;) {
    const elapsed = await timeBatch(contender, cursor, size, options);
    cursor += size;
    if (elapsed >= target / 2 || size >= 1 << 22) {
      const scaled = Math.round((size * target) / Math.max(elapsed, 1));
      return { size: Math.max(1, Math.min(scaled, 1 << 24)), cursor };
    }
    size *= 2;
  }
}

/**
 * Times one batch by the CPU time the process spent on it (user plus system, all threads), so
 * time spent waiting for a core on a shared machine does not count; returns nanoseconds.
 * Wall-clock time is kept beside it for the record.
 */
async function timeBatch(
  contender: Contender,
  start: number,
  count: number,
  options: TimingOptions,
  wall?: number[],
): Promise<number> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = contender.batch(start, count);
  const allows = typeof result === "number" ? result : await result;
  const wallElapsed = Number(process.hrtime.bigint() - wallBefore);
  const cpu = process.cpuUsage(cpuBefore);
  wall?.push(wallElapsed / count);
  const expected = options.expectedAllows(start, count);
  if (allows !== expected) {
    throw new DisagreementError(
      `\`${contender.name}\` allowed ${allows} of queries ${start}..${start + count - 1}, ` +
        `palisade allowed ${expected}`,
    );
  }
  return (cpu.user + cpu.system) * 1000;
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

/** CPU time the process has used so far (user plus system, all threads), in milliseconds. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
