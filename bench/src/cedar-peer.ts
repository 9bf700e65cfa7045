import type {
  AuthorizationAnswer,
  StatefulAuthorizationCall,
} from "@cedar-policy/cedar-wasm/nodejs";
import { preparsePolicySet, statefulIsAuthorized } from "@cedar-policy/cedar-wasm/nodejs";
import type { Ir, PortRange, Rule } from "@palisade/ir";
import type { ConnectionQuery, RequestQuery } from "./map-floor.ts";
import type { ClaimsCache } from "./token-floors.ts";

/**
 * The Cedar peer. Each Palisade rule becomes one Cedar policy: principal is the calling
 * service, resource the called one, the action names the side (`Action::"ingress"` for the
 * destination's rules, `Action::"egress"` for the source's), ports and protocol are conditions on
 * the context, an allow is a `permit`, a deny a `forbid`. A connection needs both sides, so it
 * takes two authorizations, like Palisade's own egress-then-ingress check. Requests are one
 * ingress authorization with the action in the context, checked against the rule's scopes.
 *
 * Conditions on token claims: the bench's tokens carry none of the claims the generated
 * conditions read, so a conditional deny always matches and a conditional allow never grants,
 * which is what Palisade does with a condition it cannot evaluate. They are translated as such.
 */

const POLICY_SET_ID = "palisade-bench";

/**
 * Cedar policy text for every rule of the IR, by the rule's id. Cedar takes the set as one text
 * or as policies by id; by id loads several times faster at 1 000 services and more (one big
 * text parses in more than linear time), so the peer gets that.
 */
export function cedarPolicies(ir: Ir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const service of ir.services) {
    for (const rule of service.ingress) {
      const text = cedarRule(rule, "ingress", service.id);
      if (text !== null) out[rule.id] = text;
    }
    for (const rule of service.egress) {
      const text = cedarRule(rule, "egress", service.id);
      if (text !== null) out[rule.id] = text;
    }
  }
  return out;
}

function cedarRule(rule: Rule, side: "ingress" | "egress", owner: string): string | null {
  if (rule.effect === "allow" && rule.when !== null) return null;
  const ownVariable = side === "ingress" ? "resource" : "principal";
  const peerVariable = side === "ingress" ? "principal" : "resource";
  const conditions: string[] = [];
  let peerScope = peerVariable;
  if (rule.peers.kind === "services" && rule.peers.ids.length === 1) {
    peerScope = `${peerVariable} == ${entity(rule.peers.ids[0] as string)}`;
  } else if (rule.peers.kind === "services") {
    conditions.push(`[${rule.peers.ids.map(entity).join(", ")}].contains(${peerVariable})`);
  } else if (rule.peers.except.length > 0) {
    conditions.push(`!([${rule.peers.except.map(entity).join(", ")}].contains(${peerVariable}))`);
  }
  conditions.push(portCondition(rule.ports));
  if (rule.protocols.length === 1) conditions.push(`context.protocol == "${rule.protocols[0]}"`);
  if (rule.effect === "allow" && rule.scopes !== null) {
    const scopes = rule.scopes.map((scope) => JSON.stringify(scope)).join(", ");
    conditions.push(`(!(context has scope) || [${scopes}].contains(context.scope))`);
  }
  const scope = [
    side === "ingress" ? peerScope : `${ownVariable} == ${entity(owner)}`,
    `action == Action::"${side}"`,
    side === "ingress" ? `${ownVariable} == ${entity(owner)}` : peerScope,
  ];
  const effect = rule.effect === "allow" ? "permit" : "forbid";
  return `${effect} (${scope.join(", ")})\nwhen { ${conditions.join(" && ")} };`;
}

function portCondition(ports: readonly PortRange[]): string {
  const parts = ports.map(([low, high]) =>
    low === high ? `context.port == ${low}` : `(context.port >= ${low} && context.port <= ${high})`,
  );
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" || ")})`;
}

function entity(id: string): string {
  return `Service::${JSON.stringify(id)}`;
}

/** Parses the policies once into Cedar's own cache, as a long-running service would. */
export function loadCedar(policies: Record<string, string>): void {
  const answer = preparsePolicySet(POLICY_SET_ID, { staticPolicies: policies });
  if (answer.type !== "success") {
    const first = answer.errors[0]?.message ?? "unknown error";
    throw new Error(`cedar refused the generated policies: ${first}`);
  }
}

function call(
  side: "ingress" | "egress",
  principal: string,
  resource: string,
  context: StatefulAuthorizationCall["context"],
): StatefulAuthorizationCall {
  return {
    principal: { type: "Service", id: principal },
    action: { type: "Action", id: side },
    resource: { type: "Service", id: resource },
    context,
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [],
  };
}

function allows(answer: AuthorizationAnswer): boolean {
  if (answer.type !== "success") {
    throw new Error(`cedar failed: ${answer.errors[0]?.message ?? "unknown error"}`);
  }
  return answer.response.decision === "allow";
}

/** The two calls (egress, ingress) for each connection query, built ahead of timing. */
export function cedarConnectionCalls(
  queries: readonly ConnectionQuery[],
): readonly (readonly [StatefulAuthorizationCall, StatefulAuthorizationCall])[] {
  return queries.map((query) => {
    const context = { port: query.port, protocol: query.protocol };
    return [
      call("egress", query.source, query.destination, context),
      call("ingress", query.source, query.destination, context),
    ] as const;
  });
}

/** Cedar's connection decision: egress, then ingress when egress allows. */
export function cedarConnection(
  calls: readonly [StatefulAuthorizationCall, StatefulAuthorizationCall],
): boolean {
  return allows(statefulIsAuthorized(calls[0])) && allows(statefulIsAuthorized(calls[1]));
}

/**
 * Cedar's request decision: the token from the verified-claims cache, its scope must hold the
 * action, then one ingress authorization with the caller from the token.
 */
export function cedarRequest(cache: ClaimsCache, query: RequestQuery): boolean {
  const claims = cache.get(query.authorization, query.destination);
  if (claims === null || !claims.scopes.has(query.action)) return false;
  const context = { port: query.port, protocol: query.protocol, scope: query.action };
  return allows(statefulIsAuthorized(call("ingress", claims.subject, query.destination, context)));
}
