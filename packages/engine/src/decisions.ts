import type { Decision, ReasonCode, RuleRef, SourceSpan } from "@palisade/ir";

/** The side of a connection whose rules decided. */
export type Side = "ingress" | "egress";

/** The longest piece of caller-supplied text a message repeats. */
const QUOTE_LIMIT = 64;

/**
 * Puts caller-supplied text into backticks for a message. Long text is cut and anything outside
 * printable ASCII is replaced, so a message stays one short line that is safe to log.
 */
export function quote(text: string): string {
  const cut = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}...` : text;
  return `\`${cut.replace(/[^\x20-\x7e]|`/g, "?")}\``;
}

/** A frozen rule reference, so no caller can edit what a shared decision points at. */
export function freezeRuleRef(id: string, span: SourceSpan): RuleRef {
  return Object.freeze({ id, span: Object.freeze({ ...span }) });
}

/** Builds a frozen decision. Decisions are shared between calls, so they must not change. */
export function makeDecision(
  decision: "allow" | "deny",
  reason: ReasonCode,
  message: string,
  rule: RuleRef | null,
  side?: Side,
): Decision {
  if (side === undefined) return Object.freeze({ decision, reason, message, rule });
  return Object.freeze({ decision, reason, message, rule, side });
}

/** A deny that no rule decided. */
export function deny(reason: ReasonCode, message: string, side?: Side): Decision {
  return makeDecision("deny", reason, message, null, side);
}

/** The allow a rule grants. */
export function allowedBy(rule: RuleRef, side: Side): Decision {
  return makeDecision("allow", "allowed", `allowed by ${side} rule \`${rule.id}\``, rule, side);
}

/** The deny a matching deny rule gives. */
export function deniedBy(rule: RuleRef, side: Side): Decision {
  return makeDecision(
    "deny",
    "denied-by-rule",
    `denied by ${side} rule \`${rule.id}\``,
    rule,
    side,
  );
}

/** The deny when no rule of a side admits the caller. */
export function noMatchingRule(side: Side): Decision {
  return deny("no-matching-rule", `no ${side} rule allows this`, side);
}

/** Shared no-match decisions, one per side (the hot path returns these without allocating). */
export const NO_MATCH: Readonly<Record<Side, Decision>> = Object.freeze({
  ingress: noMatchingRule("ingress"),
  egress: noMatchingRule("egress"),
});

/** The deny when the token grants the caller no such action. */
export function scopeMissing(rule: RuleRef, action: string): Decision {
  return makeDecision(
    "deny",
    "token-scope-missing",
    `the token's scope does not include ${quote(action)}`,
    rule,
    "ingress",
  );
}

/** The deny when the matching allow rules list scopes and none lists the action. */
export function actionNotPermitted(rule: RuleRef, action: string): Decision {
  return makeDecision(
    "deny",
    "action-not-permitted",
    `ingress rule \`${rule.id}\` does not permit ${quote(action)}`,
    rule,
    "ingress",
  );
}

/**
 * Combines the two ends of a connection: both must allow. Of two denies, an explicit
 * `denied-by-rule` is reported before a default deny, and the egress end before the ingress
 * end. An allowed connection reports the ingress rule (the destination's consent).
 */
export function combineEnds(egress: Decision, ingress: Decision): Decision {
  if (egress.decision === "allow") return ingress;
  if (ingress.decision === "allow") return egress;
  if (egress.reason !== "denied-by-rule" && ingress.reason === "denied-by-rule") return ingress;
  return egress;
}
