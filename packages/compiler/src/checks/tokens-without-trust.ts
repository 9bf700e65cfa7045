import type { Diagnostic } from "@palisade/syntax";
import { error } from "../codes.ts";
import type { CheckInput } from "../policy-set.ts";
import { joinSpans } from "../spans.ts";

/**
 * Rules that need a verified token (they list scopes or have a `when`) in a policy set with no
 * trust block: no token could ever be verified, so the rule could never work as written.
 */
export function checkTokensWithoutTrust({ set }: CheckInput): Diagnostic[] {
  if (set.trust) return [];
  const diagnostics: Diagnostic[] = [];
  for (const service of set.services) {
    for (const rule of [...service.ingress, ...service.egress]) {
      const first = rule.scopes?.[0];
      const last = rule.scopes?.[rule.scopes.length - 1];
      const span = first && last ? joinSpans(first.span, last.span) : rule.when?.span;
      if (!span) continue;
      const clause = first ? "`scopes`" : "`when`";
      diagnostics.push(
        error(
          "check/trust-missing",
          `this rule needs a verified token (${clause}) but the policy set has no \`trust\` block`,
          span,
          { help: "add a `trust` block with the issuer, its algorithms and its keys" },
        ),
      );
    }
  }
  return diagnostics;
}
