import { createPublicKey, verify } from "node:crypto";
import { importJWK, jwtVerify } from "jose";

/** What every verifier in the bench requires of a token, matching the generated trust settings. */
export interface TokenRules {
  readonly issuer: string;
  /** Seconds; caps both age and lifetime. */
  readonly maxAge: number;
  /** Seconds of tolerated clock difference. */
  readonly clockSkew: number;
  readonly nowMs: number;
}

/** The claims a peer needs after verification. */
export interface VerifiedClaims {
  readonly subject: string;
  readonly audience: string;
  readonly expiresMs: number;
  readonly scopes: ReadonlySet<string>;
}

type Jwks = { readonly keys: readonly Record<string, unknown>[] };

/**
 * The `jose` floor: its own `jwtVerify` with the key imported once, checking issuer, audience,
 * algorithm, required `iat`/`exp`, max age and skew. Answers whether the token is valid.
 */
export async function createJoseVerifier(
  jwks: Jwks,
  rules: TokenRules,
): Promise<(token: string, audience: string) => Promise<boolean>> {
  const jwk = jwks.keys[0];
  if (jwk === undefined) throw new TypeError("the key set is empty");
  const key = await importJWK(jwk, "ES256");
  const currentDate = new Date(rules.nowMs);
  return async (token, audience) => {
    try {
      await jwtVerify(token, key, {
        issuer: rules.issuer,
        audience,
        algorithms: ["ES256"],
        currentDate,
        maxTokenAge: rules.maxAge,
        clockTolerance: rules.clockSkew,
        requiredClaims: ["iat", "exp"],
      });
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * The raw floor: split the compact token, check the header, verify the P-256 signature with
 * `node:crypto`, parse the payload and check the same claims as the others, nothing more.
 */
export function createCryptoVerifier(
  jwks: Jwks,
  rules: TokenRules,
): (token: string, audience: string) => VerifiedClaims | null {
  const jwk = jwks.keys[0];
  if (jwk === undefined) throw new TypeError("the key set is empty");
  const key = createPublicKey({ key: jwk as never, format: "jwk" });
  const kid = jwk.kid;
  const skewMs = rules.clockSkew * 1000;
  const maxAgeMs = rules.maxAge * 1000;

  return (token, audience) => {
    const first = token.indexOf(".");
    const second = token.indexOf(".", first + 1);
    if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) return null;
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, first), "base64url").toString());
      if (header.alg !== "ES256" || header.kid !== kid) return null;
      const signature = Buffer.from(token.slice(second + 1), "base64url");
      const signed = Buffer.from(token.slice(0, second));
      if (!verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature)) return null;
      const payload = JSON.parse(
        Buffer.from(token.slice(first + 1, second), "base64url").toString(),
      );
      return checkClaims(payload, audience, rules.issuer, rules.nowMs, skewMs, maxAgeMs);
    } catch {
      return null;
    }
  };
}

function checkClaims(
  payload: Record<string, unknown>,
  audience: string,
  issuer: string,
  nowMs: number,
  skewMs: number,
  maxAgeMs: number,
): VerifiedClaims | null {
  const { iss, sub, aud, exp, iat, scope } = payload;
  if (iss !== issuer || aud !== audience || typeof sub !== "string") return null;
  if (typeof exp !== "number" || typeof iat !== "number") return null;
  const expiresMs = exp * 1000;
  const issuedMs = iat * 1000;
  if (expiresMs + skewMs <= nowMs || issuedMs - skewMs > nowMs) return null;
  if (nowMs - issuedMs > maxAgeMs + skewMs || expiresMs - issuedMs > maxAgeMs) return null;
  const scopes = new Set(
    typeof scope === "string" ? scope.split(" ") : Array.isArray(scope) ? scope.map(String) : [],
  );
  return { subject: sub, audience: aud, expiresMs, scopes };
}

/**
 * The token of a `Bearer` header value, or null. Slicing makes a new string per request, as a
 * server reading a real header does, so a cache keyed by the token pays for hashing it.
 */
export function bearerToken(header: string): string | null {
  return header.startsWith("Bearer ") ? header.slice(7) : null;
}

/**
 * A verified-claims cache like the one Palisade keeps, for the peers' request decisions: the
 * first sight of a token verifies it (raw floor), later ones are a `Map` hit plus an expiry check.
 */
export class ClaimsCache {
  readonly #entries = new Map<string, VerifiedClaims | null>();
  readonly #verify: (token: string, audience: string) => VerifiedClaims | null;
  readonly #nowMs: number;

  constructor(
    verifyToken: (token: string, audience: string) => VerifiedClaims | null,
    nowMs: number,
  ) {
    this.#verify = verifyToken;
    this.#nowMs = nowMs;
  }

  /** The claims of the header's bearer token when it is valid for `audience`, else null. */
  get(header: string, audience: string): VerifiedClaims | null {
    const token = bearerToken(header);
    if (token === null) return null;
    let claims = this.#entries.get(token);
    if (claims === undefined) {
      claims = this.#verify(token, audience);
      if (claims === null) return null;
      this.#entries.set(token, claims);
    }
    if (claims === null || claims.audience !== audience || claims.expiresMs <= this.#nowMs) {
      return null;
    }
    return claims;
  }
}
