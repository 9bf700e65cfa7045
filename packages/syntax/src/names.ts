/**
 * Rules for the identifiers both forms share: service ids (what tokens carry in `sub` and `aud`),
 * named ports and scopes.
 */

/** A service id: starts with a letter, then letters, digits, `-`, `_` or `.`; at most 253. */
export const SERVICE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,252}$/;

/**
 * Words that may not be service ids: the DSL's keywords, and the plain scalars that YAML 1.1
 * tools read as booleans or null (`no`, `on`, `y`, ...). A policy linted by one tool and loaded
 * by another must mean the same thing to both, so these are refused outright.
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set([
  "any",
  "except",
  "allow",
  "deny",
  "from",
  "to",
  "port",
  "ports",
  "protocol",
  "protocols",
  "scopes",
  "when",
  "service",
  "trust",
  "ingress",
  "egress",
  "token",
  "and",
  "or",
  "not",
  "in",
  "has",
  "true",
  "false",
  "null",
  "y",
  "n",
  "yes",
  "no",
  "on",
  "off",
]);

/** Why a candidate service id is refused, or null when it is fine. */
export function serviceIdProblem(id: string): string | null {
  if (!SERVICE_ID_PATTERN.test(id)) {
    return "a service id starts with a letter and holds only letters, digits, `-`, `_` and `.`";
  }
  if (RESERVED_IDS.has(id.toLowerCase())) {
    return `\`${id}\` is reserved or ambiguous and cannot name a service`;
  }
  return null;
}

/** A scope (token action) as written in a rule: no white space, at most 256 characters. */
export const SCOPE_PATTERN = /^[\x21-\x7e]{1,256}$/;
