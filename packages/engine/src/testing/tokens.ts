import { CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import { ISSUER } from "./policy-fixtures.ts";

/** The frozen clock of the shared cases, in seconds. */
export const NOW = 1_700_000_000;

/** The frozen clock in milliseconds, as engines take it. */
export const nowMs = (): number => NOW * 1000;

/** A signing key and its public JWK (with `kid` and `alg`). */
export interface TestKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey | Uint8Array;
  readonly publicJwk: JWK;
}

/** Generates a key pair for `alg` (RS256, ES256, EdDSA) or a random secret for HS256. */
export async function makeKey(alg: string, kid: string): Promise<TestKey> {
  if (alg === "HS256") {
    const secret = new Uint8Array(32).map((_, at) => (at * 37 + 11) % 256);
    const k = Buffer.from(secret).toString("base64url");
    return { alg, kid, privateKey: secret, publicJwk: { kty: "oct", k, kid, alg } };
  }
  const options = alg === "EdDSA" ? { crv: "Ed25519" } : {};
  const pair = await generateKeyPair(alg, { ...options, extractable: true });
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
  return { alg, kid, privateKey: pair.privateKey, publicJwk };
}

/** Claims of the baseline token T: billing calling orders with `orders:read`. */
export function baselineClaims(): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: "orders",
    sub: "billing",
    scope: ["orders:read"],
    iat: NOW - 10,
    exp: NOW + 240,
  };
}

/**
 * Signs `claims` exactly as given (members set to undefined are left out) with `key`; `header`
 * adds to or overrides the protected header. Signs the JSON bytes directly, so tests can mint
 * tokens a careful issuer never would (no `exp`, claims nested thousands deep).
 */
export async function signToken(
  key: TestKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  return new CompactSign(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}
