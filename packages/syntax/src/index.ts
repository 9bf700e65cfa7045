export type {
  AnyPeer,
  Direction,
  Effect,
  Expr,
  KeySource,
  Literal,
  Located,
  NamedPort,
  Node,
  Peer,
  PolicyFile,
  PortSpec,
  Protocol,
  Rule,
  ServiceDecl,
  ServicePeer,
  Span,
  TrustBlock,
} from "./ast.ts";
export {
  type Diagnostic,
  hasErrors,
  LineIndex,
  sortDiagnostics,
} from "./diagnostic.ts";
export { parseDsl } from "./dsl/parse.ts";
export { formatDsl } from "./format.ts";
export { LIMITS } from "./limits.ts";
export { RESERVED_IDS, SCOPE_PATTERN, SERVICE_ID_PATTERN, serviceIdProblem } from "./names.ts";
export { type ParseResult, parseSource, type Source } from "./source.ts";
export { stripSpans } from "./strip-spans.ts";
export { parseYaml, policyJsonSchema } from "./yaml/load.ts";
