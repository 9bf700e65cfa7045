/**
 * The syntax tree shared by both policy forms (DSL and YAML).
 *
 * Every node carries a `span`. Spans are positions in the source the node came from; equality of
 * meaning ignores them (see `stripSpans`). Both front ends must build exactly these shapes, so a
 * policy written in either form gives the same tree once spans are removed.
 */

/** A position range in one source file. Lines and columns are 1-based; offsets are 0-based. */
export interface Span {
  readonly file: string;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset one past the last character. */
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A value together with the place it was written. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

/** One parsed file: trust blocks and services, in source order. */
export interface PolicyFile {
  readonly kind: "PolicyFile";
  readonly file: string;
  readonly trust: readonly TrustBlock[];
  readonly services: readonly ServiceDecl[];
  readonly span: Span;
}

/** Where verification keys come from. A file path is relative to the policy file. */
export type KeySource =
  | { readonly kind: "KeyFile"; readonly path: string; readonly span: Span }
  | { readonly kind: "KeyUrl"; readonly url: string; readonly span: Span };

/**
 * Token trust settings. Every field is optional in the syntax; the compiler applies defaults
 * (max age 300 s, clock skew 30 s, single audience) and reports what is missing.
 */
export interface TrustBlock {
  readonly kind: "Trust";
  readonly issuer: Located<string> | null;
  /** Algorithm names exactly as written; the compiler checks them. */
  readonly algorithms: readonly Located<string>[] | null;
  readonly keys: KeySource | null;
  /** Seconds. */
  readonly maxTokenAge: Located<number> | null;
  /** Seconds. */
  readonly clockSkew: Located<number> | null;
  /** When true, a token whose `aud` lists several services is accepted (default false). */
  readonly multipleAudiences: Located<boolean> | null;
  readonly span: Span;
}

/** A named port that rules can refer to by name; resolved on the destination service. */
export interface NamedPort {
  readonly kind: "NamedPort";
  readonly name: string;
  readonly port: number;
  readonly span: Span;
}

/** One service and the rules that govern its own side of every connection. */
export interface ServiceDecl {
  readonly kind: "Service";
  readonly id: string;
  /** Span of the id alone, for diagnostics that point at the name. */
  readonly idSpan: Span;
  readonly ports: readonly NamedPort[];
  /** Who may connect to this service. Absent, null and empty all mean nobody. */
  readonly ingress: readonly Rule[];
  /** Whom this service may connect to. Absent, null and empty all mean nobody. */
  readonly egress: readonly Rule[];
  readonly span: Span;
}

export type Direction = "ingress" | "egress";
export type Effect = "allow" | "deny";
export type Protocol = "tcp" | "udp";

/**
 * One rule. For ingress rules the peers are the callers; for egress rules the callees.
 * Ports may be written on the rule or on individual peers, never both.
 */
export interface Rule {
  readonly kind: "Rule";
  readonly direction: Direction;
  readonly effect: Effect;
  readonly peers: readonly Peer[];
  /** Rule-level ports; null when not written (then peers carry ports, or the rule is a deny). */
  readonly ports: readonly PortSpec[] | null;
  /** Null when not written, which means TCP only. */
  readonly protocols: readonly Located<Protocol>[] | null;
  /** Token scopes callers may exercise through this rule (ingress only); null = any in scope. */
  readonly scopes: readonly Located<string>[] | null;
  /** A condition on the verified token's claims; null when the rule is unconditional. */
  readonly when: Expr | null;
  readonly span: Span;
}

/** A peer of a rule: one named service, or any service except some. */
export type Peer = ServicePeer | AnyPeer;

export interface ServicePeer {
  readonly kind: "ServicePeer";
  readonly id: string;
  /** Peer-level ports; null when the rule's ports apply. */
  readonly ports: readonly PortSpec[] | null;
  readonly span: Span;
}

export interface AnyPeer {
  readonly kind: "AnyPeer";
  readonly except: readonly Located<string>[];
  readonly ports: readonly PortSpec[] | null;
  readonly span: Span;
}

/** A port as written: a number, an inclusive range, or a name declared on the destination. */
export type PortSpec =
  | { readonly kind: "Port"; readonly port: number; readonly span: Span }
  | { readonly kind: "PortRange"; readonly from: number; readonly to: number; readonly span: Span }
  | { readonly kind: "PortName"; readonly name: string; readonly span: Span };

/** A literal in a condition. */
export type Literal = string | number | boolean;

/**
 * Conditions over token claims. `claim` is the path after `token.`, e.g. ["tenant"].
 * A condition that cannot be evaluated (missing claim, wrong type) makes a deny rule match and
 * an allow rule grant nothing.
 */
export type Expr =
  | { readonly kind: "And"; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "Or"; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "Not"; readonly operand: Expr; readonly span: Span }
  | {
      readonly kind: "Compare";
      readonly claim: readonly string[];
      readonly op: "==" | "!=";
      readonly value: Literal;
      readonly span: Span;
    }
  | {
      readonly kind: "In";
      readonly claim: readonly string[];
      readonly values: readonly Literal[];
      readonly span: Span;
    }
  | { readonly kind: "Has"; readonly claim: readonly string[]; readonly span: Span };

/** Any node type, for generic walks. */
export type Node =
  | PolicyFile
  | TrustBlock
  | ServiceDecl
  | NamedPort
  | Rule
  | Peer
  | PortSpec
  | Expr;
