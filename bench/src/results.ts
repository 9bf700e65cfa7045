/** One line of the results table: one contender in one scenario. */
export interface ResultRow {
  /** `connection`, `request (cached token)` or `request (fresh token)`. */
  readonly scenario: string;
  readonly services: number;
  /** Rules in the IR: what every contender is given. */
  readonly rules: number;
  /** Rules as written in the generated DSL. */
  readonly sourceRules: number;
  readonly contender: string;
  /** Median nanoseconds per decision by `clock` (see the harness). */
  readonly nsPerOp: number;
  /** `thread`: main-thread CPU time; `wall`: elapsed time. */
  readonly clock: "thread" | "wall";
  /** Median wall-clock nanoseconds per decision, which includes waiting for a core. */
  readonly wallNsPerOp: number;
  readonly minNsPerOp: number;
  readonly maxNsPerOp: number;
  /** This contender's time divided by Palisade's in the same scenario (above 1: slower). */
  readonly ratio: number;
  /** Heap held after loading the policy (null when the contender loads no policy). */
  readonly heapBytes: number | null;
  /** Memory outside the V8 heap held after loading (WebAssembly memory for Cedar). */
  readonly externalBytes: number | null;
  readonly loadMs: number | null;
  /** Queries whose answers were compared with Palisade's before timing. */
  readonly checked: number;
  readonly opsPerRound: number;
  readonly rounds: number;
  /** Share of the scenario's queries that Palisade allows. */
  readonly allowShare: number;
}

/** Parse speed of one front end on the generated set. */
export interface ParseResult {
  readonly form: "dsl" | "yaml";
  readonly bytes: number;
  readonly services: number;
  readonly ms: number;
  readonly megabytesPerSecond: number;
}

/** Compile time and memory for one generated set. */
export interface CompileResult {
  readonly label: string;
  readonly generator: string;
  readonly services: number;
  readonly rules: number;
  readonly bytes: number;
  /** Median of the repetitions. */
  readonly ms: number;
  readonly repetitions: number;
  /** Heap used just after compiling, garbage included (a floor for the peak). */
  readonly heapAfterBytes: number;
  /** Heap still held by the IR after a full collection. */
  readonly retainedBytes: number;
  /** The smallest old-space cap (MB) under which a child process compiled the same set. */
  readonly smallestHeapMB: number | null;
}

/** Everything one run measured. */
export interface RunResults {
  readonly machine: Machine;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly rows: readonly ResultRow[];
  readonly parse: readonly ParseResult[];
  readonly compile: readonly CompileResult[];
}

/** The machine and runtime, printed with every result. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cedar: string;
  readonly casbin: string;
  readonly jose: string;
}
