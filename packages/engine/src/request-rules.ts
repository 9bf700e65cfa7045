import type { Decision } from "@palisade/ir";
import { evaluateCondition } from "./condition.ts";
import { actionNotPermitted, NO_MATCH, scopeMissing } from "./decisions.ts";
import type { IndexedRule, Segment } from "./rule-index.ts";

/**
 * Decides a verified request from the ingress rules that match its caller, port and protocol.
 * A deny decides when it has no condition, or its condition holds or cannot be evaluated. An
 * allow takes part only when it has no condition or its condition holds. Then the action must
 * be in the token's scopes, and among the scopes of a taking-part allow rule that lists any
 * (a rule listing none permits every action the token carries).
 */
export function decideRequestRules(
  segment: Segment,
  claims: Readonly<Record<string, unknown>>,
  action: string,
  tokenScopes: readonly string[],
): Decision {
  for (const entry of segment.denies) {
    const when = entry.rule.when;
    if (when === null || evaluateCondition(when, claims) !== "false") return entry.decision;
  }

  let first: IndexedRule | null = null;
  let permitting: IndexedRule | null = null;
  for (const entry of segment.allows) {
    const when = entry.rule.when;
    if (when !== null && evaluateCondition(when, claims) !== "true") continue;
    first ??= entry;
    const scopes = entry.rule.scopes;
    if (scopes === null || scopes.includes(action)) {
      permitting = entry;
      break;
    }
  }

  if (first === null) return NO_MATCH.ingress;
  if (!tokenScopes.includes(action)) return scopeMissing(first.ref, action);
  if (permitting === null) return actionNotPermitted(first.ref, action);
  return permitting.decision;
}
