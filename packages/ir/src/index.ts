export { canonicalJson, computeHash, serializeIr } from "./canonical.ts";
export {
  type Decision,
  REASON_CODES,
  type ReasonCode,
  type RuleRef,
  type TokenFailureCode,
} from "./decision.ts";
export { type IrLoadError, type IrLoadErrorCode, type IrLoadResult, loadIr } from "./load.ts";
export {
  type Condition,
  ConditionSchema,
  IR_FORMAT,
  type Ir,
  IrSchema,
  type Jwk,
  type KeySource,
  type Peers,
  type PortRange,
  type Protocol,
  type Rule,
  type Service,
  type SourceSpan,
  type Trust,
} from "./schema.ts";
