import type { Decision, Protocol, ReasonCode, RuleRef } from "@palisade/ir";
import type { Side } from "./decisions.ts";
import type { QueryKind } from "./query.ts";

/** The question as a decision record keeps it: no token signature, no other credential. */
export interface RecordedInput {
  readonly type: QueryKind;
  readonly source?: string;
  readonly destination: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly action?: string;
  /**
   * Each `Authorization` value as `<scheme> <header>.<payload>`: the token minus its signature,
   * so a log can show the claims but can never replay the token. Any other credential is
   * replaced by `[redacted]`.
   */
  readonly authorization?: readonly string[];
  readonly transportIdentity?: string;
}

/** One decision as a service would log it. */
export interface DecisionRecord {
  /** When the decision was made, ISO 8601, from the engine's clock. */
  readonly time: string;
  /** The hash of the policy that decided, or null when none was loaded. */
  readonly policyHash: string | null;
  /** The question, or null when it could not be read (then `reason` is `request-malformed`). */
  readonly input: RecordedInput | null;
  /** For requests: the verified token's `sub`, or null when no token was verified. */
  readonly subject: string | null;
  readonly decision: "allow" | "deny";
  readonly reason: ReasonCode;
  readonly message: string;
  readonly rule: RuleRef | null;
  readonly side?: Side;
}

/** Receives every decision. It may throw; the decision stands regardless. */
export type DecisionSink = (record: DecisionRecord) => void;

/**
 * Hands a record to the sink. Whatever the sink does (throw, return a rejected promise, edit
 * the record) cannot reach the caller or change the decision: the record is frozen and built
 * from copies.
 */
export function emitRecord(
  sink: DecisionSink,
  now: () => number,
  policyHash: string | null,
  input: RecordedInput | null,
  subject: string | null,
  decision: Decision,
): void {
  try {
    const record: DecisionRecord = Object.freeze({
      time: new Date(now()).toISOString(),
      policyHash,
      input,
      subject,
      decision: decision.decision,
      reason: decision.reason,
      message: decision.message,
      rule: decision.rule,
      ...(decision.side === undefined ? {} : { side: decision.side }),
    });
    const returned: unknown = sink(record);
    if (typeof returned === "object" && returned !== null && "then" in returned) {
      const then = (returned as { then: unknown }).then;
      if (typeof then === "function") then.call(returned, undefined, ignore);
    }
  } catch {
    // A failing sink is the caller's problem to notice; the decision is already made.
  }
}

function ignore(): void {}

/** The input of a connection-style question as a record keeps it. */
export function recordConnection(
  type: "connection" | "ingress" | "egress",
  source: string,
  destination: string,
  port: number,
  protocol: Protocol,
): RecordedInput {
  return Object.freeze({ type, source, destination, port, protocol });
}

/** The input of a request as a record keeps it, token signatures removed. */
export function recordRequest(query: {
  readonly destination: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly action: string;
  readonly authorization: string | readonly string[] | null;
  readonly source: string | null;
  readonly transportIdentity: string | null;
}): RecordedInput {
  const values =
    query.authorization === null
      ? []
      : typeof query.authorization === "string"
        ? [query.authorization]
        : query.authorization;
  return Object.freeze({
    type: "request",
    ...(query.source === null ? {} : { source: query.source }),
    destination: query.destination,
    port: query.port,
    protocol: query.protocol,
    action: query.action,
    ...(values.length === 0 ? {} : { authorization: Object.freeze(values.map(withoutSignature)) }),
    ...(query.transportIdentity === null ? {} : { transportIdentity: query.transportIdentity }),
  });
}

const COMPACT = /^([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.[A-Za-z0-9_-]*$/;

/** `<scheme> <header>.<payload>` for a compact token; anything else is redacted. */
export function withoutSignature(value: string): string {
  const space = value.indexOf(" ");
  if (space <= 0) return "[redacted]";
  const scheme = value.slice(0, space);
  const match = COMPACT.exec(value.slice(space + 1));
  if (match === null || !/^[A-Za-z]+$/.test(scheme)) return `${safeScheme(scheme)} [redacted]`;
  return `${scheme} ${match[1]}.${match[2]}`;
}

function safeScheme(scheme: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]{0,31}$/.test(scheme) ? scheme : "[redacted]";
}
