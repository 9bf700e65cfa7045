/**
 * The concrete syntax tree of the parser turned into the AST of `ast.ts`, with a span on every
 * node. The local facts that need no other file are checked here: valid ports, ranges, service
 * ids, durations, scopes, clause order, and the rules about where ports and scopes may go.
 *
 * The tree may come from a parse that recovered from errors, so any child may be missing; a
 * node that lacks an essential part is left out (the parser has reported why).
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  AnyPeer,
  Expr,
  KeySource,
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
import { SCOPE_PATTERN, serviceIdProblem } from "../names.ts";
import { ConditionBuilder } from "./condition-to-ast.ts";
import {
  byNodeOrder,
  bySourceOrder,
  keywordOf,
  nodeRange,
  nodesOf,
  tokenOf,
  tokensOf,
} from "./cst-access.ts";
import {
  DotDot,
  type Keyword,
  keyword,
  NumberLike,
  RBrace,
  StringLiteral,
  Word,
} from "./tokens.ts";

/** A port name: a letter, then letters, digits, `-` or `_`; at most 63 characters. */
const PORT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const PORT_HELP = "a port is a whole number from 1 to 65535";
const DURATION_HELP = "write whole seconds like `30s` or whole minutes like `5m`";

const CLAUSES = ["portClause", "protocolClause", "scopesClause", "whenClause"] as const;
const CLAUSE_WORDS = ["port", "protocol", "scopes", "when"] as const;
const CLAUSE_INDEX = new Map<string, number>(CLAUSES.map((name, index) => [name, index]));

const TRUST_SETTINGS = [
  "issuer",
  "algorithms",
  "keys",
  "max-age",
  "clock-skew",
  "multiple-audiences",
] as const satisfies readonly Keyword[];

/** Builds the AST of a policy file, one top-level run of its syntax tree at a time. */
export class AstBuilder extends ConditionBuilder {
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
      const anyPeers = nodesOf(list, "anyPeer");
      const written =
        anyPeers.length === 0
          ? nodesOf(list, "servicePeer")
          : [...nodesOf(list, "servicePeer"), ...anyPeers].sort(byNodeOrder);
      for (const peer of written) {
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

    // Spans of clauses are made only when a problem needs one; most rules have none.
    const seen: ([number, number] | undefined)[] = [];
    let latest = -1;
    const clauses: CstNode[] = [];
    for (const name of CLAUSES) {
      const found = node.children[name] as CstNode[] | undefined;
      if (found !== undefined) clauses.push(...found);
    }
    if (clauses.length > 1) clauses.sort(byNodeOrder);
    for (const clause of clauses) {
      const index = CLAUSE_INDEX.get(clause.name) ?? 0;
      const range = nodeRange(clause);
      if (range === null) continue;
      end = Math.max(end, this.fileOffset(range[1]));
      const word = CLAUSE_WORDS[index] ?? "";

      const first = seen[index];
      if (first !== undefined) {
        this.error(
          "parse/duplicate-clause",
          `this rule already has a \`${word}\` clause`,
          this.span(range[0], range[1]),
          "write each clause once; list several values with commas",
          [{ message: "first clause here", span: this.span(first[0], first[1]) }],
        );
        continue;
      }
      seen[index] = range;
      if (index < latest) {
        this.error(
          "parse/clause-order",
          `\`${word}\` must come before \`${CLAUSE_WORDS[latest] ?? ""}\``,
          this.span(range[0], range[1]),
          "write a rule's clauses in the order `port`, `protocol`, `scopes`, `when`",
        );
      }
      latest = Math.max(latest, index);

      switch (CLAUSES[index]) {
        case "portClause":
          ports = this.portClause(clause);
          if (peers.some(({ portsSpan: peerPorts }) => peerPorts !== null)) {
            portsSpan = this.span(range[0], range[1]);
          }
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
              this.span(range[0], range[1]),
              "scopes limit what callers may do; " +
                "list them on the ingress rule of the called service",
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
        const peerName = peer.kind === "ServicePeer" ? peer.id : "any";
        this.error(
          "parse/ports-on-rule-and-peer",
          `ports are given both for the rule and for peer \`${peerName}\``,
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
      span: this.extend(start, end),
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
}
