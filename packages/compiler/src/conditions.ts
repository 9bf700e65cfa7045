import type { Condition } from "@palisade/ir";
import type { Diagnostic, Expr } from "@palisade/syntax";
import { error } from "./codes.ts";

/** The longest claim path the IR holds (`token.a.b.c...`, counted after `token.`). */
export const MAX_CLAIM_PATH = 8;

/**
 * The IR form of a condition: the same tree without spans. A claim path longer than the IR can
 * hold is an error (pushed to `diagnostics`) rather than a silently shortened path.
 */
export function toCondition(expr: Expr, diagnostics: Diagnostic[]): Condition {
  switch (expr.kind) {
    case "And":
      return {
        kind: "and",
        left: toCondition(expr.left, diagnostics),
        right: toCondition(expr.right, diagnostics),
      };
    case "Or":
      return {
        kind: "or",
        left: toCondition(expr.left, diagnostics),
        right: toCondition(expr.right, diagnostics),
      };
    case "Not":
      return { kind: "not", operand: toCondition(expr.operand, diagnostics) };
    case "Compare":
      return {
        kind: "compare",
        claim: claimPath(expr, diagnostics),
        op: expr.op,
        value: expr.value,
      };
    case "In":
      return { kind: "in", claim: claimPath(expr, diagnostics), values: [...expr.values] };
    case "Has":
      return { kind: "has", claim: claimPath(expr, diagnostics) };
  }
}

function claimPath(
  expr: Extract<Expr, { claim: readonly string[] }>,
  diagnostics: Diagnostic[],
): string[] {
  if (expr.claim.length > MAX_CLAIM_PATH) {
    diagnostics.push(
      error(
        "check/claim-path-too-deep",
        `claim path \`token.${expr.claim.join(".")}\` is longer than ${MAX_CLAIM_PATH} names`,
        expr.span,
      ),
    );
  }
  return [...expr.claim];
}
