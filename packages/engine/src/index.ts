export type { ConnectionKind } from "./connection.ts";
export type { Side } from "./decisions.ts";
export {
  createEngine,
  type Engine,
  type EngineOptions,
  type ReloadResult,
} from "./engine.ts";
export type { EngineLoadError, EngineLoadErrorCode } from "./engine-state.ts";
export type { GuardOptions } from "./middleware/denial.ts";
export { guardFetch } from "./middleware/guard-fetch.ts";
export { guardNode } from "./middleware/guard-node.ts";
export type { ConnectionQuery, QueryKind, RequestQuery } from "./query.ts";
export type { DecisionRecord, DecisionSink, RecordedInput } from "./record.ts";
export type { RuleOutcome, RuleStep } from "./reference.ts";
export type { CheckName, CheckStep, Explanation, TraceStep } from "./trace.ts";
