import type { Decision, ReasonCode } from "@palisade/ir";
import type { RuleStep } from "./reference.ts";

/** The checks a decision passes through, in the order the engine makes them. */
export type CheckName =
  | "input"
  | "policy"
  | "service"
  | "trust"
  | "authorization"
  | "token"
  | "source"
  | "egress"
  | "ingress"
  | "token-scope"
  | "rule-scope";

/** One check and its outcome; a failed check carries the reason it gives the decision. */
export interface CheckStep {
  readonly kind: "check";
  readonly check: CheckName;
  readonly passed: boolean;
  readonly reason: ReasonCode | null;
  readonly message: string;
}

/** A step of an explanation: a check, or a rule the engine considered. */
export type TraceStep = CheckStep | RuleStep;

/** A decision with the steps that led to it. The last failed check is what decided a deny. */
export interface Explanation {
  readonly decision: Decision;
  readonly steps: readonly TraceStep[];
}

/** Where a decision path writes its steps; null when nobody asked for them. */
export type Trace = TraceStep[] | null;

/** Adds a check step to a trace, when there is one. */
export function traceCheck(
  trace: Trace,
  check: CheckName,
  passed: boolean,
  message: string,
  reason: ReasonCode | null = null,
): void {
  trace?.push(Object.freeze({ kind: "check", check, passed, reason, message }));
}
