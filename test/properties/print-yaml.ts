/**
 * A printer of syntax trees to the YAML form, written for the property tests (independent of the
 * product's front ends). One `NetworkPolicy` document per service and one `TrustPolicy` document
 * per trust block, separated by `---`. Style choices vary the text without changing its meaning.
 */
import type {
  KeySource,
  Peer,
  PolicyFile,
  PortSpec,
  Rule,
  ServiceDecl,
  TrustBlock,
} from "@palisade/syntax";
import fc from "fast-check";
import { printCondition } from "./print-dsl.ts";

/** Choices that change the text of a YAML policy but not its meaning. */
export interface YamlStyle {
  /** How an empty side is written: left out, `null`, or `[]` (all mean nobody). */
  readonly emptySide: "absent" | "null" | "list";
  /** Write `action: allow` on allow rules, which is the default. */
  readonly explicitAllow: boolean;
  /** Write port lists and named ports as block collections instead of flow ones. */
  readonly blockLists: boolean;
  /** Put the trust document after the services instead of before them. */
  readonly trustLast: boolean;
}

/** The plainest style. */
export const PLAIN_YAML_STYLE: YamlStyle = {
  emptySide: "absent",
  explicitAllow: false,
  blockLists: false,
  trustLast: false,
};

/** Any combination of style choices. */
export const yamlStyle: fc.Arbitrary<YamlStyle> = fc.record({
  emptySide: fc.constantFrom("absent" as const, "null" as const, "list" as const),
  explicitAllow: fc.boolean(),
  blockLists: fc.boolean(),
  trustLast: fc.boolean(),
});

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** A YAML single-quoted scalar: only the quote itself needs escaping, by doubling it. */
function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function portItem(spec: PortSpec): string {
  switch (spec.kind) {
    case "Port":
      return String(spec.port);
    case "PortRange":
      return `{port: ${spec.from}, endPort: ${spec.to}}`;
    case "PortName":
      return spec.name;
  }
}

/** Lines for `key: [items]`, at `indent`, in flow or block style. */
function listLines(key: string, items: readonly string[], indent: string, style: YamlStyle) {
  if (!style.blockLists) return [`${indent}${key}: [${items.join(", ")}]`];
  return [`${indent}${key}:`, ...items.map((item) => `${indent}  - ${item}`)];
}

function peerLines(peer: Peer, style: YamlStyle): string[] {
  const lines =
    peer.kind === "ServicePeer" ? [`- service: ${quoted(peer.id)}`] : [`- service: "*"`];
  if (peer.kind === "AnyPeer" && peer.except.length > 0) {
    lines.push(`  except: [${peer.except.map((id) => quoted(id.value)).join(", ")}]`);
  }
  if (peer.ports !== null) lines.push(...listLines("ports", peer.ports.map(portItem), "  ", style));
  return lines;
}

function ruleLines(rule: Rule, style: YamlStyle): string[] {
  const peersKey = rule.direction === "ingress" ? "from" : "to";
  const body: string[] = [`${peersKey}:`];
  for (const peer of rule.peers) body.push(...peerLines(peer, style).map((line) => `  ${line}`));
  if (rule.ports) body.push(...listLines("ports", rule.ports.map(portItem), "", style));
  if (rule.protocols) {
    body.push(`protocols: [${rule.protocols.map((protocol) => protocol.value).join(", ")}]`);
  }
  if (rule.scopes)
    body.push(`scopes: [${rule.scopes.map((scope) => quoted(scope.value)).join(", ")}]`);
  if (rule.effect === "deny") body.push("action: deny");
  else if (style.explicitAllow) body.push("action: allow");
  if (rule.when) body.push(`when: ${singleQuoted(printCondition(rule.when))}`);
  return body.map((line, index) => (index === 0 ? `- ${line}` : `  ${line}`));
}

function sideLines(key: "ingress" | "egress", rules: readonly Rule[], style: YamlStyle): string[] {
  if (rules.length === 0) {
    if (style.emptySide === "absent") return [];
    return [`  ${key}: ${style.emptySide === "null" ? "null" : "[]"}`];
  }
  const lines = [`  ${key}:`];
  for (const rule of rules) lines.push(...ruleLines(rule, style).map((line) => `    ${line}`));
  return lines;
}

function serviceDocument(service: ServiceDecl, style: YamlStyle): string[] {
  const spec: string[] = [];
  if (service.ports.length > 0) {
    if (style.blockLists) {
      spec.push("  ports:", ...service.ports.map((named) => `    ${named.name}: ${named.port}`));
    } else {
      const pairs = service.ports.map((named) => `${named.name}: ${named.port}`);
      spec.push(`  ports: {${pairs.join(", ")}}`);
    }
  }
  spec.push(...sideLines("ingress", service.ingress, style));
  spec.push(...sideLines("egress", service.egress, style));
  return [
    "apiVersion: dilmune.com/v1",
    "kind: NetworkPolicy",
    "metadata:",
    `  name: ${quoted(service.id)}`,
    ...(spec.length === 0 ? ["spec: {}"] : ["spec:", ...spec]),
  ];
}

function keysValue(keys: KeySource): string {
  return keys.kind === "KeyFile" ? `{file: ${quoted(keys.path)}}` : `{url: ${quoted(keys.url)}}`;
}

function trustDocument(block: TrustBlock): string[] {
  const spec: string[] = [];
  if (block.issuer) spec.push(`  issuer: ${quoted(block.issuer.value)}`);
  if (block.algorithms) {
    spec.push(`  algorithms: [${block.algorithms.map((algorithm) => algorithm.value).join(", ")}]`);
  }
  if (block.keys) spec.push(`  keys: ${keysValue(block.keys)}`);
  if (block.maxTokenAge) spec.push(`  maxTokenAge: ${block.maxTokenAge.value}`);
  if (block.clockSkew) spec.push(`  clockSkew: ${block.clockSkew.value}`);
  if (block.multipleAudiences) {
    spec.push(`  multipleAudiences: ${String(block.multipleAudiences.value)}`);
  }
  return [
    "apiVersion: dilmune.com/v1",
    "kind: TrustPolicy",
    "metadata: {name: mesh}",
    ...(spec.length === 0 ? ["spec: {}"] : ["spec:", ...spec]),
  ];
}

/** The YAML text of one policy file. */
export function printYaml(file: PolicyFile, style: YamlStyle = PLAIN_YAML_STYLE): string {
  const services = file.services.map((service) => serviceDocument(service, style));
  const trust = file.trust.map(trustDocument);
  const documents = style.trustLast ? [...services, ...trust] : [...trust, ...services];
  return `${documents.map((lines) => lines.join("\n")).join("\n---\n")}\n`;
}
