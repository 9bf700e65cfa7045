import { fail, quote, type TokenFailure } from "./failure.ts";

/**
 * Checks that a token is meant for `audience` and, unless several audiences are allowed, for it
 * alone: `aud` must be the destination, or a list of exactly that one entry. With several
 * audiences allowed, a list must include the destination. Returns undefined when it passes.
 */
export function checkAudience(
  aud: unknown,
  audience: string,
  multipleAudiences: boolean,
): TokenFailure<"token-wrong-audience"> | undefined {
  if (aud === audience) return undefined;
  if (Array.isArray(aud)) {
    if (aud.length === 1 && aud[0] === audience) return undefined;
    if (aud.includes(audience)) {
      if (multipleAudiences) return undefined;
      return fail(
        "token-wrong-audience",
        `the token names ${aud.length} audiences; the trust settings require exactly one`,
      );
    }
  }
  return fail("token-wrong-audience", `the token is not meant for ${quote(audience)}`);
}
