/**
 * The reference evaluator: the decision model of the brief, read afresh and written for clarity,
 * not speed. Every question is a plain loop over all rules of one side of one service. The
 * differential property compares the engine with this; nothing here is taken from the engine.
 *
 * The reading, in short:
 * - ingress is decided by the destination's ingress rules (the peer is the source); egress by
 *   the source's egress rules (the peer is the destination); a connection needs both;
 * - a rule applies when its peers include the peer, one of its port ranges holds the port, and
 *   it lists the protocol (tcp when the question names none);
 * - conditions have three outcomes: true, false, or unknown (cannot be evaluated: a missing
 *   claim, a claim of another type than the literal, or no token at all, as at layer 4); `and`,
 *   `or` and `not` combine them as in three-valued logic;
 * - an applying deny rule matches unless its condition is false; an applying allow rule grants
 *   only when its condition is true; any matching deny decides (the first one written is
 *   named); otherwise the first granting allow decides; otherwise nothing matched;
 * - a request is decided at the destination for the token's `sub`: the token must be valid
 *   (judged by the caller, see `TokenOutcome`), a named source or transport identity must be
 *   `sub`, the ingress side must grant, the action must be in the token's scope, and among the
 *   granting rules one must list the action or list no scopes at all.
 */
import type { Condition, Ir, PortRange, Protocol, ReasonCode, Rule, Service } from "@palisade/ir";

/** The reference's answer: the decision, its reason, and the id of the deciding rule. */
export interface ReferenceDecision {
  readonly decision: "allow" | "deny";
  readonly reason: ReasonCode;
  readonly ruleId: string | null;
  /** Which side decided, for connections and requests. */
  readonly side?: "ingress" | "egress";
}

/** Three-valued truth: `null` means the condition cannot be evaluated. */
export type Truth = boolean | null;

/** The claims of a verified token (its payload), or null when there is no token (layer 4). */
export type Claims = Readonly<Record<string, unknown>> | null;

const MISSING = Symbol("missing");

/** The claim at `path`, following only the token's own object members. */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: readonly string[]) {
  let current: unknown = claims;
  for (const key of path) {
    const isObject = typeof current === "object" && current !== null && !Array.isArray(current);
    if (!isObject || !Object.hasOwn(current as object, key)) return MISSING;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** Evaluates a condition over token claims; null claims make every condition unknown. */
export function evaluateCondition(condition: Condition, claims: Claims): Truth {
  if (claims === null) return null;
  switch (condition.kind) {
    case "has":
      return claimAt(claims, condition.claim) !== MISSING;
    case "compare": {
      const value = claimAt(claims, condition.claim);
      if (!isScalar(value) || typeof value !== typeof condition.value) return null;
      const equal = value === condition.value;
      return condition.op === "==" ? equal : !equal;
    }
    case "in": {
      const value = claimAt(claims, condition.claim);
      if (!isScalar(value)) return null;
      const sameType = condition.values.filter((literal) => typeof literal === typeof value);
      if (sameType.length === 0) return null;
      return sameType.includes(value);
    }
    case "not": {
      const inner = evaluateCondition(condition.operand, claims);
      return inner === null ? null : !inner;
    }
    case "and": {
      const left = evaluateCondition(condition.left, claims);
      const right = evaluateCondition(condition.right, claims);
      if (left === false || right === false) return false;
      if (left === true && right === true) return true;
      return null;
    }
    case "or": {
      const left = evaluateCondition(condition.left, claims);
      const right = evaluateCondition(condition.right, claims);
      if (left === true || right === true) return true;
      if (left === false && right === false) return false;
      return null;
    }
  }
}

/** Whether a rule's peers take in `peer`. */
export function peersInclude(rule: Rule, peer: string): boolean {
  if (rule.peers.kind === "services") return rule.peers.ids.includes(peer);
  return !rule.peers.except.includes(peer);
}

/** Whether one of the inclusive ranges holds `port`. */
export function portIn(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([from, to]) => from <= port && port <= to);
}

/** Whether the network part of a rule (peers, ports, protocols) covers the question. */
export function ruleApplies(rule: Rule, peer: string, port: number, protocol: Protocol): boolean {
  return peersInclude(rule, peer) && portIn(rule.ports, port) && rule.protocols.includes(protocol);
}

/** Whether an applying deny rule matches: unless its condition is plainly false. */
export function denyMatches(rule: Rule, claims: Claims): boolean {
  return rule.when === null || evaluateCondition(rule.when, claims) !== false;
}

/** Whether an applying allow rule grants: only when its condition is plainly true. */
export function allowGrants(rule: Rule, claims: Claims): boolean {
  return rule.when === null || evaluateCondition(rule.when, claims) === true;
}

/** The service with `id`, looked up by a plain scan. */
export function serviceOf(ir: Ir, id: string): Service | undefined {
  for (const service of ir.services) {
    if (service.id === id) return service;
  }
  return undefined;
}

/** Every rule of the IR with its id, for looking rules up by id. */
export function findRule(
  ir: Ir,
  id: string,
): { service: Service; side: "ingress" | "egress"; rule: Rule } | null {
  for (const service of ir.services) {
    for (const side of ["ingress", "egress"] as const) {
      for (const rule of service[side]) {
        if (rule.id === id) return { service, side, rule };
      }
    }
  }
  return null;
}

/** The question one side answers: whose rules, about which peer, port and protocol. */
export interface SideQuestion {
  readonly side: "ingress" | "egress";
  /** The service whose rules decide. */
  readonly owner: string;
  /** The other end of the connection. */
  readonly peer: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * Orders rules as they were written: by file, line and column, then by id. When several rules
 * match, the first written is the one a decision names. (The brief leaves this open; it is the
 * choice the engine documents, and it keeps the named rule independent of the IR's order.)
 */
export function byWrittenOrder(a: Rule, b: Rule): number {
  const keyA = [a.span.file, a.span.line, a.span.column, a.id] as const;
  const keyB = [b.span.file, b.span.line, b.span.column, b.id] as const;
  for (let at = 0; at < keyA.length; at++) {
    const left = keyA[at] ?? "";
    const right = keyB[at] ?? "";
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}

/**
 * The rules of one side that apply to the question and match (deny) or grant (allow), each
 * list in written order.
 */
export function matchingRules(ir: Ir, question: SideQuestion, claims: Claims) {
  const denies: Rule[] = [];
  const grants: Rule[] = [];
  const rules = serviceOf(ir, question.owner)?.[question.side] ?? [];
  for (const rule of rules) {
    if (!ruleApplies(rule, question.peer, question.port, question.protocol)) continue;
    if (rule.effect === "deny" && denyMatches(rule, claims)) denies.push(rule);
    if (rule.effect === "allow" && allowGrants(rule, claims)) grants.push(rule);
  }
  return { denies: denies.sort(byWrittenOrder), grants: grants.sort(byWrittenOrder) };
}

/** One side's decision at layer 4 (no token). */
export function referenceSide(ir: Ir, question: SideQuestion): ReferenceDecision {
  const { denies, grants } = matchingRules(ir, question, null);
  const side = question.side;
  const firstDeny = denies[0];
  if (firstDeny) return { decision: "deny", reason: "denied-by-rule", ruleId: firstDeny.id, side };
  const firstGrant = grants[0];
  if (firstGrant) return { decision: "allow", reason: "allowed", ruleId: firstGrant.id, side };
  return { decision: "deny", reason: "no-matching-rule", ruleId: null, side };
}

/** A layer-4 question as the engine takes it. */
export interface NetworkQuery {
  readonly source: string;
  readonly destination: string;
  readonly port: number;
  readonly protocol?: Protocol;
}

/** The egress question of a query: the source's rules about the destination. */
export function egressQuestion(query: NetworkQuery): SideQuestion {
  return {
    side: "egress",
    owner: query.source,
    peer: query.destination,
    port: query.port,
    protocol: query.protocol ?? "tcp",
  };
}

/** The ingress question of a query: the destination's rules about the source. */
export function ingressQuestion(query: NetworkQuery): SideQuestion {
  return {
    side: "ingress",
    owner: query.destination,
    peer: query.source,
    port: query.port,
    protocol: query.protocol ?? "tcp",
  };
}

/** The reference egress decision. */
export function referenceEgress(ir: Ir, query: NetworkQuery): ReferenceDecision {
  return referenceSide(ir, egressQuestion(query));
}

/** The reference ingress decision. */
export function referenceIngress(ir: Ir, query: NetworkQuery): ReferenceDecision {
  return referenceSide(ir, ingressQuestion(query));
}

/**
 * The reference connection decision: allowed only when both ends allow, and then named by the
 * ingress rule (the destination's consent). When both ends deny, an explicit deny rule is
 * reported before a default deny, and the egress end before the ingress end. (The brief leaves
 * which deny to report open; this is the choice the engine documents.)
 */
export function referenceConnection(ir: Ir, query: NetworkQuery): ReferenceDecision {
  const egress = referenceEgress(ir, query);
  const ingress = referenceIngress(ir, query);
  if (egress.decision === "allow") return ingress;
  if (ingress.decision === "allow") return egress;
  const explicitIngressOnly =
    ingress.reason === "denied-by-rule" && egress.reason !== "denied-by-rule";
  return explicitIngressOnly ? ingress : egress;
}

/** How the token of a request fared, as judged by whoever made it (see `tokens.ts`). */
export type TokenOutcome =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: ReasonCode };

/** A request as the reference takes it; the token is given by its outcome. */
export interface ReferenceRequest {
  readonly destination: string;
  readonly port: number;
  readonly protocol?: Protocol;
  readonly action: string;
  readonly source?: string;
  readonly transportIdentity?: string;
}

/** The token's scopes: an array of strings, or one string split on white space. */
export function scopesOfClaims(claims: Readonly<Record<string, unknown>>): string[] {
  const scope = Object.hasOwn(claims, "scope") ? claims.scope : undefined;
  if (typeof scope === "string") return scope.split(/\s+/).filter((word) => word !== "");
  if (Array.isArray(scope)) return scope.filter((item): item is string => typeof item === "string");
  return [];
}

/** The reference request decision. */
export function referenceRequest(
  ir: Ir,
  request: ReferenceRequest,
  token: TokenOutcome,
): ReferenceDecision {
  if (!token.ok) return { decision: "deny", reason: token.reason, ruleId: null };
  const claims = token.claims;
  const subject = claims.sub;
  if (typeof subject !== "string")
    return { decision: "deny", reason: "token-malformed", ruleId: null };

  for (const named of [request.source, request.transportIdentity]) {
    if (named !== undefined && named !== subject) {
      return { decision: "deny", reason: "source-mismatch", ruleId: null };
    }
  }

  const question: SideQuestion = {
    side: "ingress",
    owner: request.destination,
    peer: subject,
    port: request.port,
    protocol: request.protocol ?? "tcp",
  };
  const side = "ingress";
  const { denies, grants } = matchingRules(ir, question, claims);
  const firstDeny = denies[0];
  if (firstDeny) return { decision: "deny", reason: "denied-by-rule", ruleId: firstDeny.id, side };
  const firstGrant = grants[0];
  if (!firstGrant) return { decision: "deny", reason: "no-matching-rule", ruleId: null, side };

  // The brief does not say whether this deny names a rule; the engine names the rule that
  // admitted the caller, and so does the reference.
  if (!scopesOfClaims(claims).includes(request.action)) {
    return { decision: "deny", reason: "token-scope-missing", ruleId: firstGrant.id, side };
  }
  const permitting = grants.find(
    (rule) => rule.scopes === null || rule.scopes.includes(request.action),
  );
  if (!permitting) {
    return { decision: "deny", reason: "action-not-permitted", ruleId: firstGrant.id, side };
  }
  return { decision: "allow", reason: "allowed", ruleId: permitting.id, side };
}
