import type { Diagnostic } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput, RuleDraft, ServiceDraft } from "../policy-set.ts";
import { formatRanges } from "../port-ranges.ts";
import { admits, trafficOverlaps } from "./rule-index.ts";

/**
 * Half-open edges and unreachable services. A connection needs the source's egress and the
 * destination's ingress to agree, so an allow on one side that the other side never matches
 * does nothing:
 *
 * - `check/ingress-unused`: an ingress allow names a defined peer whose egress allows have no
 *   rule toward this service sharing a port and a protocol with it (reported at that peer); for
 *   `any`, no defined service has such an egress rule.
 * - `check/egress-unused`: the reverse, for egress allows.
 * - `check/unreachable-service`: a service with ingress allows, all naming defined peers (or
 *   `any`), none of which any egress allow matches; so no connection to it can ever be allowed.
 *
 * Denies and conditions are not considered here (other checks cover them); undefined peers are
 * left to `check/undefined-peer`. Every lookup goes through the indexes of `Graph`, so the cost
 * follows the number of rules that concern each pair of services, not the size of the set.
 */
export function checkHalfOpenEdges({ services }: CheckInput): Diagnostic[] {
  const graph = buildGraph(services);
  const diagnostics: Diagnostic[] = [];
  for (const service of services) {
    let used = false;
    let hasUndefinedPeer = false;
    let allows = 0;
    for (const rule of service.ingress) {
      if (rule.effect !== "allow") continue;
      allows++;
      const outcome = checkIngressRule(rule, graph, diagnostics);
      used ||= outcome.used;
      hasUndefinedPeer ||= outcome.hasUndefinedPeer;
    }
    if (allows > 0 && !used && !hasUndefinedPeer) {
      diagnostics.push(
        warning(
          "check/unreachable-service",
          `no service can reach \`${service.decl.id}\`: ` +
            "no egress rule in the policy set matches its ingress rules",
          service.decl.idSpan,
        ),
      );
    }
    for (const rule of service.egress) {
      if (rule.effect === "allow") checkEgressRule(rule, graph, diagnostics);
    }
  }
  return diagnostics;
}

/** The allow rules of the whole set, looked up by the pair of services they connect. */
interface Graph {
  readonly defined: ReadonlySet<string>;
  /** Services with at least one allow on that side (the others get a plainer message). */
  readonly hasEgress: ReadonlySet<string>;
  readonly hasIngress: ReadonlySet<string>;
  /** Egress allows under their source, then under each destination they name. */
  readonly egressPairs: ReadonlyMap<string, Map<string, RuleDraft[]>>;
  /** Ingress allows under their destination, then under each source they name. */
  readonly ingressPairs: ReadonlyMap<string, Map<string, RuleDraft[]>>;
  /** Egress allows to `any`, under their source. */
  readonly egressAnyOf: ReadonlyMap<string, RuleDraft[]>;
  /** Ingress allows from `any`, under their destination. */
  readonly ingressAnyOf: ReadonlyMap<string, RuleDraft[]>;
  /** Egress allows under each destination they name, whatever the source. */
  readonly egressTo: ReadonlyMap<string, RuleDraft[]>;
  /** Ingress allows under each source they name, whatever the destination. */
  readonly ingressFrom: ReadonlyMap<string, RuleDraft[]>;
  readonly egressAny: readonly RuleDraft[];
  readonly ingressAny: readonly RuleDraft[];
}

const NONE: readonly RuleDraft[] = [];

function buildGraph(services: readonly ServiceDraft[]): Graph {
  const graph = {
    defined: new Set(services.map((service) => service.decl.id)),
    hasEgress: new Set<string>(),
    hasIngress: new Set<string>(),
    egressPairs: new Map<string, Map<string, RuleDraft[]>>(),
    ingressPairs: new Map<string, Map<string, RuleDraft[]>>(),
    egressAnyOf: new Map<string, RuleDraft[]>(),
    ingressAnyOf: new Map<string, RuleDraft[]>(),
    egressTo: new Map<string, RuleDraft[]>(),
    ingressFrom: new Map<string, RuleDraft[]>(),
    egressAny: [] as RuleDraft[],
    ingressAny: [] as RuleDraft[],
  };
  for (const service of services) {
    const id = service.decl.id;
    // Nested maps keyed by ids the tree already holds: no key strings are built per rule.
    const egressByDestination = new Map<string, RuleDraft[]>();
    const ingressBySource = new Map<string, RuleDraft[]>();
    graph.egressPairs.set(id, egressByDestination);
    graph.ingressPairs.set(id, ingressBySource);
    for (const rule of service.egress) {
      if (rule.effect !== "allow") continue;
      graph.hasEgress.add(id);
      if (rule.peers.kind === "any") {
        add(graph.egressAnyOf, id, rule);
        graph.egressAny.push(rule);
        continue;
      }
      for (const destination of rule.peers.ids) {
        add(egressByDestination, destination, rule);
        add(graph.egressTo, destination, rule);
      }
    }
    for (const rule of service.ingress) {
      if (rule.effect !== "allow") continue;
      graph.hasIngress.add(id);
      if (rule.peers.kind === "any") {
        add(graph.ingressAnyOf, id, rule);
        graph.ingressAny.push(rule);
        continue;
      }
      for (const source of rule.peers.ids) {
        add(ingressBySource, source, rule);
        add(graph.ingressFrom, source, rule);
      }
    }
  }
  return graph;
}

function add(index: Map<string, RuleDraft[]>, key: string, rule: RuleDraft): void {
  const list = index.get(key);
  if (list) list.push(rule);
  else index.set(key, [rule]);
}

/** True when `egress` (from a service not in `except`) reaches traffic that `ingress` admits. */
function egressFits(egress: RuleDraft, ingress: RuleDraft, except: readonly string[]): boolean {
  return (
    !except.includes(egress.service) &&
    admits(egress.peers, ingress.service) &&
    trafficOverlaps(egress, ingress)
  );
}

/** True when `ingress` (of a service not in `except`) admits traffic that `egress` may send. */
function ingressFits(ingress: RuleDraft, egress: RuleDraft, except: readonly string[]): boolean {
  return (
    !except.includes(ingress.service) &&
    admits(ingress.peers, egress.service) &&
    trafficOverlaps(ingress, egress)
  );
}

/** True when any candidate fits `rule`. */
function someFits(
  candidates: readonly RuleDraft[] | undefined,
  rule: RuleDraft,
  fits: (candidate: RuleDraft, rule: RuleDraft, except: readonly string[]) => boolean,
  except: readonly string[],
): boolean {
  for (const candidate of candidates ?? NONE) {
    if (fits(candidate, rule, except)) return true;
  }
  return false;
}

function checkIngressRule(
  rule: RuleDraft,
  graph: Graph,
  diagnostics: Diagnostic[],
): { used: boolean; hasUndefinedPeer: boolean } {
  const destination = rule.service;
  const peers = rule.peers;
  if (peers.kind === "any") {
    const used =
      someFits(graph.egressTo.get(destination), rule, egressFits, peers.except) ||
      someFits(graph.egressAny, rule, egressFits, peers.except);
    const [span] = rule.peerSpans;
    if (!used && span) {
      diagnostics.push(
        warning(
          "check/ingress-unused",
          `no service's egress reaches \`${destination}\` on ${describeTraffic(rule)}, ` +
            "so this rule is never used",
          span,
        ),
      );
    }
    return { used, hasUndefinedPeer: false };
  }

  let used = false;
  let hasUndefinedPeer = false;
  for (const [index, source] of peers.ids.entries()) {
    if (!graph.defined.has(source)) {
      hasUndefinedPeer = true;
      continue;
    }
    if (
      someFits(graph.egressPairs.get(source)?.get(destination), rule, egressFits, NO_IDS) ||
      someFits(graph.egressAnyOf.get(source), rule, egressFits, NO_IDS)
    ) {
      used = true;
      continue;
    }
    const span = rule.peerSpans[index];
    if (!span) continue;
    const why = graph.hasEgress.has(source)
      ? `no egress rule of \`${source}\` reaches \`${destination}\` on ${describeTraffic(rule)}`
      : `\`${source}\` has no egress allow rules`;
    diagnostics.push(
      warning(
        "check/ingress-unused",
        `\`${destination}\` admits \`${source}\` here, but ${why}`,
        span,
        {
          help: `add \`${suggestedRule("to", destination, rule)}\` to the egress of \`${source}\``,
        },
      ),
    );
  }
  return { used, hasUndefinedPeer };
}

function checkEgressRule(rule: RuleDraft, graph: Graph, diagnostics: Diagnostic[]): void {
  const source = rule.service;
  const peers = rule.peers;
  if (peers.kind === "any") {
    const used =
      someFits(graph.ingressFrom.get(source), rule, ingressFits, peers.except) ||
      someFits(graph.ingressAny, rule, ingressFits, peers.except);
    const [span] = rule.peerSpans;
    if (!used && span) {
      diagnostics.push(
        warning(
          "check/egress-unused",
          `no service's ingress admits \`${source}\` on ${describeTraffic(rule)}, ` +
            "so this rule is never used",
          span,
        ),
      );
    }
    return;
  }

  for (const [index, destination] of peers.ids.entries()) {
    if (!graph.defined.has(destination)) continue;
    if (
      someFits(graph.ingressPairs.get(destination)?.get(source), rule, ingressFits, NO_IDS) ||
      someFits(graph.ingressAnyOf.get(destination), rule, ingressFits, NO_IDS)
    ) {
      continue;
    }
    const span = rule.peerSpans[index];
    if (!span) continue;
    const why = graph.hasIngress.has(destination)
      ? `no ingress rule of \`${destination}\` admits \`${source}\` on ${describeTraffic(rule)}`
      : `\`${destination}\` has no ingress allow rules`;
    diagnostics.push(
      warning(
        "check/egress-unused",
        `\`${source}\` may reach \`${destination}\` here, but ${why}`,
        span,
        {
          help:
            `add \`${suggestedRule("from", source, rule)}\` ` +
            `to the ingress of \`${destination}\``,
        },
      ),
    );
  }
}

const NO_IDS: readonly string[] = [];

/** `ports 53 over udp, tcp`: the traffic a rule matches, for messages. */
function describeTraffic(rule: RuleDraft): string {
  return `ports ${formatRanges(rule.ports)} over ${rule.protocols.join(", ")}`;
}

/** The DSL rule that would close the edge from the other side. */
function suggestedRule(word: "to" | "from", peer: string, rule: RuleDraft): string {
  const protocols =
    rule.protocols.length === 1 && rule.protocols[0] === "tcp"
      ? ""
      : ` protocols ${rule.protocols.join(", ")}`;
  return `allow ${word} ${peer} ports ${formatRanges(rule.ports)}${protocols}`;
}
