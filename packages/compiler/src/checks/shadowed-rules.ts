import type { Diagnostic, Rule } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput, RuleDraft } from "../policy-set.ts";
import { compareSpans } from "../spans.ts";
import {
  coverCandidates,
  indexRules,
  peersCover,
  scopesCover,
  trafficCovers,
} from "./rule-index.ts";

/**
 * Rules that another rule of the same service, side and effect fully covers: same or more peers,
 * ports, protocols and scopes, and no condition (or the same one). Such a rule can never decide
 * anything. Of two rules that cover each other, the one written later is reported. A source rule
 * split into several IR rules is reported only when every part is covered.
 */
export function checkShadowedRules({ services }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of services) {
    for (const side of [service.ingress, service.egress]) {
      for (const diagnostic of shadowedIn(side)) diagnostics.push(diagnostic);
    }
  }
  return diagnostics;
}

function shadowedIn(side: readonly RuleDraft[]): Diagnostic[] {
  if (side.length < 2) return [];
  const index = indexRules(side);
  // Conditions are built by the compiler in one key order, so JSON text compares meaning.
  const conditions = new Map<RuleDraft, string | null>();
  const conditionOf = (draft: RuleDraft): string | null => {
    let key = conditions.get(draft);
    if (key === undefined) {
      key = draft.when === null ? null : JSON.stringify(draft.when);
      conditions.set(draft, key);
    }
    return key;
  };
  const covers = (outer: RuleDraft, inner: RuleDraft): boolean =>
    outer.effect === inner.effect &&
    peersCover(outer.peers, inner.peers) &&
    trafficCovers(outer, inner) &&
    scopesCover(outer.scopes, inner.scopes) &&
    (outer.when === null || conditionOf(outer) === conditionOf(inner));

  // Per source rule: the rule covering its first covered part, or null once a part is uncovered.
  const coveredBy = new Map<Rule, Rule | null>();
  for (const draft of side) {
    if (coveredBy.get(draft.source) === null) continue;
    let by: Rule | null = null;
    for (const candidate of coverCandidates(index, draft.peers)) {
      if (candidate.source === draft.source || !covers(candidate, draft)) continue;
      const mutual = covers(draft, candidate);
      if (mutual && compareSpans(candidate.source.span, draft.source.span) > 0) continue;
      by = candidate.source;
      break;
    }
    if (by === null) coveredBy.set(draft.source, null);
    else if (!coveredBy.has(draft.source)) coveredBy.set(draft.source, by);
  }

  const diagnostics: Diagnostic[] = [];
  for (const [rule, by] of coveredBy) {
    if (!by) continue;
    diagnostics.push(
      warning(
        "check/shadowed-rule",
        `this \`${rule.effect}\` rule is covered by another \`${by.effect}\` rule ` +
          "and never decides anything",
        rule.span,
        {
          help: "remove it, or narrow the rule that covers it",
          related: [{ message: "the covering rule", span: by.span }],
        },
      ),
    );
  }
  return diagnostics;
}
