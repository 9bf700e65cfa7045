import type { Decision, Protocol, SourceSpan } from "@palisade/ir";
import { evaluateCondition } from "./condition.ts";
import { actionNotPermitted, NO_MATCH, quote, type Side, scopeMissing } from "./decisions.ts";
import { byRank, type IndexedRule } from "./rule-index.ts";

/** Why a rule did or did not match, as a stable word a program can switch on. */
export type RuleOutcome =
  | "matched"
  | "peer-not-listed"
  | "peer-excepted"
  | "port-not-covered"
  | "protocol-not-listed"
  | "condition-true"
  | "condition-false"
  | "condition-unevaluable"
  | "condition-needs-token";

/** One rule the engine considered, whether it matched, and why. */
export interface RuleStep {
  readonly kind: "rule";
  readonly side: Side;
  readonly id: string;
  readonly span: SourceSpan;
  readonly effect: "allow" | "deny";
  /**
   * Whether the rule takes part in the decision: a deny whose condition cannot be evaluated
   * matches; an allow whose condition cannot be evaluated (or needs a token) does not.
   */
  readonly matched: boolean;
  readonly outcome: RuleOutcome;
  readonly message: string;
  /** The rule's position in its side's list. */
  readonly index: number;
}

/**
 * Walks rules one by one in the order they were written, the plain way: peers, then
 * protocol, then port, then condition.
 * This is the reference the indexed fast path must agree with, and what `explain` shows.
 * `claims` null means there is no token (a connection question).
 */
export function considerRules(
  rules: readonly IndexedRule[],
  peer: string,
  port: number,
  protocol: Protocol,
  claims: Readonly<Record<string, unknown>> | null,
): RuleStep[] {
  return [...rules].sort(byRank).map((entry) => considerRule(entry, peer, port, protocol, claims));
}

function considerRule(
  entry: IndexedRule,
  peer: string,
  port: number,
  protocol: Protocol,
  claims: Readonly<Record<string, unknown>> | null,
): RuleStep {
  const { rule } = entry;
  const step = (matched: boolean, outcome: RuleOutcome, message: string): RuleStep =>
    Object.freeze({
      kind: "rule",
      side: entry.side,
      id: rule.id,
      span: entry.ref.span,
      effect: rule.effect,
      matched,
      outcome,
      message,
      index: entry.index,
    });

  const peers = rule.peers;
  if (peers.kind === "services" && !peers.ids.includes(peer)) {
    return step(false, "peer-not-listed", `${quote(peer)} is not among the rule's peers`);
  }
  if (peers.kind === "any" && peers.except.includes(peer)) {
    return step(false, "peer-excepted", `${quote(peer)} is excepted from \`any\``);
  }
  if (!rule.protocols.includes(protocol)) {
    return step(false, "protocol-not-listed", `the rule does not cover protocol \`${protocol}\``);
  }
  if (!rule.ports.some(([from, to]) => from <= port && port <= to)) {
    return step(false, "port-not-covered", `the rule does not cover port ${port}`);
  }
  if (rule.when === null) return step(true, "matched", "peer, protocol and port match");

  const isDeny = rule.effect === "deny";
  if (claims === null) {
    const message = isDeny
      ? "the condition needs a token, so this deny applies"
      : "the condition needs a token, so this allow grants nothing";
    return step(isDeny, "condition-needs-token", message);
  }
  const problems: string[] = [];
  const truth = evaluateCondition(rule.when, claims, problems);
  if (truth === "true") return step(true, "condition-true", "the condition holds");
  if (truth === "false") return step(false, "condition-false", "the condition does not hold");
  const why = problems[0] ?? "the condition cannot be evaluated";
  const effect = isDeny ? "this deny applies" : "this allow grants nothing";
  return step(isDeny, "condition-unevaluable", `${why}, so ${effect}`);
}

/**
 * The decision of one side from its considered rules, without a token: any matching deny
 * decides; otherwise the first matching allow; otherwise no rule matched.
 */
export function decideSideFromSteps(
  rules: readonly IndexedRule[],
  steps: readonly RuleStep[],
  side: Side,
): Decision {
  const matched = matchedAsWritten(rules, steps);
  const deny = matched.find((entry) => entry.rule.effect === "deny");
  if (deny !== undefined) return deny.decision;
  const allow = matched.find((entry) => entry.rule.effect === "allow");
  if (allow !== undefined) return allow.decision;
  return NO_MATCH[side];
}

/**
 * The decision of a request from its destination's considered ingress rules: any matching deny
 * decides; with no matching allow, no rule matched; then the action must be in the token's
 * scopes, and in the scopes of at least one matching allow rule that lists scopes (or a
 * matching allow rule must list none).
 */
export function decideRequestFromSteps(
  rules: readonly IndexedRule[],
  steps: readonly RuleStep[],
  action: string,
  tokenScopes: readonly string[],
): Decision {
  const verdict = requestVerdict(rules, steps, action, tokenScopes);
  return verdict.decision;
}

/** The request decision plus the rule whose scopes were checked, for `explain`. */
export function requestVerdict(
  rules: readonly IndexedRule[],
  steps: readonly RuleStep[],
  action: string,
  tokenScopes: readonly string[],
): { decision: Decision; allowRules: readonly IndexedRule[] } {
  const matched = matchedAsWritten(rules, steps);
  const deny = matched.find((entry) => entry.rule.effect === "deny");
  if (deny !== undefined) return { decision: deny.decision, allowRules: [] };

  const allowRules = matched.filter((entry) => entry.rule.effect === "allow");
  const first = allowRules[0];
  if (first === undefined) return { decision: NO_MATCH.ingress, allowRules };
  if (!tokenScopes.includes(action)) {
    return { decision: scopeMissing(first.ref, action), allowRules };
  }
  const permitting = allowRules.find(
    (entry) => entry.rule.scopes === null || entry.rule.scopes.includes(action),
  );
  if (permitting === undefined) {
    return { decision: actionNotPermitted(first.ref, action), allowRules };
  }
  return { decision: permitting.decision, allowRules };
}

/** The rules of the matched steps, in the order they were written (see `IndexedRule.rank`). */
function matchedAsWritten(rules: readonly IndexedRule[], steps: readonly RuleStep[]) {
  return steps
    .filter((step) => step.matched)
    .map((step) => ruleAt(rules, step))
    .sort(byRank);
}

function ruleAt(rules: readonly IndexedRule[], step: RuleStep): IndexedRule {
  const entry = rules[step.index];
  if (entry === undefined || entry.rule.id !== step.id) {
    throw new Error(`internal error: rule step \`${step.id}\` does not name a known rule`);
  }
  return entry;
}
