import { fail, type TokenFailure } from "./failure.ts";
import { looksLikeCompactToken } from "./token-shape.ts";

/** The outcome of reading an `Authorization` header. */
export type AuthorizationResult =
  | { readonly ok: true; readonly token: string }
  | TokenFailure<"token-missing" | "token-malformed">;

const SCHEME = "bearer";
/** The word `bearer` anywhere in a value, as a whole word (so a joined header is caught). */
const BEARER_WORD = /(?:^|[\s,])bearer(?=[\s,]|$)/i;

/**
 * Reads a bearer token from the value(s) of an `Authorization` header. The value must be the
 * scheme word `Bearer` (any letter case), exactly one space, and a compact token; nothing else.
 * Several header values are refused rather than choosing one, because a proxy and this engine
 * choosing differently would see two callers in one request. No header, or another scheme such
 * as `Basic`, is `token-missing`; a bearer credential in any other form is `token-malformed`.
 *
 * Pass raw values when the server keeps duplicates (for `node:http`, read `rawHeaders`). Throws
 * `TypeError` only for an argument of the wrong type.
 */
export function parseAuthorization(
  value: string | readonly string[] | undefined | null,
): AuthorizationResult {
  if (value === undefined || value === null) return missing();
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string") throw new TypeError("header values must be strings");
    }
    if (value.length === 0) return missing();
    if (value.length > 1) {
      return fail("token-malformed", "the request carries several `Authorization` headers");
    }
    return parseOne(value[0] as string);
  }
  if (typeof value !== "string") {
    throw new TypeError("the header value must be a string, an array of strings or absent");
  }
  return parseOne(value);
}

function parseOne(value: string): AuthorizationResult {
  if (value.trim() === "") return missing();

  if (value.slice(0, SCHEME.length).toLowerCase() !== SCHEME) {
    if (BEARER_WORD.test(value)) {
      return fail("token-malformed", "the `Authorization` header holds more than one credential");
    }
    return fail("token-missing", "the `Authorization` header does not carry a bearer token");
  }

  if (value[SCHEME.length] !== " ") {
    return fail("token-malformed", "`Bearer` must be followed by exactly one space and the token");
  }
  const token = value.slice(SCHEME.length + 1);
  if (!looksLikeCompactToken(token)) {
    return fail(
      "token-malformed",
      "the bearer token is not three base64url segments separated by dots",
    );
  }
  return { ok: true, token };
}

function missing(): TokenFailure<"token-missing"> {
  return fail("token-missing", "the request has no `Authorization` header");
}
