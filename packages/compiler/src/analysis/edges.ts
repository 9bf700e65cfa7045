import type {
  Condition,
  Ir,
  Peers,
  PortRange,
  Protocol,
  Rule,
  RuleRef,
  Service,
} from "@palisade/ir";
import { intersectRanges, normalizeRanges, subtractRanges } from "../port-ranges.ts";

/**
 * A connection the policy can allow: `source` to `destination` on these ports over one protocol,
 * through one egress rule of the source and one ingress rule of the destination.
 */
export interface Edge {
  readonly source: string;
  readonly destination: string;
  /** Normalised: sorted, merged, inclusive. */
  readonly ports: PortRange[];
  readonly protocol: Protocol;
  /** The actions the ingress rule allows; null when it allows any action the token carries. */
  readonly scopes: string[] | null;
  /**
   * True when the edge holds only for some requests: the ingress rule has a `when`, or an
   * ingress deny with a `when` or scopes overlaps these ports. Plain connections (no token)
   * never use a conditional edge.
   */
  readonly conditional: boolean;
  /** The ingress allow's `when`: the edge is granted only to tokens meeting it. */
  readonly when: Condition | null;
  /** The token-dependent ingress denies that can take some of these ports away. */
  readonly restrictions: Restriction[];
  readonly rules: { readonly ingress: RuleRef; readonly egress: RuleRef };
}

/**
 * An ingress deny that depends on the token (it has a `when`, scopes or both), so it removes an
 * edge's ports only for some requests.
 */
export interface Restriction {
  readonly rule: RuleRef;
  /** The ports of the edge it covers. */
  readonly ports: PortRange[];
  /** The actions it denies; null for every action. */
  readonly scopes: string[] | null;
  /** The tokens it denies; null for every token (then `scopes` is set). */
  readonly when: Condition | null;
}

/** Rules of one side, found by the peer they name. */
interface SideIndex {
  readonly byPeer: Map<string, Rule[]>;
  readonly any: Rule[];
}

const cache = new WeakMap<Ir, Edge[]>();

/**
 * Every edge the IR allows, sorted by source, destination, protocol, ports and rule ids.
 *
 * An edge needs an egress allow of the source naming the destination and an ingress allow of
 * the destination naming the source, on a shared protocol and shared ports. From those ports
 * are removed the source's egress denies for the destination (all of them: egress is decided
 * without a token, so a conditional deny always matches there) and the destination's ingress
 * denies for the source that have neither `when` nor scopes. An egress allow with a `when`
 * grants nothing (its condition cannot be evaluated without a token) and gives no edge. Ingress
 * allows with a `when`, and ingress denies that depend on the token, are kept and make the edge
 * `conditional`: it shows what some request could do, so reviews see the widest possibility.
 */
export function allowedEdges(ir: Ir): Edge[] {
  if (typeof ir !== "object" || ir === null || !Array.isArray(ir.services)) {
    throw new TypeError("allowedEdges: expected a compiled policy (IR)");
  }
  const cached = cache.get(ir);
  if (cached) return cached;

  const ingress = new Map<string, { allows: SideIndex; hard: SideIndex; soft: SideIndex }>();
  for (const service of ir.services) {
    const rules = service.ingress;
    ingress.set(service.id, {
      allows: indexSide(rules.filter((r) => r.effect === "allow")),
      hard: indexSide(rules.filter((r) => r.effect === "deny" && !r.when && !r.scopes)),
      soft: indexSide(rules.filter((r) => r.effect === "deny" && (r.when || r.scopes))),
    });
  }

  const edges: Edge[] = [];
  for (const source of ir.services) {
    const egressDenies = indexSide(source.egress.filter((r) => r.effect === "deny"));
    for (const egress of source.egress) {
      if (egress.effect !== "allow" || egress.when !== null) continue;
      for (const destination of destinationsOf(egress.peers, ir.services)) {
        const side = ingress.get(destination);
        if (!side) continue;
        const allows = matching(side.allows, source.id);
        if (allows.length === 0) continue;
        const hard = matching(side.hard, source.id);
        const soft = matching(side.soft, source.id);
        const outbound = matching(egressDenies, destination);
        for (const protocol of egress.protocols) {
          const removed = normalizeRanges(
            [...outbound, ...hard]
              .filter((r) => r.protocols.includes(protocol))
              .flatMap((r) => r.ports),
          );
          const softRules = soft.filter((r) => r.protocols.includes(protocol));
          for (const allow of allows) {
            if (!allow.protocols.includes(protocol)) continue;
            const ports = subtractRanges(intersectRanges(egress.ports, allow.ports), removed);
            if (ports.length === 0) continue;
            const restrictions = restrictionsOf(softRules, ports);
            edges.push({
              source: source.id,
              destination,
              ports,
              protocol,
              scopes: allow.scopes === null ? null : [...allow.scopes],
              conditional: allow.when !== null || restrictions.length > 0,
              when: allow.when,
              restrictions,
              rules: {
                ingress: { id: allow.id, span: allow.span },
                egress: { id: egress.id, span: egress.span },
              },
            });
          }
        }
      }
    }
  }
  edges.sort(compareEdges);
  cache.set(ir, edges);
  return edges;
}

/** Orders edges by source, destination, protocol, first port, then rule ids. */
export function compareEdges(a: Edge, b: Edge): number {
  return (
    compareText(a.source, b.source) ||
    compareText(a.destination, b.destination) ||
    compareText(a.protocol, b.protocol) ||
    (a.ports[0]?.[0] ?? 0) - (b.ports[0]?.[0] ?? 0) ||
    compareText(a.rules.ingress.id, b.rules.ingress.id) ||
    compareText(a.rules.egress.id, b.rules.egress.id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The token-dependent denies among `rules` that cover some of `ports`, clipped to them. */
function restrictionsOf(rules: readonly Rule[], ports: readonly PortRange[]): Restriction[] {
  const out: Restriction[] = [];
  for (const rule of rules) {
    const covered = intersectRanges(rule.ports, ports);
    if (covered.length === 0) continue;
    out.push({
      rule: { id: rule.id, span: rule.span },
      ports: covered,
      scopes: rule.scopes === null ? null : [...rule.scopes],
      when: rule.when,
    });
  }
  return out;
}

function indexSide(rules: readonly Rule[]): SideIndex {
  const byPeer = new Map<string, Rule[]>();
  const any: Rule[] = [];
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

/** The rules of an indexed side that include peer `id`. */
function matching(index: SideIndex, id: string): Rule[] {
  const named = index.byPeer.get(id) ?? [];
  const any = index.any.filter(
    (rule) => rule.peers.kind === "any" && !rule.peers.except.includes(id),
  );
  return any.length === 0 ? named : [...named, ...any];
}

function destinationsOf(peers: Peers, services: readonly Service[]): string[] {
  if (peers.kind === "services") return peers.ids;
  return services.filter((s) => !peers.except.includes(s.id)).map((s) => s.id);
}
