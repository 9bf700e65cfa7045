import type { Condition, Peers, PortRange, Protocol } from "@palisade/ir";
import type { Direction, Effect, Rule, ServiceDecl, Span, TrustBlock } from "@palisade/syntax";

/**
 * The shapes the compiler's stages hand each other. None of them is public: the outside sees
 * the syntax tree going in and the IR coming out.
 */

/** Every file of a policy set merged: one definition per service, at most one trust block. */
export interface PolicySet {
  /** The first definition of each service id, sorted by id. */
  readonly services: readonly ServiceDecl[];
  readonly byId: ReadonlyMap<string, ServiceDecl>;
  readonly trust: TrustBlock | null;
}

/** A port or range as written, with a named port already replaced by its number. */
export interface WrittenPort {
  readonly from: number;
  readonly to: number;
  readonly span: Span;
}

/** The ports one peer of a rule gets: null when none were written for it. */
export interface PeerPorts {
  readonly peer: Rule["peers"][number];
  readonly ports: readonly WrittenPort[] | null;
}

/** A rule with names resolved: each peer paired with the ports that apply to it. */
export interface ResolvedRule {
  readonly service: ServiceDecl;
  readonly rule: Rule;
  readonly peers: readonly PeerPorts[];
}

/**
 * One IR rule before it gets its id: peers, ports, protocols and scopes in canonical form, and
 * the source rule it came from (a source rule whose peers carry different ports gives several).
 */
export interface RuleDraft {
  readonly service: string;
  readonly direction: Direction;
  readonly effect: Effect;
  readonly peers: Peers;
  readonly ports: readonly PortRange[];
  readonly protocols: readonly Protocol[];
  readonly scopes: readonly string[] | null;
  readonly when: Condition | null;
  readonly source: Rule;
  /**
   * Where the peers of this draft were written, for diagnostics about one peer: for named
   * services, one span per id in the order of `peers.ids`; for `any`, the span of `any`.
   */
  readonly peerSpans: readonly Span[];
}

/** One service with its rules in draft form. */
export interface ServiceDraft {
  readonly decl: ServiceDecl;
  readonly ingress: readonly RuleDraft[];
  readonly egress: readonly RuleDraft[];
}

/** What every check reads: the merged set and its rules in draft form. */
export interface CheckInput {
  readonly set: PolicySet;
  readonly services: readonly ServiceDraft[];
}
