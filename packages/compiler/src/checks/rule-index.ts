import type { Peers } from "@palisade/ir";
import type { RuleDraft } from "../policy-set.ts";
import { coversRanges, rangesOverlap } from "../port-ranges.ts";

/**
 * Rules looked up by the peer they name, so that checks compare a rule only with rules that can
 * concern the same peers instead of with every rule of the policy set.
 */
export interface RuleIndex {
  /** Rules listing a service by id, under each id they list. */
  readonly byPeer: ReadonlyMap<string, readonly RuleDraft[]>;
  /** Rules whose peer is `any`. */
  readonly any: readonly RuleDraft[];
}

const NONE: readonly RuleDraft[] = [];

/** Indexes `rules` by peer. */
export function indexRules(rules: Iterable<RuleDraft>): RuleIndex {
  const byPeer = new Map<string, RuleDraft[]>();
  const any: RuleDraft[] = [];
  for (const rule of rules) {
    if (rule.peers.kind === "any") {
      any.push(rule);
      continue;
    }
    for (const id of rule.peers.ids) {
      const list = byPeer.get(id);
      if (list) list.push(rule);
      else byPeer.set(id, [rule]);
    }
  }
  return { byPeer, any };
}

/** The indexed rules naming `id` explicitly (not through `any`). */
export function rulesNaming(index: RuleIndex, id: string): readonly RuleDraft[] {
  return index.byPeer.get(id) ?? NONE;
}

/**
 * The indexed rules that could cover every peer of `peers`: for named services, those naming
 * the one service named least often, plus the `any` rules; for `any`, the `any` rules.
 */
export function coverCandidates(index: RuleIndex, peers: Peers): RuleDraft[] {
  if (peers.kind === "any") return [...index.any];
  let smallest: readonly RuleDraft[] | null = null;
  for (const id of peers.ids) {
    const list = rulesNaming(index, id);
    if (smallest === null || list.length < smallest.length) smallest = list;
  }
  return [...(smallest ?? NONE), ...index.any];
}

/** True when `peers` includes service `id`. */
export function admits(peers: Peers, id: string): boolean {
  return peers.kind === "any" ? !peers.except.includes(id) : peers.ids.includes(id);
}

/** True when every service `inner` includes is also included by `outer`. */
export function peersCover(outer: Peers, inner: Peers): boolean {
  if (outer.kind === "any") {
    return inner.kind === "any"
      ? outer.except.every((id) => inner.except.includes(id))
      : inner.ids.every((id) => !outer.except.includes(id));
  }
  return inner.kind === "services" && inner.ids.every((id) => outer.ids.includes(id));
}

/** True when `outer` applies to every action `inner` applies to (null means every action). */
export function scopesCover(
  outer: readonly string[] | null,
  inner: readonly string[] | null,
): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((scope) => outer.includes(scope));
}

/** True when the two rules share a port and a protocol. */
export function trafficOverlaps(a: RuleDraft, b: RuleDraft): boolean {
  return a.protocols.some((p) => b.protocols.includes(p)) && rangesOverlap(a.ports, b.ports);
}

/** True when `outer` matches every port and protocol `inner` matches. */
export function trafficCovers(outer: RuleDraft, inner: RuleDraft): boolean {
  return (
    inner.protocols.every((p) => outer.protocols.includes(p)) &&
    coversRanges(outer.ports, inner.ports)
  );
}
