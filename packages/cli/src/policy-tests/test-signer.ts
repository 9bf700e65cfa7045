import { randomBytes } from "node:crypto";
import { ALGORITHMS } from "@palisade/compiler";
import type { Jwk, Trust } from "@palisade/ir";
import { base64url, type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { claimTime } from "../time.ts";
import type { TokenSpec } from "./test-file.ts";

/** Algorithms whose public key can stand in the trust keys: all but the HMAC ones. */
const ASYMMETRIC: ReadonlySet<string> = new Set(
  ALGORITHMS.filter((name) => !name.startsWith("HS")),
);

/** Tokens made by the runner live four minutes unless the case says otherwise. */
const DEFAULT_LIFETIME_SECONDS = 240;

/** What a signed token defaults to, from the policy and the request. */
export interface TokenDefaults {
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly nowMs: number;
}

/**
 * Signs test tokens with throwaway keys made at run time, one per algorithm, so policy tests
 * need no secrets. `jwks()` gives the public keys, which replace the policy's trust keys for
 * the run.
 */
export class TestSigner {
  private readonly pairs = new Map<string, { privateKey: CryptoKey; jwk: Jwk }>();
  private readonly strangers = new Map<string, CryptoKey>();

  private constructor(readonly defaultAlgorithm: string) {}

  /**
   * A signer with a key for each asymmetric algorithm in `algorithms` (the trust settings'
   * list plus any a case asks for). The default algorithm is the first one the policy accepts.
   */
  static async create(trust: Trust | null, extra: readonly string[]): Promise<TestSigner> {
    const accepted = (trust?.algorithms ?? []).filter((algorithm) => ASYMMETRIC.has(algorithm));
    const signer = new TestSigner(accepted[0] ?? "ES256");
    const wanted = new Set([signer.defaultAlgorithm, ...accepted, ...extra]);
    for (const algorithm of wanted) {
      if (!ASYMMETRIC.has(algorithm)) continue;
      const { privateKey, publicKey } = await generateKeyPair(algorithm);
      const exported = await exportJWK(publicKey);
      const jwk: Jwk = {
        ...exported,
        kty: exported.kty ?? "",
        kid: `palisade-test-${algorithm.toLowerCase()}`,
        alg: algorithm,
        use: "sig",
      };
      signer.pairs.set(algorithm, { privateKey, jwk });
    }
    return signer;
  }

  /** The public keys, as a JWKS for the engine's key override. */
  jwks(): { keys: Jwk[] } {
    return { keys: [...this.pairs.values()].map((pair) => pair.jwk) };
  }

  /** The payload a spec stands for: defaults first, then the case's claims (null removes). */
  payload(spec: TokenSpec, defaults: TokenDefaults): Record<string, unknown> {
    const now = Math.floor(defaults.nowMs / 1000);
    const payload: Record<string, unknown> = {
      ...(defaults.issuer === null ? {} : { iss: defaults.issuer }),
      ...(defaults.audience === null ? {} : { aud: defaults.audience }),
      iat: now,
      exp: now + DEFAULT_LIFETIME_SECONDS,
    };
    for (const [name, value] of Object.entries(spec.claims)) {
      if (value === null) {
        delete payload[name];
      } else if (
        (name === "iat" || name === "exp" || name === "nbf") &&
        typeof value !== "object"
      ) {
        const time = claimTime(value as string | number, defaults.nowMs);
        payload[name] = time.ok ? time.seconds : value;
      } else {
        payload[name] = value;
      }
    }
    return payload;
  }

  /** Signs the token a spec describes; throws when the algorithm or header cannot be used. */
  async sign(spec: TokenSpec, defaults: TokenDefaults): Promise<string> {
    const algorithm = spec.alg ?? this.defaultAlgorithm;
    const payload = this.payload(spec, defaults);

    if (algorithm === "none") {
      const header = { alg: "none", typ: "JWT", ...spec.header };
      const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
      return `${encode(header)}.${encode(payload)}.`;
    }

    const symmetric = algorithm.startsWith("HS");
    const pair = this.pairs.get(algorithm);
    const kid = spec.kid === undefined ? (pair?.jwk.kid ?? null) : spec.kid;
    const header = { alg: algorithm, typ: "JWT", ...(kid === null ? {} : { kid }), ...spec.header };
    const critical = Array.isArray(spec.header.crit)
      ? Object.fromEntries(spec.header.crit.map((name) => [String(name), true]))
      : undefined;
    const jwt = new SignJWT(payload).setProtectedHeader(header);
    const options = critical === undefined ? undefined : { crit: critical };

    if (symmetric) return jwt.sign(randomBytes(64), options);
    if (pair === undefined) throw new TypeError(`no test key for \`${algorithm}\``);
    if (spec.key === "trusted") return jwt.sign(pair.privateKey, options);
    let stranger = this.strangers.get(algorithm);
    if (stranger === undefined) {
      stranger = (await generateKeyPair(algorithm)).privateKey;
      this.strangers.set(algorithm, stranger);
    }
    return jwt.sign(stranger, options);
  }
}
