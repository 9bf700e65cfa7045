/**
 * The JOSE signature algorithms a trust block may allow, and which public keys can verify each.
 * `none` is never among them.
 */
export const ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
  "HS256",
  "HS384",
  "HS512",
] as const;

/** An algorithm name a trust block may allow. */
export type Algorithm = (typeof ALGORITHMS)[number];

const KNOWN: ReadonlySet<string> = new Set(ALGORITHMS);

/** True for a name in `ALGORITHMS` (exact, case-sensitive). */
export function isAlgorithm(name: string): name is Algorithm {
  return KNOWN.has(name);
}

const EC_CURVES: Readonly<Record<string, string>> = {
  ES256: "P-256",
  ES384: "P-384",
  ES512: "P-521",
};

const EDWARDS = new Set(["EdDSA", "Ed25519"]);

/**
 * True when `key` is a public JWK that can verify signatures made with `algorithm`: its type
 * and curve fit, its own `alg`, `use` and `key_ops` (when present) allow it, and it has the
 * public members the type needs. HMAC algorithms never fit: their key is a shared secret, which
 * a policy does not hold.
 */
export function keyFitsAlgorithm(
  key: Readonly<Record<string, unknown>>,
  algorithm: string,
): boolean {
  if (typeof key.alg === "string" && !sameAlgorithm(key.alg, algorithm)) return false;
  if (key.use !== undefined && key.use !== "sig") return false;
  if (key.key_ops !== undefined) {
    if (!Array.isArray(key.key_ops) || !key.key_ops.includes("verify")) return false;
  }

  const has = (member: string) => typeof key[member] === "string" && key[member] !== "";
  if (algorithm.startsWith("RS") || algorithm.startsWith("PS")) {
    return key.kty === "RSA" && has("n") && has("e");
  }
  const curve = EC_CURVES[algorithm];
  if (curve) return key.kty === "EC" && key.crv === curve && has("x") && has("y");
  if (algorithm === "Ed25519") return key.kty === "OKP" && key.crv === "Ed25519" && has("x");
  if (algorithm === "EdDSA") {
    return key.kty === "OKP" && (key.crv === "Ed25519" || key.crv === "Ed448") && has("x");
  }
  return false;
}

function sameAlgorithm(a: string, b: string): boolean {
  return a === b || (EDWARDS.has(a) && EDWARDS.has(b));
}
