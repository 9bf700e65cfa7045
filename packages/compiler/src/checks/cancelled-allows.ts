import type { PortRange, Protocol } from "@palisade/ir";
import type { Diagnostic, Rule } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput, RuleDraft } from "../policy-set.ts";
import { coversRanges, normalizeRanges } from "../port-ranges.ts";
import {
  admits,
  indexRules,
  type RuleIndex,
  rulesNaming,
  scopesCover,
  trafficOverlaps,
} from "./rule-index.ts";

/** At most this many cancelling deny rules are listed as related places. */
const MAX_RELATED = 5;

/**
 * Allow rules that the deny rules of the same service and side cancel completely: for every
 * peer and protocol of the allow, the unconditional denies that apply to it (alone or together)
 * cover all its ports. Deny wins, so such an allow never allows anything. A deny with scopes
 * counts only for an allow whose scopes it includes; a deny with a condition does not count.
 */
export function checkCancelledAllows({ services }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of services) {
    for (const side of [service.ingress, service.egress]) {
      for (const diagnostic of cancelledIn(side)) diagnostics.push(diagnostic);
    }
  }
  return diagnostics;
}

function cancelledIn(side: readonly RuleDraft[]): Diagnostic[] {
  const denies = side.filter((draft) => draft.effect === "deny" && draft.when === null);
  if (denies.length === 0) return [];
  const index = indexRules(denies);

  // Per source rule: the denies that cancel it, or null once one of its parts survives.
  const cancelledBy = new Map<Rule, Set<Rule> | null>();
  for (const draft of side) {
    if (draft.effect !== "allow" || cancelledBy.get(draft.source) === null) continue;
    const by = cancellingDenies(draft, index);
    if (by === null) {
      cancelledBy.set(draft.source, null);
      continue;
    }
    const seen = cancelledBy.get(draft.source) ?? new Set<Rule>();
    for (const rule of by) seen.add(rule);
    cancelledBy.set(draft.source, seen);
  }

  const diagnostics: Diagnostic[] = [];
  for (const [rule, by] of cancelledBy) {
    if (!by) continue;
    const related = [...by]
      .slice(0, MAX_RELATED)
      .map((deny) => ({ message: "a cancelling `deny` rule", span: deny.span }));
    diagnostics.push(
      warning(
        "check/cancelled-allow",
        "this `allow` rule is fully cancelled by `deny` rules and never allows anything",
        rule.span,
        { help: "remove it, or narrow the deny rules", related },
      ),
    );
  }
  return diagnostics;
}

/** The deny rules that together cancel `allow`, or null when some of it survives. */
function cancellingDenies(allow: RuleDraft, index: RuleIndex): Set<Rule> | null {
  const by = new Set<Rule>();
  const units: (readonly RuleDraft[])[] = [];
  if (allow.peers.kind === "any") {
    const except = allow.peers.except;
    units.push(
      index.any.filter(
        (deny) => deny.peers.kind === "any" && deny.peers.except.every((id) => except.includes(id)),
      ),
    );
  } else {
    for (const id of allow.peers.ids) {
      units.push([
        ...rulesNaming(index, id),
        ...index.any.filter((deny) => admits(deny.peers, id)),
      ]);
    }
  }

  for (const candidates of units) {
    const applicable = candidates.filter((deny) => scopesCover(deny.scopes, allow.scopes));
    for (const protocol of allow.protocols) {
      const ranges = portsDenied(applicable, protocol);
      if (!coversRanges(ranges, allow.ports)) return null;
    }
    for (const deny of applicable) {
      if (trafficOverlaps(deny, allow)) by.add(deny.source);
    }
  }
  return by;
}

function portsDenied(denies: readonly RuleDraft[], protocol: Protocol): PortRange[] {
  const ranges: PortRange[] = [];
  for (const deny of denies) {
    if (!deny.protocols.includes(protocol)) continue;
    for (const range of deny.ports) ranges.push(range);
  }
  return normalizeRanges(ranges);
}
