/**
 * The canonical printer of the policy language. Whatever form a policy was written in, this
 * prints the one way of writing it: two-space indent, trust blocks first, then services and
 * rules in source order, a blank line between blocks, and one spelling of each construct.
 *
 * Parsing the output gives the same tree without spans. Comments are not part of the tree, so
 * they are not printed: formatting a file drops its comments.
 */
import type {
  Expr,
  Literal,
  Peer,
  PolicyFile,
  PortSpec,
  Rule,
  ServiceDecl,
  TrustBlock,
} from "./ast.ts";
import { lexPolicy, Word } from "./dsl/tokens.ts";

const INDENT = "  ";

/** A string literal with the escapes the lexer reads back. */
function quote(text: string): string {
  const escaped = text.replace(/[\\"\n\r\t]/g, (char) => {
    switch (char) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\${char}`;
    }
  });
  return `"${escaped}"`;
}

/** True when `text` reads back as one plain word (not a keyword, not a claim, not two tokens). */
function isBareWord(text: string): boolean {
  const lexed = lexPolicy(text);
  const only = lexed.tokens[0];
  return (
    lexed.errors.length === 0 &&
    lexed.tokens.length === 1 &&
    only?.tokenType === Word &&
    only.image === text
  );
}

/** Seconds as minutes when whole, so 300 prints as `5m`. */
function duration(seconds: number): string {
  return seconds > 0 && seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function portItem(port: PortSpec): string {
  switch (port.kind) {
    case "Port":
      return String(port.port);
    case "PortRange":
      return `${port.from}..${port.to}`;
    case "PortName":
      return port.name;
  }
}

/** `port` for one port or name, `ports` for a range or several. */
function portClause(ports: readonly PortSpec[]): string {
  const single = ports.length === 1 && ports[0]?.kind !== "PortRange";
  return `${single ? "port" : "ports"} ${ports.map(portItem).join(", ")}`;
}

function peer(written: Peer): string {
  const ports = written.ports === null ? "" : ` (${portClause(written.ports)})`;
  if (written.kind === "ServicePeer") return `${written.id}${ports}`;
  const except =
    written.except.length === 0 ? "" : ` except ${written.except.map((id) => id.value).join(", ")}`;
  return `any${except}${ports}`;
}

function literal(value: Literal): string {
  return typeof value === "string" ? quote(value) : String(value);
}

function claim(path: readonly string[]): string {
  return ["token", ...path].join(".");
}

// Binding strength: `or` binds loosest, then `and`, then `not`, then everything else.
const OR = 1;
const AND = 2;
const NOT = 3;

/** A condition, in parentheses only where precedence or grouping needs them. */
function condition(expr: Expr, context: number): string {
  let text: string;
  let strength: number;
  switch (expr.kind) {
    case "Or":
      // Chains read left to right, so a right operand of the same kind keeps its parentheses.
      text = `${condition(expr.left, OR)} or ${condition(expr.right, AND)}`;
      strength = OR;
      break;
    case "And":
      text = `${condition(expr.left, AND)} and ${condition(expr.right, NOT)}`;
      strength = AND;
      break;
    case "Not":
      text = `not ${condition(expr.operand, NOT)}`;
      strength = NOT;
      break;
    case "Compare":
      return `${claim(expr.claim)} ${expr.op} ${literal(expr.value)}`;
    case "In":
      return `${claim(expr.claim)} in [${expr.values.map(literal).join(", ")}]`;
    case "Has":
      return `has ${claim(expr.claim)}`;
  }
  return strength < context ? `(${text})` : text;
}

/** True for `any except …` without ports, which swallows any peer written after it. */
function endsPeerList(written: Peer): boolean {
  return written.kind === "AnyPeer" && written.except.length > 0 && written.ports === null;
}

function rule(written: Rule): string {
  // `any except a, b` reads every following name as one more exception, so such a peer is
  // written last. Peer order carries no meaning; a tree from the DSL has it last already.
  const peers = [
    ...written.peers.filter((candidate) => !endsPeerList(candidate)),
    ...written.peers.filter(endsPeerList),
  ];
  const parts = [
    written.effect,
    written.direction === "ingress" ? "from" : "to",
    peers.map(peer).join(", "),
  ];
  if (written.ports !== null) parts.push(portClause(written.ports));
  if (written.protocols !== null && written.protocols.length > 0) {
    const names = written.protocols.map((protocol) => protocol.value);
    parts.push(`${names.length === 1 ? "protocol" : "protocols"} ${names.join(", ")}`);
  }
  if (written.scopes !== null && written.scopes.length > 0) {
    const scopes = written.scopes.map(({ value }) => (isBareWord(value) ? value : quote(value)));
    parts.push(`scopes ${scopes.join(", ")}`);
  }
  if (written.when !== null) parts.push(`when ${condition(written.when, OR)}`);
  return parts.join(" ");
}

function block(header: string, lines: readonly string[]): string {
  if (lines.length === 0) return `${header} {}`;
  return [`${header} {`, ...lines.map((line) => (line === "" ? "" : `${INDENT}${line}`)), "}"].join(
    "\n",
  );
}

function trustBlock(trust: TrustBlock): string {
  const lines: string[] = [];
  if (trust.issuer !== null) lines.push(`issuer ${quote(trust.issuer.value)}`);
  if (trust.algorithms !== null && trust.algorithms.length > 0) {
    lines.push(`algorithms ${trust.algorithms.map((name) => name.value).join(", ")}`);
  }
  if (trust.keys !== null) {
    lines.push(
      trust.keys.kind === "KeyFile"
        ? `keys ${quote(trust.keys.path)}`
        : `keys url ${quote(trust.keys.url)}`,
    );
  }
  if (trust.maxTokenAge !== null) lines.push(`max-age ${duration(trust.maxTokenAge.value)}`);
  if (trust.clockSkew !== null) lines.push(`clock-skew ${duration(trust.clockSkew.value)}`);
  if (trust.multipleAudiences !== null) {
    lines.push(`multiple-audiences ${trust.multipleAudiences.value}`);
  }
  return block("trust", lines);
}

function service(written: ServiceDecl): string {
  const sections: string[][] = [];
  if (written.ports.length > 0) {
    sections.push(written.ports.map((port) => `port ${port.name} ${port.port}`));
  }
  for (const [name, rules] of [
    ["ingress", written.ingress],
    ["egress", written.egress],
  ] as const) {
    if (rules.length > 0) sections.push(block(name, rules.map(rule)).split("\n"));
  }
  const lines = sections.flatMap((section, index) => (index === 0 ? section : ["", ...section]));
  return block(`service ${written.id}`, lines);
}

/**
 * Prints a policy file in the canonical form of the policy language. Comments are not kept
 * (the tree has none). Parsing the result gives back the same tree, spans aside.
 */
export function formatDsl(policy: PolicyFile): string {
  const blocks = [...policy.trust.map(trustBlock), ...policy.services.map(service)];
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}
