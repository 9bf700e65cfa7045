import type { SourceSpan } from "./schema.ts";

/** Stable reason codes carried by every decision. Callers may `switch` on them. */
export const REASON_CODES = [
  "allowed",
  "no-matching-rule",
  "denied-by-rule",
  "token-missing",
  "token-malformed",
  "token-signature-invalid",
  "token-algorithm-not-allowed",
  "token-expired",
  "token-not-yet-valid",
  "token-too-old",
  "token-wrong-issuer",
  "token-wrong-audience",
  "token-scope-missing",
  "action-not-permitted",
  "source-mismatch",
  "unknown-service",
  "request-malformed",
  "policy-unavailable",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The token-related subset, which the token verifier returns. */
export type TokenFailureCode = Extract<ReasonCode, `token-${string}`>;

/** The rule that decided, named by id and by where it was written. */
export interface RuleRef {
  readonly id: string;
  readonly span: SourceSpan;
}

/**
 * An allow or deny, with the reason and the deciding rule (null when no rule decided, as in
 * default deny or a token failure). `message` is for people; `reason` is for code.
 */
export interface Decision {
  readonly decision: "allow" | "deny";
  readonly reason: ReasonCode;
  readonly message: string;
  readonly rule: RuleRef | null;
  /** For connections and requests: which side decided (`ingress` or `egress`), when one did. */
  readonly side?: "ingress" | "egress";
}
