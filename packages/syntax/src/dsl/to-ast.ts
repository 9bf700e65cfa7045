/**
 * The concrete syntax tree of the parser turned into the AST of `ast.ts`, with a span on every
 * node. The local facts that need no other file are checked here: valid ports, ranges, service
 * ids, durations, scopes, clause order, and the rules about where ports and scopes may go.
 *
 * The tree may come from a parse that recovered from errors, so any child may be missing; a
 * node that lacks an essential part is left out (the parser has reported why).
 */
import type { CstNode, IToken, TokenType } from "chevrotain";
import type {
  AnyPeer,
  Expr,
  KeySource,
  Literal,
  Located,
  NamedPort,
  Peer,
  PolicyFile,
  PortSpec,
  Protocol,
  Rule,
  ServiceDecl,
  ServicePeer,
  Span,
  TrustBlock,
} from "../ast.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { SCOPE_PATTERN, serviceIdProblem } from "../names.ts";
import {
  ClaimPath,
  DotDot,
  Equals,
  KEYWORDS,
  type Keyword,
  keyword,
  LParen,
  NotEquals,
  NumberLike,
  RBrace,
  RBracket,
  RParen,
  StringLiteral,
  UnterminatedString,
  Word,
} from "./tokens.ts";

/**
 * Deepest condition tree accepted, counting every `and`, `or` and `not` on the way down. A long
 * chain like `a and b and c …` is as deep as it is long; bounding it keeps every later walk of
 * the tree (formatter, compiler, evaluator) far from the stack limit.
 */
export const MAX_CONDITION_DEPTH = 256;

/**
 * Diagnostics kept per file while building; enough that the first `maxDiagnosticsPerFile` by
 * position are among them whatever order the checks run in.
 */
const MAX_KEPT_DIAGNOSTICS = 10 * LIMITS.maxDiagnosticsPerFile;

/** A port name: a letter, then letters, digits, `-` or `_`; at most 63 characters. */
const PORT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const PORT_HELP = "a port is a whole number from 1 to 65535";
const DURATION_HELP = "write whole seconds like `30s` or whole minutes like `5m`";

const CLAUSES = ["portClause", "protocolClause", "scopesClause", "whenClause"] as const;
const CLAUSE_WORDS = ["port", "protocol", "scopes", "when"] as const;

const TRUST_SETTINGS = [
  "issuer",
  "algorithms",
  "keys",
  "max-age",
  "clock-skew",
  "multiple-audiences",
] as const satisfies readonly Keyword[];

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** True when the token was really in the text (not made up by error recovery). */
function isReal(token: IToken): boolean {
  return token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}

const NO_TOKENS: readonly IToken[] = [];

function tokensOf(node: CstNode, type: TokenType): readonly IToken[] {
  const found = node.children[type.name] as IToken[] | undefined;
  if (found === undefined) return NO_TOKENS;
  return found.every(isReal) ? found : found.filter(isReal);
}

function realTokenAt(node: CstNode, key: string): IToken | undefined {
  const found = node.children[key] as IToken[] | undefined;
  if (found === undefined) return undefined;
  for (const token of found) if (isReal(token)) return token;
  return undefined;
}

function tokenOf(node: CstNode, type: TokenType): IToken | undefined {
  return realTokenAt(node, type.name);
}

/** The syntax tree key of each keyword's tokens, looked up once. */
const KEYWORD_KEYS = new Map<string, string>(
  [...KEYWORDS].map(([text, type]) => [text, type.name]),
);

function keywordOf(node: CstNode, text: Keyword): IToken | undefined {
  return realTokenAt(node, KEYWORD_KEYS.get(text) ?? "");
}

function nodesOf(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

function bySourceOrder(a: IToken, b: IToken): number {
  return a.startOffset - b.startOffset;
}

/** Orders nodes as written; a node recovery left without location goes last. */
function byNodeOrder(a: CstNode, b: CstNode): number {
  const first = a.location?.startOffset ?? Number.NaN;
  const second = b.location?.startOffset ?? Number.NaN;
  return (
    (Number.isFinite(first) ? first : Infinity) - (Number.isFinite(second) ? second : Infinity) || 0
  );
}

/**
 * Start and end offset of a node, from the locations the parser tracks. Null for a node that
 * error recovery left without any real token.
 */
function nodeRange(node: CstNode): [number, number] | null {
  const start = node.location?.startOffset;
  const last = node.location?.endOffset;
  if (start === undefined || last === undefined) return null;
  if (!Number.isFinite(start) || !Number.isFinite(last)) return null;
  return [start, last + 1];
}

interface BuiltExpr {
  readonly expr: Expr;
  readonly depth: number;
}

/**
 * Builds AST nodes from one parse. Offsets in tokens are relative to the parsed text, which may
 * sit at `base` inside a larger file (a condition inside YAML); spans are always in file terms.
 */
export class AstBuilder {
  /** Problems found while building, in the order found, up to `MAX_KEPT_DIAGNOSTICS`. */
  readonly diagnostics: Diagnostic[] = [];
  /** Problems found beyond those kept: only counted, so a huge broken file stays cheap. */
  dropped = 0;

  /**
   * @param file the file name nodes carry
   * @param spanInFile makes a span from offsets in the file
   * @param base offset in the file of the parsed text's first character
   */
  constructor(
    private readonly file: string,
    private readonly spanInFile: (start: number, end: number) => Span,
    private readonly base = 0,
  ) {}

  private readonly trust: TrustBlock[] = [];
  private readonly services: ServiceDecl[] = [];

  /** Adds the trust blocks and services of one `policyFile` node (a file, or a run of it). */
  addTopLevel(node: CstNode): void {
    for (const block of nodesOf(node, "trustBlock")) {
      const built = this.trustBlock(block);
      if (built !== null) this.trust.push(built);
    }
    for (const service of nodesOf(node, "serviceDecl")) {
      const built = this.serviceDecl(service);
      if (built !== null) this.services.push(built);
    }
  }

  /** The file made of everything added, in source order. */
  policyFile(textLength: number): PolicyFile {
    return {
      kind: "PolicyFile",
      file: this.file,
      trust: [...this.trust],
      services: [...this.services],
      span: this.span(0, textLength),
    };
  }

  /** The expression of a `condition` node, or null when it is incomplete or too deep. */
  condition(node: CstNode): Expr | null {
    return this.orCondition(node)?.expr ?? null;
  }

  // Spans and diagnostics.

  private span(start: number, end: number): Span {
    return this.spanInFile(this.base + start, this.base + end);
  }

  private tokenSpan(token: IToken): Span {
    return this.span(token.startOffset, token.startOffset + token.image.length);
  }

  private join(first: Span, last: Span): Span {
    return this.spanInFile(first.start, Math.max(first.end, last.end));
  }

  private nodeSpan(node: CstNode): Span | null {
    const range = nodeRange(node);
    return range === null ? null : this.span(range[0], range[1]);
  }

  private error(
    code: string,
    message: string,
    span: Span,
    help?: string,
    related?: Diagnostic["related"],
  ): void {
    if (this.diagnostics.length >= MAX_KEPT_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    this.diagnostics.push({
      code,
      severity: "error",
      message,
      span,
      ...(help === undefined ? {} : { help }),
      ...(related === undefined ? {} : { related }),
    });
  }

  // Values.

  /** The text of a string token with its escapes decoded; an unknown one is reported once. */
  private stringValue(token: IToken): string {
    const unterminated = token.tokenType === UnterminatedString;
    const body = token.image.slice(1, unterminated ? undefined : -1);
    if (!body.includes("\\")) return body;

    const parts: string[] = [];
    let reported = false;
    let from = 0;
    for (let at = body.indexOf("\\"); at !== -1; at = body.indexOf("\\", from)) {
      parts.push(body.slice(from, at));
      const escaped = body.charAt(at + 1);
      from = at + 2;
      const replacement = ESCAPES[escaped];
      if (replacement !== undefined) {
        parts.push(replacement);
        continue;
      }
      parts.push(escaped);
      // One report per string is enough; a long run of bad escapes would flood the list.
      if (reported || escaped === "") continue;
      reported = true;
      const start = token.startOffset + 1 + at;
      this.error(
        "parse/invalid-escape",
        `unknown escape \`\\${escaped}\` in a string`,
        this.span(start, start + 2),
        'the escapes are `\\"`, `\\\\`, `\\n`, `\\r` and `\\t`',
      );
    }
    parts.push(body.slice(from));
    return parts.join("");
  }

  /** A port number, or null (reported) when the text is not one. */
  private portNumber(token: IToken): number | null {
    const text = token.image;
    const where = this.tokenSpan(token);
    if (!/^[0-9]+$/.test(text)) {
      this.error("parse/invalid-port", `\`${text}\` is not a port number`, where, PORT_HELP);
      return null;
    }
    const value = Number(text);
    if (value < 1 || value > 65535) {
      this.error("parse/invalid-port", `port \`${text}\` is out of range`, where, PORT_HELP);
      return null;
    }
    if (text.startsWith("0")) {
      this.error(
        "parse/invalid-port",
        `port \`${text}\` has a leading zero`,
        where,
        `write \`${value}\``,
      );
      return null;
    }
    return value;
  }

  private duration(token: IToken): number | null {
    const match = /^(0|[1-9][0-9]{0,9})(s|m)$/.exec(token.image);
    if (match === null) {
      this.error(
        "parse/duration",
        `\`${token.image}\` is not a duration`,
        this.tokenSpan(token),
        DURATION_HELP,
      );
      return null;
    }
    return Number(match[1]) * (match[2] === "m" ? 60 : 1);
  }

  private checkServiceId(token: IToken): void {
    const problem = serviceIdProblem(token.image);
    if (problem !== null) {
      this.error(
        "parse/invalid-service-id",
        `invalid service id \`${token.image}\``,
        this.tokenSpan(token),
        problem,
      );
    }
  }

  // Trust.

  private trustBlock(node: CstNode): TrustBlock | null {
    const opening = keywordOf(node, "trust");
    if (opening === undefined) return null;

    let issuer: Located<string> | null = null;
    let algorithms: Located<string>[] | null = null;
    let keys: KeySource | null = null;
    let maxTokenAge: Located<number> | null = null;
    let clockSkew: Located<number> | null = null;
    let multipleAudiences: Located<boolean> | null = null;
    const seen = new Map<string, Span>();

    for (const setting of nodesOf(node, "trustSetting")) {
      const name = TRUST_SETTINGS.find((text) => keywordOf(setting, text) !== undefined);
      const where = this.nodeSpan(setting);
      if (name === undefined || where === null) continue;
      const first = seen.get(name);
      if (first !== undefined) {
        this.error(
          "parse/duplicate-setting",
          `\`${name}\` is set twice in this trust block`,
          where,
          "keep one of them",
          [{ message: "first set here", span: first }],
        );
        continue;
      }
      seen.set(name, where);

      const text = tokenOf(setting, StringLiteral);
      const number = tokenOf(setting, NumberLike);
      switch (name) {
        case "issuer":
          if (text !== undefined) {
            issuer = { value: this.stringValue(text), span: this.tokenSpan(text) };
          }
          break;
        case "algorithms":
          algorithms = tokensOf(setting, Word).map((word) => ({
            value: word.image,
            span: this.tokenSpan(word),
          }));
          break;
        case "keys":
          if (text !== undefined) {
            const value = this.stringValue(text);
            keys =
              keywordOf(setting, "url") === undefined
                ? { kind: "KeyFile", path: value, span: this.tokenSpan(text) }
                : { kind: "KeyUrl", url: value, span: this.tokenSpan(text) };
          }
          break;
        case "max-age":
        case "clock-skew": {
          const seconds = number === undefined ? null : this.duration(number);
          if (number !== undefined && seconds !== null) {
            const located = { value: seconds, span: this.tokenSpan(number) };
            if (name === "max-age") maxTokenAge = located;
            else clockSkew = located;
          }
          break;
        }
        case "multiple-audiences": {
          const flag = keywordOf(setting, "true") ?? keywordOf(setting, "false");
          if (flag !== undefined) {
            multipleAudiences = { value: flag.image === "true", span: this.tokenSpan(flag) };
          }
          break;
        }
      }
    }

    const closing = tokenOf(node, RBrace);
    const whole = this.nodeSpan(node) ?? this.tokenSpan(opening);
    return {
      kind: "Trust",
      issuer,
      algorithms,
      keys,
      maxTokenAge,
      clockSkew,
      multipleAudiences,
      span:
        closing === undefined ? whole : this.join(this.tokenSpan(opening), this.tokenSpan(closing)),
    };
  }

  // Services.

  private serviceDecl(node: CstNode): ServiceDecl | null {
    const opening = keywordOf(node, "service");
    const name = tokenOf(node, Word);
    if (opening === undefined || name === undefined) return null;
    this.checkServiceId(name);

    const ports: NamedPort[] = [];
    for (const declaration of nodesOf(node, "namedPort")) {
      const built = this.namedPort(declaration);
      if (built !== null) ports.push(built);
    }
    const ingress = this.ruleBlocks(node, "ingressBlock", "ingressRule", name.image);
    const egress = this.ruleBlocks(node, "egressBlock", "egressRule", name.image);

    const closing = tokenOf(node, RBrace);
    return {
      kind: "Service",
      id: name.image,
      idSpan: this.tokenSpan(name),
      ports,
      ingress,
      egress,
      span:
        closing === undefined
          ? (this.nodeSpan(node) ?? this.tokenSpan(opening))
          : this.join(this.tokenSpan(opening), this.tokenSpan(closing)),
    };
  }

  private namedPort(node: CstNode): NamedPort | null {
    const opening = keywordOf(node, "port");
    const name = tokenOf(node, Word);
    const number = tokenOf(node, NumberLike);
    if (opening === undefined || name === undefined || number === undefined) return null;
    if (!PORT_NAME_PATTERN.test(name.image)) {
      this.error(
        "parse/invalid-port-name",
        `invalid port name \`${name.image}\``,
        this.tokenSpan(name),
        "a port name starts with a letter and holds only letters, digits, `-` and `_`",
      );
      return null;
    }
    const port = this.portNumber(number);
    if (port === null) return null;
    return {
      kind: "NamedPort",
      name: name.image,
      port,
      span: this.join(this.tokenSpan(opening), this.tokenSpan(number)),
    };
  }

  private ruleBlocks(
    service: CstNode,
    blockName: "ingressBlock" | "egressBlock",
    ruleName: "ingressRule" | "egressRule",
    serviceId: string,
  ): Rule[] {
    const blocks = nodesOf(service, blockName);
    const direction = blockName === "ingressBlock" ? "ingress" : "egress";
    const rules: Rule[] = [];
    blocks.forEach((block, index) => {
      const opening = keywordOf(block, direction);
      if (index > 0 && opening !== undefined) {
        const first = blocks[0] === undefined ? null : keywordOf(blocks[0], direction);
        this.error(
          "parse/duplicate-block",
          `service \`${serviceId}\` has a second \`${direction}\` block`,
          this.tokenSpan(opening),
          `put all ${direction} rules of a service in one block`,
          first === undefined || first === null
            ? undefined
            : [{ message: "first block here", span: this.tokenSpan(first) }],
        );
      }
      for (const rule of nodesOf(block, ruleName)) {
        const built = this.rule(rule, direction);
        if (built !== null) rules.push(built);
      }
    });
    return rules;
  }

  // Rules.

  private rule(node: CstNode, direction: "ingress" | "egress"): Rule | null {
    const effect = keywordOf(node, "allow") ?? keywordOf(node, "deny");
    if (effect === undefined) return null;

    const peers: { peer: Peer; portsSpan: Span | null }[] = [];
    for (const list of nodesOf(node, "peers")) {
      const written = [...nodesOf(list, "servicePeer"), ...nodesOf(list, "anyPeer")];
      for (const peer of written.sort(byNodeOrder)) {
        const built = peer.name === "servicePeer" ? this.servicePeer(peer) : this.anyPeer(peer);
        if (built !== null) peers.push(built);
      }
    }

    let ports: PortSpec[] | null = null;
    let protocols: Located<Protocol>[] | null = null;
    let scopes: Located<string>[] | null = null;
    let when: Expr | null = null;
    let portsSpan: Span | null = null;
    const start = this.tokenSpan(effect);
    let end = start.end;
    for (const peer of peers) end = Math.max(end, peer.peer.span.end);

    const seen = new Map<number, Span>();
    let latest = -1;
    const clauses = CLAUSES.flatMap((name) => nodesOf(node, name)).sort(byNodeOrder);
    for (const clause of clauses) {
      const index = CLAUSES.indexOf(clause.name as (typeof CLAUSES)[number]);
      const where = this.nodeSpan(clause);
      if (where === null) continue;
      end = Math.max(end, where.end);
      const word = CLAUSE_WORDS[index] ?? "";

      const first = seen.get(index);
      if (first !== undefined) {
        this.error(
          "parse/duplicate-clause",
          `this rule already has a \`${word}\` clause`,
          where,
          "write each clause once; list several values with commas",
          [{ message: "first clause here", span: first }],
        );
        continue;
      }
      seen.set(index, where);
      if (index < latest) {
        this.error(
          "parse/clause-order",
          `\`${word}\` must come before \`${CLAUSE_WORDS[latest] ?? ""}\``,
          where,
          "write a rule's clauses in the order `port`, `protocol`, `scopes`, `when`",
        );
      }
      latest = Math.max(latest, index);

      switch (CLAUSES[index]) {
        case "portClause":
          ports = this.portClause(clause);
          portsSpan = where;
          break;
        case "protocolClause":
          protocols = this.protocolClause(clause);
          break;
        case "scopesClause":
          scopes = this.scopesClause(clause);
          if (direction === "egress") {
            this.error(
              "parse/scopes-on-egress",
              "an egress rule cannot list scopes",
              where,
              "scopes limit what callers may do; list them on the ingress rule of the called service",
            );
          }
          break;
        case "whenClause": {
          const condition = nodesOf(clause, "condition")[0];
          when = condition === undefined ? null : this.condition(condition);
          break;
        }
      }
    }

    if (portsSpan !== null) {
      for (const { peer, portsSpan: peerPorts } of peers) {
        if (peerPorts === null) continue;
        this.error(
          "parse/ports-on-rule-and-peer",
          `ports are given both for the rule and for peer \`${peer.kind === "ServicePeer" ? peer.id : "any"}\``,
          peerPorts,
          "give ports once for the whole rule, or in parentheses after each peer",
          [{ message: "rule ports here", span: portsSpan }],
        );
      }
    }

    return {
      kind: "Rule",
      direction,
      effect: effect.image === "deny" ? "deny" : "allow",
      peers: peers.map(({ peer }) => peer),
      ports,
      protocols,
      scopes,
      when,
      span: this.spanInFile(start.start, end),
    };
  }

  private peerPorts(node: CstNode): { ports: PortSpec[] | null; span: Span | null } {
    const parens = nodesOf(node, "peerPorts")[0];
    if (parens === undefined) return { ports: null, span: null };
    const clause = nodesOf(parens, "portClause")[0];
    return {
      ports: clause === undefined ? [] : this.portClause(clause),
      span: this.nodeSpan(parens),
    };
  }

  private servicePeer(node: CstNode): { peer: ServicePeer; portsSpan: Span | null } | null {
    const name = tokenOf(node, Word);
    if (name === undefined) return null;
    this.checkServiceId(name);
    const { ports, span } = this.peerPorts(node);
    const peer: ServicePeer = {
      kind: "ServicePeer",
      id: name.image,
      ports,
      span: span === null ? this.tokenSpan(name) : this.join(this.tokenSpan(name), span),
    };
    return { peer, portsSpan: span };
  }

  private anyPeer(node: CstNode): { peer: AnyPeer; portsSpan: Span | null } | null {
    const opening = keywordOf(node, "any");
    if (opening === undefined) return null;
    const except = tokensOf(node, Word).map((name) => {
      this.checkServiceId(name);
      return { value: name.image, span: this.tokenSpan(name) };
    });
    const { ports, span } = this.peerPorts(node);
    const whole = this.nodeSpan(node) ?? this.tokenSpan(opening);
    const peer: AnyPeer = { kind: "AnyPeer", except, ports, span: whole };
    return { peer, portsSpan: span };
  }

  private portClause(node: CstNode): PortSpec[] {
    const ports: PortSpec[] = [];
    for (const item of nodesOf(node, "portItem")) {
      const built = this.portItem(item);
      if (built !== null) ports.push(built);
    }
    return ports;
  }

  private portItem(node: CstNode): PortSpec | null {
    const name = tokenOf(node, Word);
    if (name !== undefined) {
      if (!PORT_NAME_PATTERN.test(name.image)) {
        this.error(
          "parse/invalid-port-name",
          `invalid port name \`${name.image}\``,
          this.tokenSpan(name),
          "a port is a number, a range like `8000..8010`, or the name of a port of the service",
        );
        return null;
      }
      return { kind: "PortName", name: name.image, span: this.tokenSpan(name) };
    }

    const [low, high] = tokensOf(node, NumberLike);
    if (low === undefined) return null;
    const from = this.portNumber(low);
    if (tokenOf(node, DotDot) === undefined) {
      return from === null ? null : { kind: "Port", port: from, span: this.tokenSpan(low) };
    }
    if (high === undefined) return null;
    const to = this.portNumber(high);
    if (from === null || to === null) return null;
    const span = this.join(this.tokenSpan(low), this.tokenSpan(high));
    if (from > to) {
      this.error(
        "parse/empty-range",
        `port range \`${low.image}..${high.image}\` is empty`,
        span,
        `write the lower port first: \`${to}..${from}\``,
      );
      return null;
    }
    return { kind: "PortRange", from, to, span };
  }

  private protocolClause(node: CstNode): Located<Protocol>[] {
    return [...tokensOf(node, keyword("tcp")), ...tokensOf(node, keyword("udp"))]
      .sort(bySourceOrder)
      .map((token) => ({
        value: token.image === "udp" ? "udp" : "tcp",
        span: this.tokenSpan(token),
      }));
  }

  private scopesClause(node: CstNode): Located<string>[] {
    const scopes: Located<string>[] = [];
    for (const token of [...tokensOf(node, Word), ...tokensOf(node, StringLiteral)].sort(
      bySourceOrder,
    )) {
      const value = token.tokenType === Word ? token.image : this.stringValue(token);
      if (!SCOPE_PATTERN.test(value)) {
        this.error(
          "parse/invalid-scope",
          `invalid scope \`${value}\``,
          this.tokenSpan(token),
          "a scope is 1 to 256 printable ASCII characters without spaces",
        );
        continue;
      }
      scopes.push({ value, span: this.tokenSpan(token) });
    }
    return scopes;
  }

  // Conditions.

  private tooDeep(span: Span): null {
    this.error(
      "parse/condition-too-large",
      `condition is nested more than ${MAX_CONDITION_DEPTH} operators deep`,
      span,
      "split it over several rules",
    );
    return null;
  }

  private chain(
    parts: CstNode[],
    build: (part: CstNode) => BuiltExpr | null,
    kind: "And" | "Or",
  ): BuiltExpr | null {
    let result: BuiltExpr | null = null;
    for (const part of parts) {
      const next = build(part);
      if (next === null) return null;
      if (result === null) {
        result = next;
        continue;
      }
      const span = this.join(result.expr.span, next.expr.span);
      const depth: number = Math.max(result.depth, next.depth) + 1;
      if (depth > MAX_CONDITION_DEPTH) return this.tooDeep(span);
      result = { expr: { kind, left: result.expr, right: next.expr, span }, depth };
    }
    return result;
  }

  private orCondition(node: CstNode): BuiltExpr | null {
    return this.chain(nodesOf(node, "andCondition"), (part) => this.andCondition(part), "Or");
  }

  private andCondition(node: CstNode): BuiltExpr | null {
    return this.chain(nodesOf(node, "notCondition"), (part) => this.notCondition(part), "And");
  }

  private notCondition(node: CstNode): BuiltExpr | null {
    const primary = nodesOf(node, "primaryCondition")[0];
    let result = primary === undefined ? null : this.primaryCondition(primary);
    if (result === null) return null;
    const negations = tokensOf(node, keyword("not"));
    for (let index = negations.length - 1; index >= 0; index--) {
      const negation = negations[index];
      if (negation === undefined) continue;
      const span = this.join(this.tokenSpan(negation), result.expr.span);
      if (result.depth + 1 > MAX_CONDITION_DEPTH) return this.tooDeep(span);
      result = { expr: { kind: "Not", operand: result.expr, span }, depth: result.depth + 1 };
    }
    return result;
  }

  private primaryCondition(node: CstNode): BuiltExpr | null {
    const inner = nodesOf(node, "condition")[0];
    if (inner !== undefined) {
      const built = this.orCondition(inner);
      const open = tokenOf(node, LParen);
      const close = tokenOf(node, RParen);
      if (built === null || open === undefined || close === undefined) return built;
      // The parentheses belong to the sub-condition, so an underline of it shows them too.
      const span = this.join(this.tokenSpan(open), this.tokenSpan(close));
      return { expr: { ...built.expr, span }, depth: built.depth };
    }

    const claimToken = tokenOf(node, ClaimPath);
    if (claimToken === undefined) return null;
    const claim = claimToken.image.split(".").slice(1);
    const has = keywordOf(node, "has");
    if (has !== undefined) {
      const span = this.join(this.tokenSpan(has), this.tokenSpan(claimToken));
      return { expr: { kind: "Has", claim, span }, depth: 1 };
    }

    const comparison = nodesOf(node, "comparison")[0];
    if (comparison === undefined) return null;
    const literals = nodesOf(comparison, "literal");
    if (keywordOf(comparison, "in") !== undefined) {
      const values: Literal[] = [];
      for (const literal of literals) {
        const value = this.literal(literal);
        if (value === null) return null;
        values.push(value);
      }
      const close = tokenOf(comparison, RBracket);
      const lastLiteral = literals.at(-1);
      const lastSpan =
        close !== undefined
          ? this.tokenSpan(close)
          : lastLiteral === undefined
            ? this.tokenSpan(claimToken)
            : (this.nodeSpan(lastLiteral) ?? this.tokenSpan(claimToken));
      const span = this.join(this.tokenSpan(claimToken), lastSpan);
      return { expr: { kind: "In", claim, values, span }, depth: 1 };
    }

    const op = tokenOf(comparison, Equals) ?? tokenOf(comparison, NotEquals);
    const literal = literals[0];
    if (op === undefined || literal === undefined) return null;
    const value = this.literal(literal);
    const literalSpan = this.nodeSpan(literal);
    if (value === null || literalSpan === null) return null;
    return {
      expr: {
        kind: "Compare",
        claim,
        op: op.image === "!=" ? "!=" : "==",
        value,
        span: this.join(this.tokenSpan(claimToken), literalSpan),
      },
      depth: 1,
    };
  }

  private literal(node: CstNode): Literal | null {
    const text = tokenOf(node, StringLiteral);
    if (text !== undefined) return this.stringValue(text);
    if (keywordOf(node, "true") !== undefined) return true;
    if (keywordOf(node, "false") !== undefined) return false;
    const number = tokenOf(node, NumberLike);
    if (number === undefined) return null;
    const value = Number(number.image);
    if (!/^-?(0|[1-9][0-9]*)$/.test(number.image) || !Number.isSafeInteger(value)) {
      this.error(
        "parse/invalid-number",
        `\`${number.image}\` is not a whole number`,
        this.tokenSpan(number),
        "a value is a double-quoted string, a whole number, `true` or `false`",
      );
      return null;
    }
    return value;
  }
}
