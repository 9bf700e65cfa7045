import type { Decision } from "@palisade/ir";
import { type ConnectionKind, decideConnection, traceConnection } from "./connection.ts";
import { deny, quote } from "./decisions.ts";
import {
  buildState,
  describe,
  type EngineLoadError,
  type EngineState,
  unavailableState,
  type VerifierInputs,
} from "./engine-state.ts";
import {
  type ConnectionQuery,
  connectionProblem,
  protocolIndex,
  type RequestQuery,
  readDecideInput,
} from "./query.ts";
import {
  type DecisionSink,
  emitRecord,
  type RecordedInput,
  recordConnection,
  recordRequest,
} from "./record.ts";
import { decideRequest } from "./request.ts";
import { type Explanation, type Trace, traceCheck } from "./trace.ts";

/** What an engine may be given besides the policy. */
export interface EngineOptions {
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Receives a record of every decision. */
  readonly sink?: DecisionSink;
  /** A JWKS that replaces the keys named by the policy's trust settings. */
  readonly keys?: { readonly keys: readonly unknown[] };
  /** Fetches a JWKS when the trust settings name a key URL. */
  readonly fetchJwks?: (url: string) => Promise<unknown>;
}

/** The outcome of `reload`: the new policy is in force, or the old one stays, and why. */
export type ReloadResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: EngineLoadError };

/**
 * Decides connections and requests against one loaded policy. No method throws or rejects
 * on any input: every failure on the way to a decision is a deny with its reason.
 */
export interface Engine {
  /** The loaded policy's hash, or null when none is loaded. */
  readonly hash: string | null;
  /** Why the policy given to `createEngine` could not be loaded, or null. */
  readonly loadError: EngineLoadError | null;
  /** May `source` open this connection, by the source's egress rules alone? */
  egress(query: ConnectionQuery): Decision;
  /** May `source` open this connection, by the destination's ingress rules alone? */
  ingress(query: ConnectionQuery): Decision;
  /** May `source` open this connection? Both ends must allow it. */
  connection(query: ConnectionQuery): Decision;
  /** May this request, carrying a bearer token, reach its destination? */
  request(query: RequestQuery): Promise<Decision>;
  /** Decides one question in the CLI's JSON shape (see `readDecideInput`). */
  decide(input: unknown): Promise<Decision>;
  /** Like `decide`, plus every check and rule considered on the way. */
  explain(input: unknown): Promise<Explanation>;
  /** Swaps in another policy at once; a policy that fails to load leaves the current one. */
  reload(ir: unknown): ReloadResult;
}

const RELOADED: ReloadResult = Object.freeze({ ok: true });
const NOT_AN_OBJECT = "the query must be a JSON object";

/** Decides a request for a guard bound to `service` (see `guardedRequest`). */
export type GuardedRequest = (service: string, query: RequestQuery) => Promise<Decision>;

const guardedRequests = new WeakMap<Engine, GuardedRequest>();

/**
 * The request decider a guard uses: like `engine.request`, except that while the policy does
 * not define the guard's service, every request is `unknown-service`. Throws `TypeError` for an
 * engine that `createEngine` did not make.
 */
export function guardedRequest(engine: Engine): GuardedRequest {
  const decide = guardedRequests.get(engine);
  if (decide === undefined) throw new TypeError("the engine must come from `createEngine`");
  return decide;
}

/**
 * Loads a compiled policy (IR text or parsed value) and returns an engine for it. Never throws
 * for a bad policy: an IR that fails to load gives an engine that denies everything with
 * `policy-unavailable` and tells why in `loadError`. Throws `TypeError` for options of the
 * wrong type.
 */
export function createEngine(ir: unknown, options: EngineOptions = {}): Engine {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const sink = options.sink;
  const inputs: VerifierInputs = {
    now,
    ...(options.keys === undefined ? {} : { keys: options.keys }),
    ...(options.fetchJwks === undefined ? {} : { fetchJwks: options.fetchJwks }),
  };

  const first = buildState(ir, inputs);
  // INVARIANT: `state` is replaced whole and read once per decision, so each decision sees
  // exactly one policy even when `reload` runs while a request awaits its token check.
  let state: EngineState = first.ok ? first.state : unavailableState(first.error);

  const record = (
    current: EngineState,
    input: RecordedInput | null,
    subject: string | null,
    decision: Decision,
  ): void => {
    if (sink !== undefined) emitRecord(sink, now, current.hash, input, subject, decision);
  };

  function connectionStyle(kind: ConnectionKind, query: unknown): Decision {
    const current = state;
    let decision: Decision;
    let input: RecordedInput | null = null;
    try {
      let source: unknown;
      let destination: unknown;
      let port: unknown;
      let protocol: unknown;
      let problem: string | null = NOT_AN_OBJECT;
      if (typeof query === "object" && query !== null) {
        ({ source, destination, port, protocol } = query as Record<string, unknown>);
        problem = connectionProblem(source, destination, port, protocol);
      }
      if (problem === null) {
        const position = protocolIndex(protocol);
        if (sink !== undefined) {
          const name = position === 0 ? "tcp" : "udp";
          input = recordConnection(
            kind,
            source as string,
            destination as string,
            port as number,
            name,
          );
        }
        decision =
          current.unavailable ??
          decideConnection(
            current.index,
            kind,
            source as string,
            destination as string,
            port as number,
            position,
          );
      } else {
        decision = current.unavailable ?? deny("request-malformed", problem);
      }
    } catch (error) {
      decision = current.unavailable ?? unreadable(error);
    }
    record(current, input, null, decision);
    return decision;
  }

  async function request(query: unknown, guardedService: string | null, trace: Trace) {
    const current = state;
    try {
      const outcome = await decideRequest(current, query, guardedService, trace);
      if (sink !== undefined) {
        const input = outcome.request === null ? null : recordRequest(outcome.request);
        record(current, input, outcome.subject, outcome.decision);
      }
      return outcome.decision;
    } catch (error) {
      const decision = current.unavailable ?? failed(error);
      record(current, null, null, decision);
      return decision;
    }
  }

  async function decideInput(input: unknown, trace: Trace): Promise<Decision> {
    const current = state;
    let read: ReturnType<typeof readDecideInput>;
    try {
      read = readDecideInput(input);
    } catch (error) {
      read = { ok: false, message: `the query cannot be read: ${quote(describe(error))}` };
    }

    const value = read.ok ? read.value : null;
    if (value !== null && value.type === "request") return request(value.query, null, trace);

    let decision: Decision;
    let recorded: RecordedInput | null = null;
    try {
      if (current.unavailable !== null) {
        traceCheck(trace, "policy", false, current.unavailable.message, "policy-unavailable");
        decision = current.unavailable;
      } else if (value === null) {
        const message = read.ok ? NOT_AN_OBJECT : read.message;
        traceCheck(trace, "policy", true, `policy \`${current.hash}\` is loaded`);
        traceCheck(trace, "input", false, message, "request-malformed");
        decision = deny("request-malformed", message);
      } else {
        const { type, query } = value;
        const { source, destination, port } = query;
        const protocol = query.protocol ?? "tcp";
        const position = protocolIndex(protocol);
        recorded = recordConnection(type, source, destination, port, protocol);
        traceCheck(trace, "policy", true, `policy \`${current.hash}\` is loaded`);
        traceCheck(trace, "input", true, "the query is well formed");
        decision = decideConnection(current.index, type, source, destination, port, position);
        if (trace !== null) {
          traceConnection(current.index, type, source, destination, port, protocol, trace);
        }
      }
    } catch (error) {
      decision = current.unavailable ?? failed(error);
    }
    record(current, recorded, null, decision);
    return decision;
  }

  const engine: Engine = {
    get hash() {
      return state.hash;
    },
    get loadError() {
      return state.loadError;
    },
    egress: (query) => connectionStyle("egress", query),
    ingress: (query) => connectionStyle("ingress", query),
    connection: (query) => connectionStyle("connection", query),
    request: (query) => request(query, null, null),
    decide: (input) => decideInput(input, null),
    async explain(input) {
      const steps: NonNullable<Trace> = [];
      const decision = await decideInput(input, steps);
      return Object.freeze({ decision, steps: Object.freeze(steps) });
    },
    reload(ir) {
      const next = buildState(ir, inputs);
      if (!next.ok) return Object.freeze({ ok: false, error: Object.freeze({ ...next.error }) });
      state = next.state;
      return RELOADED;
    },
  };
  Object.freeze(engine);
  guardedRequests.set(engine, (service, query) => request(query, service, null));
  return engine;
}

function unreadable(error: unknown): Decision {
  return deny("request-malformed", `the query cannot be read: ${quote(describe(error))}`);
}

/** A failure inside the engine itself: still a deny, never an exception. */
function failed(error: unknown): Decision {
  return deny("policy-unavailable", `the engine failed to decide: ${quote(describe(error))}`);
}

function checkOptions(options: EngineOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("engine options must be an object");
  }
  for (const name of ["now", "sink", "fetchJwks"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(`engine option \`${name}\` must be a function`);
    }
  }
  const keys = options.keys;
  if (
    keys !== undefined &&
    (typeof keys !== "object" || keys === null || !Array.isArray(keys.keys))
  ) {
    throw new TypeError("engine option `keys` must be a JWKS: an object with a `keys` array");
  }
}
