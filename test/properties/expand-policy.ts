/**
 * The test's own reading of what a generated policy means, as IR-shaped rules: named ports
 * resolved, ranges as written (unmerged), one rule per peer where peers carry their own ports,
 * deny rules without ports covering every port, tcp when no protocol is written.
 *
 * The reference evaluator run on this expansion must agree (on decision and reason) with the
 * engine run on the compiler's IR; a disagreement there that the IR-level comparison does not
 * show points at the compiler. Rule ids here are the test's own and are never compared.
 */
import type { Condition, Ir, PortRange, Protocol, Rule, Service } from "@palisade/ir";
import type { Expr, Peer, PortSpec, Rule as SyntaxRule } from "@palisade/syntax";
import type { GeneratedPolicy, PortCatalog } from "./arbitraries.ts";
import { catalogOf } from "./arbitraries.ts";

const ALL_PORTS: PortRange = [1, 65535];
const NO_SPAN = { file: "expanded", line: 1, column: 1, endLine: 1, endColumn: 1 };

/** A syntax condition as an IR condition. */
export function conditionOf(expr: Expr): Condition {
  switch (expr.kind) {
    case "And":
      return { kind: "and", left: conditionOf(expr.left), right: conditionOf(expr.right) };
    case "Or":
      return { kind: "or", left: conditionOf(expr.left), right: conditionOf(expr.right) };
    case "Not":
      return { kind: "not", operand: conditionOf(expr.operand) };
    case "Compare":
      return { kind: "compare", claim: [...expr.claim], op: expr.op, value: expr.value };
    case "In":
      return { kind: "in", claim: [...expr.claim], values: [...expr.values] };
    case "Has":
      return { kind: "has", claim: [...expr.claim] };
  }
}

function rangeOf(spec: PortSpec, namedOn: string | null, catalog: PortCatalog): PortRange {
  switch (spec.kind) {
    case "Port":
      return [spec.port, spec.port];
    case "PortRange":
      return [spec.from, spec.to];
    case "PortName": {
      const named = (catalog.get(namedOn ?? "") ?? []).find((port) => port.name === spec.name);
      if (!named) throw new Error(`generator bug: port name \`${spec.name}\` does not resolve`);
      return [named.port, named.port];
    }
  }
}

function peersOf(peer: Peer): Rule["peers"] {
  return peer.kind === "ServicePeer"
    ? { kind: "services", ids: [peer.id] }
    : { kind: "any", except: peer.except.map((id) => id.value) };
}

function expandRule(
  owner: string,
  rule: SyntaxRule,
  catalog: PortCatalog,
  nextId: () => string,
): Rule[] {
  const protocols: Protocol[] = rule.protocols ? rule.protocols.map((p) => p.value) : ["tcp"];
  const scopes = rule.scopes ? rule.scopes.map((scope) => scope.value) : null;
  const when = rule.when ? conditionOf(rule.when) : null;
  const namedOnFor = (peer: Peer): string | null =>
    rule.direction === "ingress" ? owner : peer.kind === "ServicePeer" ? peer.id : null;

  return rule.peers.map((peer): Rule => {
    const specs = rule.ports ?? peer.ports;
    const ports = specs
      ? specs.map((spec) => rangeOf(spec, namedOnFor(peer), catalog))
      : [ALL_PORTS];
    return {
      id: nextId(),
      effect: rule.effect,
      peers: peersOf(peer),
      ports,
      protocols,
      scopes,
      when,
      span: NO_SPAN,
    };
  });
}

/** The test's own IR-shaped reading of a generated policy (trust left out). */
export function expandPolicy(policy: GeneratedPolicy): Ir {
  const catalog = catalogOf(policy);
  const services = policy.services.map((declared): Service => {
    const sides = { ingress: [] as Rule[], egress: [] as Rule[] };
    for (const side of ["ingress", "egress"] as const) {
      let counter = 0;
      const nextId = () => `expanded:${declared.id}/${side}/${counter++}`;
      for (const rule of declared[side]) {
        sides[side].push(...expandRule(declared.id, rule, catalog, nextId));
      }
    }
    return { id: declared.id, ...sides, span: NO_SPAN };
  });
  return { format: "palisade-ir/1", hash: "expanded", trust: null, services };
}
