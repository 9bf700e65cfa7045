import type { Diagnostic, Span } from "@palisade/syntax";

/**
 * Every diagnostic code the compiler's own stages produce, one per fault. Callers may `switch`
 * on them. Parse diagnostics keep the codes their front end gave them (`parse/…`, `yaml/…`).
 */
export const CHECK_CODES = [
  // errors: the policy set is refused
  "check/duplicate-service",
  "check/duplicate-trust",
  "check/duplicate-port-name",
  "check/invalid-port",
  "check/empty-port-range",
  "check/unknown-named-port",
  "check/named-port-on-any",
  "check/ports-on-rule-and-peer",
  "check/allow-without-ports",
  "check/deny-with-scopes",
  "check/empty-peer-list",
  "check/empty-scope-list",
  "check/empty-protocol-list",
  "check/scopes-on-egress",
  "check/claim-path-too-deep",
  "check/missing-issuer",
  "check/missing-algorithms",
  "check/unknown-algorithm",
  "check/algorithm-none",
  "check/invalid-duration",
  "check/max-age-too-long",
  "check/max-age-too-short",
  "check/clock-skew-too-large",
  "check/trust-missing",
  "check/keys-file-unreadable",
  "check/keys-not-jwks",
  "check/keys-private-material",
  "check/keys-no-usable-key",
  "check/keys-url-invalid",
  // warnings: the policy set compiles, but something is likely not what was meant
  "check/no-key-source",
  "check/key-unusable",
  "check/algorithm-without-key",
  "check/keys-url-insecure",
  "check/undefined-peer",
  "check/undefined-except",
  "check/shadowed-rule",
  "check/cancelled-allow",
  "check/ingress-unused",
  "check/egress-unused",
  "check/unreachable-service",
  "check/wildcard-peer",
  "check/egress-condition",
  // either severity: the summary that replaces diagnostics past the per-file cap
  "check/too-many-diagnostics",
] as const;

/** A diagnostic code of the compiler's checks. */
export type CheckCode = (typeof CHECK_CODES)[number];

/** What a check adds beside code, message and span. */
export interface DiagnosticExtras {
  readonly help?: string;
  readonly related?: readonly { readonly message: string; readonly span: Span }[];
}

/** Builds an error diagnostic. */
export function error(
  code: CheckCode,
  message: string,
  span: Span,
  extras: DiagnosticExtras = {},
): Diagnostic {
  return { code, severity: "error", message, span, ...extras };
}

/** Builds a warning diagnostic. */
export function warning(
  code: CheckCode,
  message: string,
  span: Span,
  extras: DiagnosticExtras = {},
): Diagnostic {
  return { code, severity: "warning", message, span, ...extras };
}
