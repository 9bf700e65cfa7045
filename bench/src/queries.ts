import type { Ir, Protocol } from "@palisade/ir";
import type { Intervals } from "./intervals.ts";
import type {
  ConnectionQuery,
  ConnectionTable,
  RequestGrant,
  RequestQuery,
  RequestTable,
} from "./map-floor.ts";
import { ISSUER } from "./print-policy.ts";
import type { Random } from "./random.ts";
import { mintToken, type SigningKey, tamper } from "./tokens.ts";

/**
 * Connection queries, about half of them aimed at allowed edges (a random port inside an
 * allowed interval) and half at near misses: a port just outside an interval, the reversed
 * direction, the wrong protocol, or two services picked at random. The expected answers come
 * from Palisade; the aim is only a realistic mix.
 */
export function connectionQueries(
  ir: Ir,
  table: ConnectionTable,
  count: number,
  random: Random,
): ConnectionQuery[] {
  const edges: { source: string; destination: string; tcp: Intervals; udp: Intervals }[] = [];
  for (const [source, row] of table) {
    for (const [destination, ports] of row) edges.push({ source, destination, ...ports });
  }
  const ids = ir.services.map((service) => service.id);
  const queries: ConnectionQuery[] = [];
  while (queries.length < count) {
    const edge = random.pick(edges);
    const udp = edge.udp.length > 0 && (edge.tcp.length === 0 || random.chance(0.3));
    const intervals = udp ? edge.udp : edge.tcp;
    const protocol: Protocol = udp ? "udp" : "tcp";
    const roll = random.next();
    if (roll < 0.5) {
      queries.push({ ...edge, port: portInside(intervals, random), protocol });
    } else if (roll < 0.62) {
      queries.push({ ...edge, port: portBeside(intervals, random), protocol });
    } else if (roll < 0.74) {
      const port = portInside(intervals, random);
      queries.push({ source: edge.destination, destination: edge.source, port, protocol });
    } else if (roll < 0.86) {
      const port = portInside(intervals, random);
      queries.push({ ...edge, port, protocol: protocol === "udp" ? "tcp" : "udp" });
    } else {
      const port = random.pick([random.int(8000, 8099), random.int(7000, 7209), 9090, 53]);
      queries.push({ source: random.pick(ids), destination: random.pick(ids), port, protocol });
    }
  }
  return queries.map(({ source, destination, port, protocol }) => ({
    source,
    destination,
    port,
    protocol,
  }));
}

/** One caller's grant at one destination, with what a token for it looks like. */
interface Grantee {
  readonly caller: string;
  readonly destination: string;
  readonly grants: readonly RequestGrant[];
}

function grantees(table: RequestTable): Grantee[] {
  const out: Grantee[] = [];
  for (const [destination, row] of table) {
    for (const [caller, grants] of row) {
      if (grants.tcp.length > 0) out.push({ caller, destination, grants: grants.tcp });
    }
  }
  return out;
}

/**
 * Request queries over a small set of tokens used again and again (the cached case): each token
 * is for one allowed caller and destination and carries `read` or `read write` scope; queries
 * ask for read (mostly allowed), write or admin (often refused by the token's scope or the
 * rule's scopes), a port outside the grant, or the wrong destination for the token.
 */
export function cachedRequestQueries(
  table: RequestTable,
  key: SigningKey,
  tokenCount: number,
  queryCount: number,
  random: Random,
): RequestQuery[] {
  const pool = grantees(table);
  const tokens = Array.from({ length: tokenCount }, (_, index) => {
    const grantee = random.pick(pool);
    const scope = random.chance(0.5)
      ? `${grantee.destination}:read`
      : `${grantee.destination}:read ${grantee.destination}:write`;
    const token = mintToken(key, {
      issuer: ISSUER,
      subject: grantee.caller,
      audience: grantee.destination,
      scope,
      issuedAgo: 20 + (index % 30),
      id: `cached-${index}`,
    });
    return { grantee, token };
  });

  const queries: RequestQuery[] = [];
  while (queries.length < queryCount) {
    const { grantee, token } = random.pick(tokens);
    const grant = random.pick(grantee.grants);
    const roll = random.next();
    const action = `${grantee.destination}:${roll < 0.6 ? "read" : roll < 0.8 ? "write" : "admin"}`;
    const outside = random.chance(0.1);
    const port = outside ? portBeside(grant.ports, random) : portInside(grant.ports, random);
    const destination = random.chance(0.05) ? random.pick(pool).destination : grantee.destination;
    queries.push(requestQuery(destination, port, action, token));
  }
  return queries;
}

/**
 * Request queries that each bring a token never seen before (the fresh case), all for allowed
 * requests, so every verifier must do the whole signature check every time.
 */
export function freshRequestQueries(
  table: RequestTable,
  key: SigningKey,
  count: number,
  label: string,
  random: Random,
): RequestQuery[] {
  const pool = grantees(table).filter((grantee) =>
    grantee.grants.some((grant) => grant.scopes === null || grant.scopes.size > 0),
  );
  return Array.from({ length: count }, (_, index) => {
    const grantee = random.pick(pool);
    const grant = random.pick(grantee.grants);
    const action =
      grant.scopes === null ? `${grantee.destination}:read` : ([...grant.scopes][0] as string);
    const token = mintToken(key, {
      issuer: ISSUER,
      subject: grantee.caller,
      audience: grantee.destination,
      scope: `${action} ${grantee.destination}:read`,
      issuedAgo: 5 + (index % 60),
      id: `${label}-${index}`,
    });
    return requestQuery(grantee.destination, portInside(grant.ports, random), action, token);
  });
}

/** Fresh queries spoiled on purpose: a broken signature, or a destination the token is not for. */
export function spoiledRequestQueries(
  valid: readonly RequestQuery[],
  random: Random,
): RequestQuery[] {
  return valid.map((query, index) => {
    if (index % 2 === 0) {
      return requestQuery(query.destination, query.port, query.action, tamper(query.token));
    }
    const other = random.pick(valid.filter((item) => item.destination !== query.destination));
    return requestQuery(other.destination, query.port, query.action, query.token);
  });
}

function requestQuery(destination: string, port: number, action: string, token: string) {
  return {
    destination,
    port,
    protocol: "tcp" as const,
    action,
    token,
    authorization: `Bearer ${token}`,
  };
}

function portInside(intervals: Intervals, random: Random): number {
  const at = random.int(0, intervals.length / 2 - 1) * 2;
  return random.int(intervals[at] as number, intervals[at + 1] as number);
}

function portBeside(intervals: Intervals, random: Random): number {
  const at = random.int(0, intervals.length / 2 - 1) * 2;
  const port = random.chance(0.5)
    ? (intervals[at] as number) - 1
    : (intervals[at + 1] as number) + 1;
  return Math.min(65535, Math.max(1, port));
}
