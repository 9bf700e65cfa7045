export { ALGORITHMS, type Algorithm } from "./algorithms.ts";
export {
  type ConditionChange,
  type ConditionChangeKind,
  conditionChangeWidens,
  diffIr,
  type EdgeChange,
  type IrDiff,
} from "./analysis/diff.ts";
export { allowedEdges, compareEdges, type Edge, type Restriction } from "./analysis/edges.ts";
export { canReach, type Reachability } from "./analysis/reach.ts";
export { CHECK_CODES, type CheckCode } from "./codes.ts";
export { type CompileOptions, type CompileResult, compile, compilePolicies } from "./compile.ts";
export { generatePolicySet } from "./generate.ts";
