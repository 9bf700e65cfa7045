// Shared by this package's tests: the baseline of the cases file, real keys, and signers.
import { createHmac, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import type { Jwk, Trust } from "@palisade/ir";
import { SignJWT } from "jose";

/** The baseline clock, in seconds since the epoch. */
export const NOW = 1_700_000_000;
/** The baseline clock, in milliseconds, for `now` options. */
export const NOW_MS = NOW * 1000;
/** The baseline issuer. */
export const ISS = "https://idp.example.test";

/** A signing key pair and its public JWK (with `kid`). */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Jwk;
}

function testKey(kid: string, pair: { privateKey: KeyObject; publicKey: KeyObject }): TestKey {
  const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid } as Jwk;
  return { kid, ...pair, jwk };
}

/** RSA-2048 key `k1`, the baseline key. */
export const K1 = testKey("k1", generateKeyPairSync("rsa", { modulusLength: 2048 }));
/** RSA-2048 key `k2`, the rotated-in key. */
export const K2 = testKey("k2", generateKeyPairSync("rsa", { modulusLength: 2048 }));
/** EC P-256 key `e1`. */
export const E1 = testKey("e1", generateKeyPairSync("ec", { namedCurve: "P-256" }));
/** Ed25519 key `d1`. */
export const D1 = testKey("d1", generateKeyPairSync("ed25519"));

/** A 32-byte HMAC secret. */
export const HMAC_SECRET = randomBytes(32);
/** The HMAC secret as an `oct` JWK with id `h1`. */
export const H1_JWK: Jwk = { kty: "oct", kid: "h1", k: HMAC_SECRET.toString("base64url") };

/** The baseline trust settings, changed by `overrides`. */
export function trustWith(overrides: Partial<Trust> = {}): Trust {
  return {
    issuer: ISS,
    algorithms: ["RS256"],
    keys: { kind: "jwks", keys: [K1.jwk] },
    maxTokenAge: 300,
    clockSkew: 30,
    multipleAudiences: false,
    span: null,
    ...overrides,
  };
}

/** The baseline claims at clock `now` (seconds), changed by `overrides`. */
export function claimsWith(
  overrides: Record<string, unknown> = {},
  now: number = NOW,
): Record<string, unknown> {
  return {
    iss: ISS,
    aud: "orders",
    sub: "billing",
    scope: ["orders:read"],
    iat: now - 10,
    exp: now + 240,
    ...overrides,
  };
}

/** Omits some claims from a claim set. */
export function without(claims: Record<string, unknown>, ...names: string[]) {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
}

/** How `signToken` signs: algorithm, key id (null for none) and key; RS256 with k1 by default. */
export interface SignOptions {
  readonly alg?: string;
  readonly kid?: string | null;
  readonly key?: KeyObject | Uint8Array;
  readonly header?: Record<string, unknown>;
}

/** Signs a real token with jose. */
export function signToken(
  claims: Record<string, unknown> = claimsWith(),
  options: SignOptions = {},
): Promise<string> {
  const kid = options.kid === undefined ? "k1" : options.kid;
  const header = {
    alg: options.alg ?? "RS256",
    typ: "JWT",
    ...(kid === null ? {} : { kid }),
    ...options.header,
  };
  return new SignJWT(claims).setProtectedHeader(header).sign(options.key ?? K1.privateKey);
}

/** base64url of the JSON text of `value`, or of `value` itself when it is a string. */
export function encodeSegment(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return Buffer.from(text, "utf8").toString("base64url");
}

/** Builds a compact token by hand: `signer` gets the signing input and returns the signature. */
export function forgeToken(
  header: unknown,
  payload: unknown,
  signer: (input: string) => Buffer = () => Buffer.alloc(0),
): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${input}.${signer(input).toString("base64url")}`;
}

/** A signer computing HMAC-SHA256 with `secret`, as an attacker would. */
export function hmacSigner(secret: string | Uint8Array): (input: string) => Buffer {
  return (input) => createHmac("sha256", secret).update(input).digest();
}

/** A signer computing RS256 with `key`'s private key, through node:crypto. */
export function rs256Signer(key: TestKey = K1): (input: string) => Buffer {
  return (input) => sign("sha256", Buffer.from(input), key.privateKey);
}

/** A frozen clock that tests move by hand, in seconds since the epoch. */
export function frozenClock(start: number = NOW): {
  now: () => number;
  set(seconds: number): void;
} {
  let current = start;
  return {
    now: () => current * 1000,
    set(seconds) {
      current = seconds;
    },
  };
}
