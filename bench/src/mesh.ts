import { createRandom, type Random } from "./random.ts";

/** A port as a policy writes it: a number, an inclusive range, or a named port. */
export type PortItem = number | readonly [number, number] | string;

/** A protocol a rule can name. */
export type MeshProtocol = "tcp" | "udp";

/** A named peer, optionally with its own ports. */
export interface ServicePeerSpec {
  readonly kind: "service";
  readonly id: string;
  readonly ports: readonly PortItem[] | null;
}

/** Every service except some. */
export interface AnyPeerSpec {
  readonly kind: "any";
  readonly except: readonly string[];
}

/** One rule in a form both printers share. */
export interface RuleSpec {
  readonly effect: "allow" | "deny";
  readonly peers: readonly (ServicePeerSpec | AnyPeerSpec)[];
  readonly ports: readonly PortItem[] | null;
  readonly protocols: readonly MeshProtocol[] | null;
  readonly scopes: readonly string[] | null;
  /** A condition in DSL syntax, or null. */
  readonly when: string | null;
}

/** One service of the generated mesh. */
export interface ServiceSpec {
  readonly id: string;
  readonly ports: readonly { readonly name: string; readonly port: number }[];
  readonly ingress: readonly RuleSpec[];
  readonly egress: readonly RuleSpec[];
}

/** A generated policy set, before it is printed in either form. */
export interface Mesh {
  readonly services: readonly ServiceSpec[];
  readonly rules: number;
}

/** The name server every service may reach. */
export const DNS_ID = "dns";
/** The scraper that may reach every service's metrics port. */
export const METRICS_ID = "metrics";
const METRICS_PORT = 9090;
const DNS_PORT = 53;

interface EgressEntry {
  readonly destination: string;
  readonly ports: readonly PortItem[];
  readonly udp: boolean;
}

interface MutableService {
  readonly id: string;
  readonly ports: { name: string; port: number }[];
  readonly ingress: RuleSpec[];
  readonly egress: RuleSpec[];
  readonly outgoing: EgressEntry[];
}

/**
 * Generates a mesh of `count` services (at least 10) shaped like a real one: every service has
 * three to eight callers split over rules with scopes, port ranges, peer-level ports and some
 * UDP; a third carry deny rules (some conditional); the callers' egress rules mirror the edges,
 * except for about one in twenty, which is left half-open (so the connection is denied). A name
 * server accepts everyone on port 53, and a scraper may reach every service's metrics port.
 */
export function generateMesh(count: number, seed: number): Mesh {
  if (!Number.isInteger(count) || count < 10) throw new TypeError("a mesh needs at least 10");
  const random = createRandom(seed);
  const ids = [DNS_ID, METRICS_ID];
  for (let index = 2; index < count; index++) ids.push(`svc-${index}`);
  const services: MutableService[] = ids.map((id) => ({
    id,
    ports: [],
    ingress: [],
    egress: [],
    outgoing: [],
  }));
  const byId = new Map(services.map((service) => [service.id, service]));
  const regular = services.slice(2);

  for (const service of regular) {
    addIngress(service, regular, byId, random);
  }

  for (const service of regular) {
    service.egress.push(...egressRules(service.outgoing));
    service.egress.push(dnsEgress());
  }
  const dns = services[0] as MutableService;
  dns.ports.push({ name: "domain", port: DNS_PORT });
  dns.ingress.push({
    effect: "allow",
    peers: [{ kind: "any", except: [] }],
    ports: ["domain"],
    protocols: ["udp", "tcp"],
    scopes: null,
    when: null,
  });
  const metrics = services[1] as MutableService;
  metrics.egress.push({
    effect: "allow",
    peers: [{ kind: "any", except: [] }],
    ports: [METRICS_PORT],
    protocols: null,
    scopes: null,
    when: null,
  });

  let rules = 0;
  for (const service of services) rules += service.ingress.length + service.egress.length;
  return {
    services: services.map(({ id, ports, ingress, egress }) => ({ id, ports, ingress, egress })),
    rules,
  };
}

function addIngress(
  service: MutableService,
  regular: readonly MutableService[],
  byId: ReadonlyMap<string, MutableService>,
  random: Random,
): void {
  const http = 8000 + random.int(0, 99);
  service.ports.push({ name: "http", port: http }, { name: "metrics", port: METRICS_PORT });

  const callers = pickDistinct(regular, random.int(3, 8), service, random).map((peer) => peer.id);
  const split = Math.ceil(callers.length / 2);
  const scoped = callers.slice(0, split);
  const ranged = callers.slice(split, split + 2);
  const single = callers.slice(split + 2);
  const edge = (caller: string, ports: readonly PortItem[], udp: boolean): void => {
    // About one edge in twenty has no matching egress rule: a half-open edge that denies.
    if (random.chance(0.05)) return;
    byId.get(caller)?.outgoing.push({
      destination: service.id,
      ports: ports.map((item) => (item === "http" ? http : item)),
      udp,
    });
  };

  service.ingress.push({
    effect: "allow",
    peers: scoped.map((id) => ({ kind: "service", id, ports: null })),
    ports: ["http"],
    protocols: null,
    scopes: [`${service.id}:read`, `${service.id}:write`],
    when: null,
  });
  for (const caller of scoped) edge(caller, [http], false);

  if (ranged.length > 0) {
    const udp = random.chance(0.15);
    const ports: PortItem[] = ["http", [7000, 7099]];
    service.ingress.push({
      effect: "allow",
      peers: ranged.map((id) => ({ kind: "service", id, ports: null })),
      ports,
      protocols: udp ? ["tcp", "udp"] : null,
      scopes: null,
      when: null,
    });
    for (const caller of ranged) edge(caller, [http, [7000, 7099]], udp);
  }

  if (single.length > 0) {
    service.ingress.push({
      effect: "allow",
      peers: single.map((id, index) => ({
        kind: "service",
        id,
        ports: index % 2 === 0 ? ["http"] : [[7100, 7109], 7200],
      })),
      ports: null,
      protocols: null,
      scopes: null,
      when: null,
    });
    single.forEach((caller, index) => {
      edge(caller, index % 2 === 0 ? [http] : [[7100, 7109], 7200], false);
    });
  }

  service.ingress.push({
    effect: "allow",
    peers: [{ kind: "service", id: METRICS_ID, ports: null }],
    ports: ["metrics"],
    protocols: null,
    scopes: null,
    when: null,
  });

  const roll = random.next();
  const target = random.pick(ranged.length > 0 ? ranged : scoped);
  if (roll < 0.3) {
    service.ingress.push(deny([target], [[7050, 7059]], null));
  } else if (roll < 0.4) {
    const stranger = pickDistinct(regular, 1, service, random)[0] as MutableService;
    if (!callers.includes(stranger.id)) service.ingress.push(deny([stranger.id], null, null));
  } else if (roll < 0.5) {
    service.ingress.push(deny([target], [7060], 'token.tenant == "blocked"'));
  }
}

function deny(peers: readonly string[], ports: PortItem[] | null, when: string | null): RuleSpec {
  return {
    effect: "deny",
    peers: peers.map((id) => ({ kind: "service", id, ports: null })),
    ports,
    protocols: null,
    scopes: null,
    when,
  };
}

/** Groups a caller's edges into egress rules of at most four peers, TCP-only and TCP+UDP apart. */
function egressRules(outgoing: readonly EgressEntry[]): RuleSpec[] {
  const rules: RuleSpec[] = [];
  for (const udp of [false, true]) {
    const entries = outgoing.filter((entry) => entry.udp === udp);
    for (let start = 0; start < entries.length; start += 4) {
      rules.push({
        effect: "allow",
        peers: entries.slice(start, start + 4).map((entry) => ({
          kind: "service",
          id: entry.destination,
          ports: entry.ports,
        })),
        ports: null,
        protocols: udp ? ["tcp", "udp"] : null,
        scopes: null,
        when: null,
      });
    }
  }
  return rules;
}

function dnsEgress(): RuleSpec {
  return {
    effect: "allow",
    peers: [{ kind: "service", id: DNS_ID, ports: null }],
    ports: [DNS_PORT],
    protocols: ["udp", "tcp"],
    scopes: null,
    when: null,
  };
}

function pickDistinct(
  pool: readonly MutableService[],
  wanted: number,
  self: MutableService,
  random: Random,
): MutableService[] {
  const chosen = new Set<MutableService>();
  const limit = Math.min(wanted, pool.length - 1);
  while (chosen.size < limit) {
    const candidate = random.pick(pool);
    if (candidate !== self) chosen.add(candidate);
  }
  return [...chosen];
}
