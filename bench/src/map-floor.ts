import type { Ir, Protocol, Rule, Service } from "@palisade/ir";
import { contains, type Intervals, intersect, subtract, unionOf } from "./intervals.ts";
import type { ClaimsCache } from "./token-floors.ts";

/**
 * The hand-written floor: everything a decision needs, precomputed from the IR into nested
 * `Map`s, so a decision is two `Map` lookups and a scan of a few port intervals. It does no
 * validation, keeps no reasons and names no rules: it is the least any table lookup can cost.
 */

/** Allowed ports per protocol for one (source, destination) pair. */
export interface PairPorts {
  readonly tcp: Intervals;
  readonly udp: Intervals;
}

/** source -> destination -> ports allowed by both sides. */
export type ConnectionTable = ReadonlyMap<string, ReadonlyMap<string, PairPorts>>;

/** An allow rule's effective ports (its denies removed) and the scopes it grants, if it narrows. */
export interface RequestGrant {
  readonly ports: Intervals;
  readonly scopes: ReadonlySet<string> | null;
}

/** destination -> caller -> grants per protocol. */
export type RequestTable = ReadonlyMap<
  string,
  ReadonlyMap<
    string,
    { readonly tcp: readonly RequestGrant[]; readonly udp: readonly RequestGrant[] }
  >
>;

const PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];

/** A connection query, the same object every contender receives. */
export interface ConnectionQuery {
  readonly source: string;
  readonly destination: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A request query: the caller is whoever the token names. */
export interface RequestQuery {
  readonly destination: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly action: string;
  readonly token: string;
  readonly authorization: string;
}

/** Builds the connection table: both sides' allows minus their denies, intersected. */
export function buildConnectionTable(ir: Ir): ConnectionTable {
  const byId = new Map(ir.services.map((service) => [service.id, service]));
  const table = new Map<string, Map<string, PairPorts>>();
  for (const source of ir.services) {
    const row = new Map<string, PairPorts>();
    for (const destinationId of candidates(source.egress, ir)) {
      const destination = byId.get(destinationId);
      if (destination === undefined) continue;
      const [tcp, udp] = PROTOCOLS.map((protocol) =>
        intersect(
          sideAllows(source.egress, destinationId, protocol),
          sideAllows(destination.ingress, source.id, protocol),
        ),
      ) as [Intervals, Intervals];
      if (tcp.length > 0 || udp.length > 0) row.set(destinationId, { tcp, udp });
    }
    if (row.size > 0) table.set(source.id, row);
  }
  return table;
}

/** The floor's connection decision. */
export function floorConnection(table: ConnectionTable, query: ConnectionQuery): boolean {
  const ports = table.get(query.source)?.get(query.destination);
  if (ports === undefined) return false;
  return contains(query.protocol === "udp" ? ports.udp : ports.tcp, query.port);
}

/** Builds the request table from every destination's ingress rules. */
export function buildRequestTable(ir: Ir): RequestTable {
  const table = new Map<string, Map<string, { tcp: RequestGrant[]; udp: RequestGrant[] }>>();
  for (const destination of ir.services) {
    const row = new Map<string, { tcp: RequestGrant[]; udp: RequestGrant[] }>();
    for (const caller of candidates(destination.ingress, ir)) {
      const grants = { tcp: [] as RequestGrant[], udp: [] as RequestGrant[] };
      for (const protocol of PROTOCOLS) {
        const denied = unionOf(
          matching(destination.ingress, caller, protocol, "deny").flatMap((rule) => rule.ports),
        );
        for (const rule of matching(destination.ingress, caller, protocol, "allow")) {
          if (rule.when !== null) continue;
          const ports = subtract(unionOf(rule.ports), denied);
          if (ports.length === 0) continue;
          grants[protocol].push({
            ports,
            scopes: rule.scopes === null ? null : new Set(rule.scopes),
          });
        }
      }
      if (grants.tcp.length > 0 || grants.udp.length > 0) row.set(caller, grants);
    }
    if (row.size > 0) table.set(destination.id, row);
  }
  return table;
}

/** The floor's request decision, with tokens from a verified-claims cache. */
export function floorRequest(
  table: RequestTable,
  cache: ClaimsCache,
  query: RequestQuery,
): boolean {
  const claims = cache.get(query.authorization, query.destination);
  if (claims === null || !claims.scopes.has(query.action)) return false;
  const grants = table.get(query.destination)?.get(claims.subject);
  if (grants === undefined) return false;
  for (const grant of query.protocol === "udp" ? grants.udp : grants.tcp) {
    if (
      contains(grant.ports, query.port) &&
      (grant.scopes === null || grant.scopes.has(query.action))
    ) {
      return true;
    }
  }
  return false;
}

/** The ports one side allows to one peer: unconditional allows minus every matching deny. */
function sideAllows(rules: readonly Rule[], peer: string, protocol: Protocol): Intervals {
  const allowed = matching(rules, peer, protocol, "allow").filter((rule) => rule.when === null);
  const denied = matching(rules, peer, protocol, "deny");
  return subtract(
    unionOf(allowed.flatMap((rule) => rule.ports)),
    unionOf(denied.flatMap((rule) => rule.ports)),
  );
}

function matching(
  rules: readonly Rule[],
  peer: string,
  protocol: Protocol,
  effect: Rule["effect"],
): Rule[] {
  return rules.filter(
    (rule) => rule.effect === effect && rule.protocols.includes(protocol) && names(rule, peer),
  );
}

function names(rule: Rule, peer: string): boolean {
  return rule.peers.kind === "services"
    ? rule.peers.ids.includes(peer)
    : !rule.peers.except.includes(peer);
}

/** Every peer an allow rule of this side could apply to. */
function candidates(rules: readonly Rule[], ir: Ir): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule.effect !== "allow") continue;
    if (rule.peers.kind === "services") {
      for (const id of rule.peers.ids) out.add(id);
    } else {
      for (const service of ir.services as readonly Service[]) {
        if (!rule.peers.except.includes(service.id)) out.add(service.id);
      }
    }
  }
  return out;
}
