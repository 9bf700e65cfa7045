import { fail, quote, type TokenFailure } from "./failure.ts";

/** The header fields a verifier acts on, once they passed. */
export interface CheckedHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

/**
 * Checks an unverified protected header before any key is looked at. The algorithm must be one
 * of `allowed`, matched exactly; `none` is refused in any letter case. Any `crit` (even `[]` or
 * `["b64"]`) is refused: this verifier implements no header extension, and a verifier that
 * ignores one may read a different token than its signer meant.
 */
export function checkHeader(
  header: Readonly<Record<string, unknown>>,
  allowed: ReadonlySet<string>,
): { readonly ok: true; readonly header: CheckedHeader } | TokenFailure {
  const { alg, kid } = header;
  if (typeof alg !== "string" || alg === "") {
    return fail("token-malformed", "the token header has no `alg`");
  }
  if (alg.toLowerCase() === "none") {
    return fail("token-algorithm-not-allowed", "unsigned tokens (`alg` `none`) are never accepted");
  }
  if (!allowed.has(alg)) {
    return fail(
      "token-algorithm-not-allowed",
      `algorithm ${quote(alg)} is not allowed by the trust settings`,
    );
  }
  if (Object.hasOwn(header, "crit")) {
    return fail("token-malformed", "the token declares critical header extensions (`crit`)");
  }
  if (kid !== undefined && typeof kid !== "string") {
    return fail("token-malformed", "the token's `kid` is not a string");
  }
  return { ok: true, header: { alg, kid } };
}
