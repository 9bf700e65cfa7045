import type { Trust } from "@palisade/ir";
import { type JWTVerifyOptions, jwtVerify } from "jose";
import { checkAudience } from "./check-audience.ts";
import { checkHeader } from "./check-header.ts";
import { deepFreeze } from "./deep-freeze.ts";
import { fail } from "./failure.ts";
import { DEFAULT_FETCH_TIMEOUT_MS, fetchJwksOverHttp } from "./fetch-jwks.ts";
import { failureFromJose } from "./jose-failure.ts";
import { buildKeySet } from "./key-set.ts";
import { type KeySource, staticKeySource } from "./key-source.ts";
import { readCompactToken } from "./read-compact-token.ts";
import { remoteKeySource } from "./remote-key-source.ts";
import { resolveKey } from "./resolve-key.ts";
import { scopesOf } from "./scopes-of.ts";
import { MAX_TOKEN_LENGTH } from "./token-shape.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";
import { readVerifierSettings, type VerifierSettings } from "./verifier-settings.ts";
import type { VerifiedClaims, VerifyResult } from "./verify-result.ts";

/** What a verifier may be given besides the trust settings. */
export interface VerifierOptions {
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** A JWKS to use instead of the trust settings' key source (may hold HMAC `oct` keys). */
  readonly keys?: { readonly keys: readonly unknown[] };
  /** Fetches a JWKS for a `url` key source. Defaults to `fetch` over https with a timeout. */
  readonly fetchJwks?: (url: string) => Promise<unknown>;
  /** Least time between two fetches of a remote JWKS, in milliseconds. Default 30 000. */
  readonly cooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again, in ms. Default 600 000. */
  readonly jwksMaxAgeMs?: number;
  /** How many verified tokens to remember. Default 10 000; 0 turns the cache off. */
  readonly cacheSize?: number;
}

/** Verifies bearer tokens against one set of trust settings. */
export interface Verifier {
  /**
   * Verifies `token` for the destination service `audience`. Never throws and never rejects:
   * every failure, a failing key fetch included, is a result with a reason code.
   */
  verify(token: string, audience: string): Promise<VerifyResult>;
  /** How many verified tokens the cache holds now. */
  readonly cachedTokens: number;
}

const REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat"];

/**
 * Creates a verifier for the trust settings of a policy. jose checks the signature and the
 * standard claims; this layer fixes the algorithm from the allow-list and ties it to the key
 * type before any key is used, refuses critical header extensions, caps the token's lifetime as
 * well as its age, refuses several audiences, and reads `scope`. Throws `TypeError` only for
 * settings or options out of range.
 */
export function createVerifier(trust: Trust, options: VerifierOptions = {}): Verifier {
  const settings = readVerifierSettings(trust);
  const now = options.now ?? Date.now;
  const cache = new VerifiedTokenCache(count(options.cacheSize, 10_000, "cacheSize"));
  const source = keySourceFor(trust, options);
  const joseOptions: JWTVerifyOptions = {
    algorithms: [...settings.algorithms],
    issuer: settings.issuer,
    requiredClaims: REQUIRED_CLAIMS,
    clockTolerance: settings.clockSkew,
    maxTokenAge: settings.maxTokenAge,
  };

  async function verifyToken(token: string, audience: string): Promise<VerifyResult> {
    if (typeof token !== "string") return fail("token-malformed", "the token is not a string");
    if (token.length > MAX_TOKEN_LENGTH) {
      return fail("token-malformed", `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
    }
    if (typeof audience !== "string") {
      return fail("token-wrong-audience", "the destination is not a service id");
    }
    const nowMs = now();
    if (!Number.isFinite(nowMs)) {
      return fail("token-signature-invalid", "the clock gave no usable time");
    }
    const nowSeconds = Math.floor(nowMs / 1000);

    const cached = cache.get(token, nowSeconds);
    if (cached !== undefined) {
      return (
        checkAudience(cached.result.claims.aud, audience, settings.multipleAudiences) ??
        cached.result
      );
    }

    const read = readCompactToken(token);
    if (!read.ok) return read;
    const checked = checkHeader(read.token.header, settings.allowed);
    if (!checked.ok) return checked;
    const { alg, kid } = checked.header;
    if (read.token.signature === "") {
      return fail("token-signature-invalid", "the token has no signature");
    }
    const resolved = await resolveKey(source, alg, kid, nowMs);
    if (!resolved.ok) return resolved;

    let payload: Record<string, unknown>;
    try {
      const verified = await jwtVerify(token, resolved.key, {
        ...joseOptions,
        audience,
        currentDate: new Date(nowMs),
      });
      payload = verified.payload;
    } catch (error) {
      return failureFromJose(error, audience);
    }
    return accept(token, payload, audience, settings, cache);
  }

  return {
    async verify(token, audience) {
      try {
        return await verifyToken(token, audience);
      } catch {
        return fail("token-signature-invalid", "the token could not be verified");
      }
    },
    get cachedTokens() {
      return cache.size;
    },
  };
}

/** The checks jose does not make, then the result, which is cached. */
function accept(
  token: string,
  payload: Record<string, unknown>,
  audience: string,
  settings: VerifierSettings,
  cache: VerifiedTokenCache,
): VerifyResult {
  // jose has checked presence and types of iss (equal to the issuer), aud, exp, iat and nbf.
  const { sub, aud, iss, iat, exp, nbf } = payload as {
    sub: unknown;
    aud: string | string[];
    iss: string;
    iat: number;
    exp: number;
    nbf?: number;
  };
  if (typeof sub !== "string" || sub === "") {
    return fail("token-malformed", "the token's `sub` claim must be a non-empty string");
  }
  const wrongAudience = checkAudience(aud, audience, settings.multipleAudiences);
  if (wrongAudience !== undefined) return wrongAudience;
  if (exp - iat > settings.maxTokenAge) {
    return fail(
      "token-too-old",
      `the token is minted to live ${exp - iat} s; the max token age is ${settings.maxTokenAge} s`,
    );
  }
  const scopes = scopesOf(payload);
  if (!scopes.ok) return scopes;

  const claims: VerifiedClaims = {
    sub,
    aud,
    iss,
    iat,
    exp,
    ...(nbf === undefined ? {} : { nbf }),
    scopes: scopes.scopes,
    claims: payload,
  };
  const result = deepFreeze({ ok: true as const, claims });
  const skew = settings.clockSkew;
  cache.set(token, {
    result,
    validFrom: Math.max(iat, nbf ?? iat) - skew,
    expiresAt: exp + skew,
    oldestAt: iat + settings.maxTokenAge + skew,
  });
  return result;
}

function keySourceFor(trust: Trust, options: VerifierOptions): KeySource {
  if (options.keys !== undefined) {
    if (!Array.isArray(options.keys.keys)) throw new TypeError("`keys.keys` must be an array");
    return staticKeySource(buildKeySet(options.keys.keys, { allowSymmetric: true }));
  }
  if (trust.keys.kind === "jwks") {
    return staticKeySource(buildKeySet(trust.keys.keys, { allowSymmetric: true }));
  }
  return remoteKeySource({
    url: trust.keys.url,
    fetchJwks: options.fetchJwks ?? fetchJwksOverHttp,
    cooldownMs: count(options.cooldownMs, 30_000, "cooldownMs"),
    maxAgeMs: count(options.jwksMaxAgeMs, 600_000, "jwksMaxAgeMs"),
    timeoutMs: DEFAULT_FETCH_TIMEOUT_MS,
  });
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`\`${name}\` must be a non-negative integer`);
  }
  return value;
}
