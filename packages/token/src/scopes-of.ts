import { fail, type TokenFailure } from "./failure.ts";

/** The outcome of reading a token's scopes. */
export type ScopesResult =
  | { readonly ok: true; readonly scopes: string[] }
  | TokenFailure<"token-malformed">;

const WHITESPACE = /\s+/;

/**
 * Reads the `scope` claim of a verified payload: an array of strings, or one string whose
 * scopes are separated by whitespace. `scp` is never read. A missing `scope` gives an empty list
 * (the engine turns that into `token-scope-missing`); any other shape, or an array holding a
 * non-string, is `token-malformed`. Scopes are returned exactly as written: matching them is
 * exact and case-sensitive, never by substring.
 */
export function scopesOf(payload: Readonly<Record<string, unknown>>): ScopesResult {
  if (!Object.hasOwn(payload, "scope")) return { ok: true, scopes: [] };
  const scope = payload.scope;

  if (typeof scope === "string") {
    return { ok: true, scopes: scope.split(WHITESPACE).filter((item) => item !== "") };
  }
  if (Array.isArray(scope)) {
    const scopes: string[] = [];
    for (const item of scope as unknown[]) {
      if (typeof item !== "string") {
        return fail("token-malformed", "`scope` must hold only strings");
      }
      scopes.push(item);
    }
    return { ok: true, scopes };
  }
  return fail("token-malformed", "`scope` must be a string or an array of strings");
}
