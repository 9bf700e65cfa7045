import type { Diagnostic, NamedPort, Peer, PortSpec, Rule, ServiceDecl } from "@palisade/syntax";
import { error } from "./codes.ts";
import type { PeerPorts, PolicySet, ResolvedRule, WrittenPort } from "./policy-set.ts";
import { describePlace, joinSpans } from "./spans.ts";
import { didYouMean } from "./suggest.ts";

/** Rules with their ports resolved, and what resolving found wrong. */
export interface ResolveResult {
  readonly rules: ResolvedRule[];
  readonly diagnostics: Diagnostic[];
}

const MIN_PORT = 1;
const MAX_PORT = 65535;

/**
 * Pairs every peer of every rule with the ports that apply to it, turning named ports into
 * numbers. A named port is looked up on the destination: the service itself for ingress rules,
 * the peer for egress rules. Ports outside 1-65535, ranges that end before they start, and names
 * the destination does not declare are errors, and are left out of the result.
 */
export function resolve(set: PolicySet): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const portMaps = new Map<string, Map<string, number>>();
  for (const service of set.services) {
    portMaps.set(service.id, declaredPorts(service, diagnostics));
  }

  const checked = new Set<PortSpec>();
  const reportedNames = new Map<PortSpec, Set<string>>();
  const rules: ResolvedRule[] = [];
  for (const service of set.services) {
    const context = { set, service, portMaps, checked, reportedNames, diagnostics };
    for (const rule of service.ingress) rules.push(resolveRule(rule, context));
    for (const rule of service.egress) rules.push(resolveRule(rule, context));
  }
  return { rules, diagnostics };
}

interface Context {
  readonly set: PolicySet;
  readonly service: ServiceDecl;
  readonly portMaps: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Port specs whose numbers were already checked, so each fault is reported once. */
  readonly checked: Set<PortSpec>;
  /** Named ports already reported per destination, for rule-level lists shared by peers. */
  readonly reportedNames: Map<PortSpec, Set<string>>;
  readonly diagnostics: Diagnostic[];
}

/** The named ports of one service; a name given twice and a bad number are errors. */
function declaredPorts(service: ServiceDecl, diagnostics: Diagnostic[]): Map<string, number> {
  const byName = new Map<string, NamedPort>();
  const numbers = new Map<string, number>();
  for (const declaration of service.ports) {
    const first = byName.get(declaration.name);
    if (first) {
      diagnostics.push(
        error(
          "check/duplicate-port-name",
          `named port \`${declaration.name}\` is declared twice in \`${service.id}\`, ` +
            `first at ${describePlace(first.span)}`,
          declaration.span,
          { related: [{ message: `first \`${declaration.name}\``, span: first.span }] },
        ),
      );
      continue;
    }
    byName.set(declaration.name, declaration);
    if (!validPort(declaration.port)) {
      diagnostics.push(invalidPort(declaration.port, declaration.span));
      continue;
    }
    numbers.set(declaration.name, declaration.port);
  }
  return numbers;
}

function resolveRule(rule: Rule, context: Context): ResolvedRule {
  const peers: PeerPorts[] = [];
  for (const peer of rule.peers) {
    const [first, ...others] = peer.ports ?? [];
    if (first && rule.ports) {
      // Pointing at the peer's ports lets a front end's own report of this (which covers them)
      // take its place.
      context.diagnostics.push(
        error(
          "check/ports-on-rule-and-peer",
          "ports are given both on this peer and on the whole rule",
          joinSpans(first.span, others[others.length - 1]?.span ?? first.span),
          { help: "write the ports either after each peer or once for the rule" },
        ),
      );
    }
    const written = peer.ports ?? rule.ports;
    peers.push({
      peer,
      ports: written === null ? null : resolvePorts(written, rule, peer, context),
    });
  }
  return { service: context.service, rule, peers };
}

function resolvePorts(
  specs: readonly PortSpec[],
  rule: Rule,
  peer: Peer,
  context: Context,
): WrittenPort[] {
  const out: WrittenPort[] = [];
  for (const spec of specs) {
    if (spec.kind === "PortName") {
      const port = resolveName(spec, rule, peer, context);
      if (port !== null) out.push({ from: port, to: port, span: spec.span });
      continue;
    }
    const from = spec.kind === "Port" ? spec.port : spec.from;
    const to = spec.kind === "Port" ? spec.port : spec.to;
    const fault = portFault(spec);
    if (fault && !context.checked.has(spec)) context.diagnostics.push(fault);
    context.checked.add(spec);
    if (!fault) out.push({ from, to, span: spec.span });
  }
  return out;
}

/** The number a named port stands for on the rule's destination, or null (reported). */
function resolveName(
  spec: Extract<PortSpec, { kind: "PortName" }>,
  rule: Rule,
  peer: Peer,
  context: Context,
): number | null {
  const { service } = context;
  const anyDestination = rule.direction === "egress" && peer.kind === "AnyPeer";
  const destination = anyDestination || rule.direction === "ingress" ? service.id : peerId(peer);
  const reported = context.reportedNames.get(spec) ?? new Set<string>();
  context.reportedNames.set(spec, reported);
  const firstReport = !reported.has(anyDestination ? "" : destination);
  reported.add(anyDestination ? "" : destination);
  const diagnostics = firstReport ? context.diagnostics : [];

  if (anyDestination) {
    diagnostics.push(
      error(
        "check/named-port-on-any",
        `named port \`${spec.name}\` cannot be used with \`any\`: ` +
          "each destination may number it differently",
        spec.span,
        { help: "write the port number, or name the destination services" },
      ),
    );
    return null;
  }

  const ports = context.portMaps.get(destination);
  if (!ports) {
    diagnostics.push(
      error(
        "check/unknown-named-port",
        `unknown named port \`${spec.name}\`: \`${destination}\` is not defined in this policy set`,
        spec.span,
        { help: "write the port number, or define the service and declare the port there" },
      ),
    );
    return null;
  }
  const port = ports.get(spec.name);
  if (port !== undefined) return port;

  const declaredHere = context.set.byId.get(destination)?.ports.some((p) => p.name === spec.name);
  // A name declared with a bad number was reported at its declaration already.
  if (declaredHere) return null;
  const suggestion = didYouMean(spec.name, ports.keys());
  diagnostics.push(
    error(
      "check/unknown-named-port",
      `unknown named port \`${spec.name}\` on \`${destination}\``,
      spec.span,
      {
        help:
          suggestion.help ??
          `declare it in \`${destination}\` with \`port ${spec.name} <number>\`, ` +
            "or write the number",
      },
    ),
  );
  return null;
}

function peerId(peer: Peer): string {
  return peer.kind === "ServicePeer" ? peer.id : "";
}

function portFault(spec: Exclude<PortSpec, { kind: "PortName" }>): Diagnostic | null {
  if (spec.kind === "Port") return validPort(spec.port) ? null : invalidPort(spec.port, spec.span);
  if (!validPort(spec.from)) return invalidPort(spec.from, spec.span);
  if (!validPort(spec.to)) return invalidPort(spec.to, spec.span);
  if (spec.from > spec.to) {
    return error(
      "check/empty-port-range",
      `invalid port range \`${spec.from}..${spec.to}\`: it ends before it starts`,
      spec.span,
      { help: `write \`${spec.to}..${spec.from}\`` },
    );
  }
  return null;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= MIN_PORT && port <= MAX_PORT;
}

function invalidPort(port: number, span: PortSpec["span"]): Diagnostic {
  return error(
    "check/invalid-port",
    `invalid port \`${port}\`: ports are whole numbers from ${MIN_PORT} to ${MAX_PORT}`,
    span,
  );
}
