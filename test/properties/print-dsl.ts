/**
 * A printer of syntax trees to DSL text, written for the property tests and independent of the
 * product's formatter, so that "the DSL and YAML forms mean the same" compares two front ends
 * against a third reading of the grammar. Style choices (keywords, durations, parentheses,
 * comments, quoting) vary the text without changing its meaning.
 */
import type {
  Expr,
  KeySource,
  Literal,
  Peer,
  PolicyFile,
  PortSpec,
  Rule,
  ServiceDecl,
  TrustBlock,
} from "@palisade/syntax";
import fc from "fast-check";

/** Choices that change the text of a policy but not its meaning. */
export interface DslStyle {
  /** Write durations that are whole minutes as `5m` rather than `300s`. */
  readonly minutes: boolean;
  /** Always use the plural keywords (`ports`, `protocols`), even before one item. */
  readonly plural: boolean;
  /** Put every compound condition operand in parentheses, needed or not. */
  readonly fullParentheses: boolean;
  /** Sprinkle comment lines and end-of-line comments. */
  readonly comments: boolean;
  /** Quote every scope, even those that could be bare words. */
  readonly quoteScopes: boolean;
  /** Write `ingress { }` and `egress { }` for empty sides instead of leaving them out. */
  readonly emptyBlocks: boolean;
}

/** The plainest style. */
export const PLAIN_DSL_STYLE: DslStyle = {
  minutes: false,
  plural: false,
  fullParentheses: false,
  comments: false,
  quoteScopes: false,
  emptyBlocks: false,
};

/** Any combination of style choices. */
export const dslStyle: fc.Arbitrary<DslStyle> = fc.record({
  minutes: fc.boolean(),
  plural: fc.boolean(),
  fullParentheses: fc.boolean(),
  comments: fc.boolean(),
  quoteScopes: fc.boolean(),
  emptyBlocks: fc.boolean(),
});

function quoted(text: string): string {
  return JSON.stringify(text);
}

function duration(seconds: number, style: DslStyle): string {
  return style.minutes && seconds % 60 === 0 && seconds > 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function keysLine(keys: KeySource): string {
  return keys.kind === "KeyFile" ? `keys ${quoted(keys.path)}` : `keys url ${quoted(keys.url)}`;
}

function printTrust(block: TrustBlock, style: DslStyle): string[] {
  const lines = ["trust {"];
  if (style.comments) lines.push("  # who signs the tokens");
  if (block.issuer) lines.push(`  issuer ${quoted(block.issuer.value)}`);
  if (block.algorithms) {
    lines.push(`  algorithms ${block.algorithms.map((algorithm) => algorithm.value).join(", ")}`);
  }
  if (block.keys) lines.push(`  ${keysLine(block.keys)}`);
  if (block.maxTokenAge) lines.push(`  max-age ${duration(block.maxTokenAge.value, style)}`);
  if (block.clockSkew) lines.push(`  clock-skew ${duration(block.clockSkew.value, style)}`);
  if (block.multipleAudiences) {
    lines.push(`  multiple-audiences ${String(block.multipleAudiences.value)}`);
  }
  lines.push("}");
  return lines;
}

function printPortSpec(spec: PortSpec): string {
  switch (spec.kind) {
    case "Port":
      return String(spec.port);
    case "PortRange":
      return `${spec.from}..${spec.to}`;
    case "PortName":
      return spec.name;
  }
}

function printPorts(specs: readonly PortSpec[], style: DslStyle): string {
  const keyword = specs.length === 1 && !style.plural ? "port" : "ports";
  return `${keyword} ${specs.map(printPortSpec).join(", ")}`;
}

function printPeer(peer: Peer, style: DslStyle): string {
  const head =
    peer.kind === "ServicePeer"
      ? peer.id
      : peer.except.length === 0
        ? "any"
        : `any except ${peer.except.map((id) => id.value).join(", ")}`;
  return peer.ports === null ? head : `${head} (${printPorts(peer.ports, style)})`;
}

function printLiteral(value: Literal): string {
  return typeof value === "string" ? quoted(value) : String(value);
}

function claimText(claim: readonly string[]): string {
  return `token.${claim.join(".")}`;
}

/** Binding strength: `or` binds loosest, then `and`, then `not`, then the primaries. */
function strength(expr: Expr): number {
  switch (expr.kind) {
    case "Or":
      return 1;
    case "And":
      return 2;
    case "Not":
      return 3;
    default:
      return 4;
  }
}

/** Prints a condition; `and` and `or` group to the left, as the grammar reads them. */
export function printCondition(expr: Expr, fullParentheses = false): string {
  const wrap = (inner: Expr, needed: boolean): string => {
    const text = printCondition(inner, fullParentheses);
    const compound = strength(inner) < 4;
    return needed || (fullParentheses && compound) ? `(${text})` : text;
  };
  switch (expr.kind) {
    case "Or":
    case "And": {
      const own = strength(expr);
      const word = expr.kind === "Or" ? "or" : "and";
      const left = wrap(expr.left, strength(expr.left) < own);
      const right = wrap(expr.right, strength(expr.right) <= own);
      return `${left} ${word} ${right}`;
    }
    case "Not":
      return `not ${wrap(expr.operand, strength(expr.operand) < 3)}`;
    case "Compare":
      return `${claimText(expr.claim)} ${expr.op} ${printLiteral(expr.value)}`;
    case "In":
      return `${claimText(expr.claim)} in [${expr.values.map(printLiteral).join(", ")}]`;
    case "Has":
      return `has ${claimText(expr.claim)}`;
  }
}

function printScope(scope: string, style: DslStyle): string {
  return !style.quoteScopes && /^[A-Za-z][A-Za-z0-9:._-]*$/.test(scope) ? scope : quoted(scope);
}

function printRule(rule: Rule, style: DslStyle): string {
  const parts = [
    rule.effect,
    rule.direction === "ingress" ? "from" : "to",
    rule.peers.map((peer) => printPeer(peer, style)).join(", "),
  ];
  if (rule.ports) parts.push(printPorts(rule.ports, style));
  if (rule.protocols) {
    const keyword = rule.protocols.length === 1 && !style.plural ? "protocol" : "protocols";
    parts.push(`${keyword} ${rule.protocols.map((protocol) => protocol.value).join(", ")}`);
  }
  if (rule.scopes) {
    parts.push(`scopes ${rule.scopes.map((scope) => printScope(scope.value, style)).join(", ")}`);
  }
  if (rule.when) parts.push(`when ${printCondition(rule.when, style.fullParentheses)}`);
  return parts.join(" ");
}

function printSide(word: "ingress" | "egress", rules: readonly Rule[], style: DslStyle): string[] {
  if (rules.length === 0) return style.emptyBlocks ? [`  ${word} { }`] : [];
  const lines = [`  ${word} {`];
  for (const rule of rules) {
    lines.push(`    ${printRule(rule, style)}${style.comments ? " # a rule" : ""}`);
  }
  lines.push("  }");
  return lines;
}

function printService(service: ServiceDecl, style: DslStyle): string[] {
  const lines = [`service ${service.id} {`];
  for (const named of service.ports) lines.push(`  port ${named.name} ${named.port}`);
  lines.push(...printSide("ingress", service.ingress, style));
  lines.push(...printSide("egress", service.egress, style));
  lines.push("}");
  return lines;
}

/** The DSL text of one policy file. */
export function printDsl(file: PolicyFile, style: DslStyle = PLAIN_DSL_STYLE): string {
  const blocks: string[][] = [];
  if (style.comments) blocks.push(["# generated for a property test"]);
  for (const block of file.trust) blocks.push(printTrust(block, style));
  for (const service of file.services) blocks.push(printService(service, style));
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
