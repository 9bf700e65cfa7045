import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

/** The moment every run pretends it is (ms), so minted tokens stay valid however long it runs. */
export const NOW_MS = Date.UTC(2030, 0, 15, 12, 0, 0);
const NOW_SECONDS = NOW_MS / 1000;

/** An ES256 key pair, with the public half as the JWKS the policy's trust settings point at. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] };
}

/** What a minted token says. */
export interface TokenClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  readonly scope: string;
  /** Seconds before `NOW_MS` the token was issued; it lives 300 s from then. */
  readonly issuedAgo: number;
  /** A unique id, so that tokens with equal claims still differ. */
  readonly id: string;
}

/** Creates a fresh P-256 key pair. */
export function createSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  return {
    kid,
    privateKey,
    publicKey,
    jwks: { keys: [{ ...jwk, kid, alg: "ES256", use: "sig" }] },
  };
}

/** Signs a compact ES256 JWT with `iat`, `exp` (300 s later), `iss`, `sub`, `aud`, `scope`. */
export function mintToken(key: SigningKey, claims: TokenClaims): string {
  const header = { alg: "ES256", typ: "JWT", kid: key.kid };
  const issuedAt = NOW_SECONDS - claims.issuedAgo;
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    scope: claims.scope,
    iat: issuedAt,
    exp: issuedAt + 300,
    jti: claims.id,
  };
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: key.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${signature.toString("base64url")}`;
}

/** The same token with one signature character changed, so its signature no longer verifies. */
export function tamper(token: string): string {
  const at = token.length - 10;
  const replacement = token[at] === "A" ? "B" : "A";
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
