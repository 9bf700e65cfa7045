import type { Ir, Rule } from "@palisade/ir";
import { type Enforcer, newEnforcer, newModelFromString, StringAdapter } from "casbin";
import { contains, type Intervals, unionOf } from "./intervals.ts";
import type { ConnectionQuery, RequestQuery } from "./map-floor.ts";
import type { ClaimsCache } from "./token-floors.ts";

/**
 * The Casbin peer: an ACL model without roles. One policy line per Palisade rule:
 * `side, owner, peers, ports, protocols, scopes, effect`. The matcher compares side and owner
 * and calls four custom functions for peers (`a b` or `* !x`), ports (`8000-8010 9090`),
 * protocols and scopes; the effect is allow-unless-denied. Custom functions memoise their parsed
 * arguments, as a careful user would. Conditional rules are handled as in the Cedar peer: the
 * bench's tokens carry no claims the conditions read, so a conditional deny always applies and
 * a conditional allow never does.
 */

const MATCHER = [
  "r.side == p.side && r.owner == p.owner && peerMatch(r.peer, p.peers)",
  "portMatch(r.port, p.ports) && protoMatch(r.proto, p.protos) && scopeMatch(r.act, p.scopes)",
].join(" && ");

const MODEL = [
  "[request_definition]",
  "r = side, owner, peer, port, proto, act",
  "[policy_definition]",
  "p = side, owner, peers, ports, protos, scopes, eft",
  "[policy_effect]",
  "e = some(where (p.eft == allow)) && !some(where (p.eft == deny))",
  "[matchers]",
  `m = ${MATCHER}`,
].join("\n");

/** The policy lines for every rule of the IR, as Casbin's CSV. */
export function casbinPolicies(ir: Ir): string {
  const lines: string[] = [];
  for (const service of ir.services) {
    for (const rule of service.ingress) pushLine(lines, rule, "ingress", service.id);
    for (const rule of service.egress) pushLine(lines, rule, "egress", service.id);
  }
  return lines.join("\n");
}

function pushLine(lines: string[], rule: Rule, side: string, owner: string): void {
  if (rule.effect === "allow" && rule.when !== null) return;
  const peers =
    rule.peers.kind === "services"
      ? rule.peers.ids.join(" ")
      : ["*", ...rule.peers.except.map((id) => `!${id}`)].join(" ");
  const ports = rule.ports.map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`));
  const scopes = rule.effect === "allow" && rule.scopes !== null ? rule.scopes.join(" ") : "*";
  const fields = [
    side,
    owner,
    peers,
    ports.join(" "),
    rule.protocols.join(" "),
    scopes,
    rule.effect,
  ];
  lines.push(`p, ${fields.join(", ")}`);
}

/** Builds an enforcer from the model and the policy lines. */
export async function loadCasbin(policies: string): Promise<Enforcer> {
  const enforcer = await newEnforcer(newModelFromString(MODEL), new StringAdapter(policies));
  const peerSets = memo((text: string) => {
    const words = text.split(" ");
    return { any: words[0] === "*", ids: new Set(words.filter((word) => word !== "*")) };
  });
  const portSets = memo(
    (text: string): Intervals =>
      unionOf(
        text.split(" ").map((item) => {
          const [low, high] = item.split("-").map(Number);
          return [low as number, (high ?? low) as number] as [number, number];
        }),
      ),
  );
  const scopeSets = memo((text: string) => new Set(text.split(" ")));
  await enforcer.addFunction("peerMatch", (peer: string, pattern: string) => {
    const parsed = peerSets(pattern);
    return parsed.any ? !parsed.ids.has(`!${peer}`) : parsed.ids.has(peer);
  });
  await enforcer.addFunction("portMatch", (port: number, pattern: string) =>
    contains(portSets(pattern), port),
  );
  await enforcer.addFunction(
    "protoMatch",
    (protocol: string, pattern: string) =>
      pattern === protocol || pattern.split(" ").includes(protocol),
  );
  await enforcer.addFunction(
    "scopeMatch",
    (action: string, pattern: string) =>
      action === "" || pattern === "*" || scopeSets(pattern).has(action),
  );
  return enforcer;
}

function memo<T>(parse: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let value = seen.get(text);
    if (value === undefined) {
      value = parse(text);
      seen.set(text, value);
    }
    return value;
  };
}

/** Casbin's connection decision: egress, then ingress when egress allows. */
export function casbinConnection(enforcer: Enforcer, query: ConnectionQuery): boolean {
  const { source, destination, port, protocol } = query;
  return (
    enforcer.enforceSync("egress", source, destination, port, protocol, "") &&
    enforcer.enforceSync("ingress", destination, source, port, protocol, "")
  );
}

/** Casbin's request decision, with the token from the verified-claims cache. */
export function casbinRequest(
  enforcer: Enforcer,
  cache: ClaimsCache,
  query: RequestQuery,
): boolean {
  const claims = cache.get(query.authorization, query.destination);
  if (claims === null || !claims.scopes.has(query.action)) return false;
  return enforcer.enforceSync(
    "ingress",
    query.destination,
    claims.subject,
    query.port,
    query.protocol,
    query.action,
  );
}
