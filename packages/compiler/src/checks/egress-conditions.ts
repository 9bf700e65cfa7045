import type { Diagnostic } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput } from "../policy-set.ts";

/**
 * A `when` on an egress rule. Egress is decided without a token, so the condition can never be
 * evaluated: the allow it guards grants nothing and the deny it guards always matches.
 */
export function checkEgressConditions({ set }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of set.services) {
    for (const rule of service.egress) {
      if (!rule.when) continue;
      const outcome =
        rule.effect === "allow" ? "this rule never allows anything" : "this rule always denies";
      diagnostics.push(
        warning(
          "check/egress-condition",
          `egress is decided without a token, so this condition is never met and ${outcome}`,
          rule.when.span,
          { help: "put token conditions on the destination's ingress rule" },
        ),
      );
    }
  }
  return diagnostics;
}
