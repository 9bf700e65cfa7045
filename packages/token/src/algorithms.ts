/** What kind of key an algorithm needs, and the smallest HMAC secret it accepts. */
export interface AlgorithmKey {
  readonly kty: "RSA" | "EC" | "OKP" | "oct";
  /** The curve, for EC and OKP keys. */
  readonly crv?: string;
  /** For HMAC: the shortest secret accepted, in bytes (the hash size, RFC 7518 section 3.2). */
  readonly minSecretBytes?: number;
  /** For HMAC: the hash WebCrypto uses. */
  readonly hash?: string;
}

/** The signature algorithms this verifier can use, each tied to the one key type it needs. */
const ALGORITHM_KEYS: ReadonlyMap<string, AlgorithmKey> = new Map<string, AlgorithmKey>([
  ["RS256", { kty: "RSA" }],
  ["RS384", { kty: "RSA" }],
  ["RS512", { kty: "RSA" }],
  ["PS256", { kty: "RSA" }],
  ["PS384", { kty: "RSA" }],
  ["PS512", { kty: "RSA" }],
  ["ES256", { kty: "EC", crv: "P-256" }],
  ["ES384", { kty: "EC", crv: "P-384" }],
  ["ES512", { kty: "EC", crv: "P-521" }],
  ["EdDSA", { kty: "OKP", crv: "Ed25519" }],
  ["Ed25519", { kty: "OKP", crv: "Ed25519" }],
  ["HS256", { kty: "oct", minSecretBytes: 32, hash: "SHA-256" }],
  ["HS384", { kty: "oct", minSecretBytes: 48, hash: "SHA-384" }],
  ["HS512", { kty: "oct", minSecretBytes: 64, hash: "SHA-512" }],
]);

/** The algorithm names (as in JOSE) a verifier can use; a trust setting may list only these. */
export const SUPPORTED_ALGORITHMS: readonly string[] = Object.freeze([...ALGORITHM_KEYS.keys()]);

/** The key an algorithm needs, or undefined for an algorithm this verifier does not know. */
export function keyForAlgorithm(alg: string): AlgorithmKey | undefined {
  return ALGORITHM_KEYS.get(alg);
}

/**
 * The algorithms a verifier accepts: those the trust settings list that it knows, in their
 * order. `none` never appears, in any letter case, whatever the settings say.
 */
export function allowedAlgorithms(listed: readonly string[]): string[] {
  return [...new Set(listed)].filter((alg) => ALGORITHM_KEYS.has(alg));
}
