import type { Mesh, PortItem, RuleSpec, ServiceSpec } from "./mesh.ts";

/** A policy source as the compiler takes it. */
export interface PolicySource {
  readonly file: string;
  readonly text: string;
}

/** Where the generated trust settings say the keys are, relative to the policy files. */
export const JWKS_PATH = "keys/jwks.json";

/** The issuer the generated trust settings accept. */
export const ISSUER = "https://idp.example.test";

/** The trust block in the DSL: ES256 keys from a JWKS file, the default max age. */
export function trustDsl(): string {
  return [
    "trust {",
    `  issuer "${ISSUER}"`,
    "  algorithms ES256",
    `  keys "${JWKS_PATH}"`,
    "  max-age 5m",
    "  clock-skew 30s",
    "}",
    "",
  ].join("\n");
}

/** The same trust settings as a YAML document. */
export function trustYaml(): string {
  return [
    "apiVersion: dilmune.com/v1",
    "kind: TrustPolicy",
    "metadata: {name: mesh}",
    "spec:",
    `  issuer: ${ISSUER}`,
    "  algorithms: [ES256]",
    `  keys: {file: ${JWKS_PATH}}`,
    "  maxTokenAge: 300",
    "  clockSkew: 30",
    "  multipleAudiences: false",
    "",
  ].join("\n");
}

/**
 * The mesh as DSL files under `folder`: the trust block alone, then the services in files of
 * `perFile` services each.
 */
export function meshToDsl(mesh: Mesh, folder: string, perFile = 1000): PolicySource[] {
  const sources: PolicySource[] = [{ file: `${folder}/trust.policy`, text: trustDsl() }];
  for (let start = 0; start < mesh.services.length; start += perFile) {
    const part = mesh.services.slice(start, start + perFile);
    const name = String(start / perFile).padStart(3, "0");
    sources.push({
      file: `${folder}/services-${name}.policy`,
      text: part.map(serviceDsl).join(""),
    });
  }
  return sources;
}

/** The whole mesh (trust included) as one DSL text, for parse-speed measurement. */
export function meshToDslText(mesh: Mesh): string {
  return trustDsl() + mesh.services.map(serviceDsl).join("");
}

/** The whole mesh (trust included) as one multi-document YAML text. */
export function meshToYamlText(mesh: Mesh): string {
  return [trustYaml(), ...mesh.services.map(serviceYaml)].join("---\n");
}

function serviceDsl(service: ServiceSpec): string {
  const lines = [`service ${service.id} {`];
  for (const port of service.ports) lines.push(`  port ${port.name} ${port.port}`);
  for (const [side, rules] of [
    ["ingress", service.ingress],
    ["egress", service.egress],
  ] as const) {
    if (rules.length === 0) continue;
    lines.push(`  ${side} {`);
    for (const rule of rules)
      lines.push(`    ${ruleDsl(rule, side === "ingress" ? "from" : "to")}`);
    lines.push("  }");
  }
  lines.push("}", "");
  return `${lines.join("\n")}\n`;
}

function ruleDsl(rule: RuleSpec, word: "from" | "to"): string {
  const peers = rule.peers.map((peer) => {
    if (peer.kind === "any") {
      return peer.except.length > 0 ? `any except ${peer.except.join(", ")}` : "any";
    }
    return peer.ports === null ? peer.id : `${peer.id} (${portsDsl(peer.ports)})`;
  });
  const parts = [rule.effect, word, peers.join(", ")];
  if (rule.ports !== null) parts.push(portsDsl(rule.ports));
  if (rule.protocols !== null) {
    parts.push(
      `${rule.protocols.length > 1 ? "protocols" : "protocol"} ${rule.protocols.join(", ")}`,
    );
  }
  if (rule.scopes !== null) parts.push(`scopes ${rule.scopes.join(", ")}`);
  if (rule.when !== null) parts.push(`when ${rule.when}`);
  return parts.join(" ");
}

function portsDsl(ports: readonly PortItem[]): string {
  return `${ports.length > 1 ? "ports" : "port"} ${ports.map(portDsl).join(", ")}`;
}

function portDsl(item: PortItem): string {
  return typeof item === "object" ? `${item[0]}..${item[1]}` : String(item);
}

function serviceYaml(service: ServiceSpec): string {
  const lines = [
    "apiVersion: dilmune.com/v1",
    "kind: NetworkPolicy",
    "metadata:",
    `  name: ${service.id}`,
    "spec:",
  ];
  if (service.ports.length > 0) {
    lines.push(`  ports: {${service.ports.map((p) => `${p.name}: ${p.port}`).join(", ")}}`);
  }
  for (const [side, rules] of [
    ["ingress", service.ingress],
    ["egress", service.egress],
  ] as const) {
    if (rules.length === 0) continue;
    lines.push(`  ${side}:`);
    for (const rule of rules) lines.push(...ruleYaml(rule, side === "ingress" ? "from" : "to"));
  }
  return `${lines.join("\n")}\n`;
}

function ruleYaml(rule: RuleSpec, word: "from" | "to"): string[] {
  const lines = [`    - ${word}:`];
  for (const peer of rule.peers) {
    if (peer.kind === "any") {
      lines.push('        - service: "*"');
      if (peer.except.length > 0) lines.push(`          except: [${peer.except.join(", ")}]`);
      continue;
    }
    lines.push(`        - service: ${peer.id}`);
    if (peer.ports !== null) lines.push(`          ports: ${portsYaml(peer.ports)}`);
  }
  if (rule.ports !== null) lines.push(`      ports: ${portsYaml(rule.ports)}`);
  if (rule.protocols !== null) lines.push(`      protocols: [${rule.protocols.join(", ")}]`);
  if (rule.scopes !== null) {
    lines.push(`      scopes: [${rule.scopes.map((scope) => JSON.stringify(scope)).join(", ")}]`);
  }
  if (rule.effect === "deny") lines.push("      action: deny");
  if (rule.when !== null) lines.push(`      when: '${rule.when}'`);
  return lines;
}

function portsYaml(ports: readonly PortItem[]): string {
  const items = ports.map((item) =>
    typeof item === "object" ? `{port: ${item[0]}, endPort: ${item[1]}}` : String(item),
  );
  return `[${items.join(", ")}]`;
}
