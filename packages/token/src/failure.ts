import type { TokenFailureCode } from "@palisade/ir";

/** A token check that did not pass: a stable code for programs, a message for people. */
export interface TokenFailure<Code extends TokenFailureCode = TokenFailureCode> {
  readonly ok: false;
  readonly code: Code;
  readonly message: string;
}

/** Builds a failure result. */
export function fail<Code extends TokenFailureCode>(
  code: Code,
  message: string,
): TokenFailure<Code> {
  return { ok: false, code, message };
}

const QUOTE_LIMIT = 64;

/**
 * Puts a value taken from a token into backticks for a message. Long values are cut and
 * anything outside printable ASCII is replaced, so a message stays one short line that is safe
 * to put into an HTTP header or a log.
 */
export function quote(value: string | undefined): string {
  const text = String(value);
  const cut = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}...` : text;
  return `\`${cut.replace(/[^\x20-\x7e]|`/g, "?")}\``;
}
