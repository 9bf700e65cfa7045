import { keyForAlgorithm } from "./algorithms.ts";
import { fail, quote, type TokenFailure } from "./failure.ts";

/** One usable public key (or, from a local set only, one HMAC secret) of a key set. */
export interface KeyEntry {
  readonly jwk: Readonly<Record<string, unknown>>;
  readonly kid: string | undefined;
  readonly kty: string;
  readonly crv: string | undefined;
  readonly alg: string | undefined;
  /** Imported keys by algorithm, filled on first use. */
  readonly imports: Map<string, Promise<CryptoKey | undefined>>;
}

/** The keys of one JWKS that passed the checks, indexed by key id. */
export interface KeySet {
  readonly entries: readonly KeyEntry[];
  readonly byKid: ReadonlyMap<string, readonly KeyEntry[]>;
}

/** The key chosen for a token, a key id the set does not hold, or why no key may be used. */
export type KeySelection =
  | { readonly ok: true; readonly entry: KeyEntry }
  | { readonly ok: "unknown-kid" }
  | TokenFailure<"token-signature-invalid" | "token-algorithm-not-allowed">;

/** Members that only private or secret keys carry (RFC 7518 section 6, and `priv` for AKP). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "priv"] as const;

/**
 * Keeps the keys of a JWKS that may verify signatures and indexes them by `kid`. A key is left
 * out when it is not an object, carries private members, is meant for encryption (`use`,
 * `key_ops`), or has fields of the wrong type. A symmetric (`oct`) key is kept only when
 * `allowSymmetric` is set: a secret fetched from a URL is a secret anyone could fetch.
 */
export function buildKeySet(
  keys: readonly unknown[],
  options: { readonly allowSymmetric: boolean },
): KeySet {
  const entries: KeyEntry[] = [];
  const byKid = new Map<string, KeyEntry[]>();

  for (const raw of keys) {
    const entry = toEntry(raw, options.allowSymmetric);
    if (entry === undefined) continue;
    entries.push(entry);
    if (entry.kid !== undefined) {
      const named = byKid.get(entry.kid);
      if (named === undefined) byKid.set(entry.kid, [entry]);
      else named.push(entry);
    }
  }
  return { entries, byKid };
}

function toEntry(raw: unknown, allowSymmetric: boolean): KeyEntry | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const jwk: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const { kty, kid, crv, alg, use, key_ops: keyOps } = jwk;

  if (typeof kty !== "string") return undefined;
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return undefined;
  if (kty === "oct") {
    if (!allowSymmetric || typeof jwk.k !== "string") return undefined;
  } else if (Object.hasOwn(jwk, "k")) {
    return undefined;
  }
  if (kid !== undefined && typeof kid !== "string") return undefined;
  if (crv !== undefined && typeof crv !== "string") return undefined;
  if (alg !== undefined && typeof alg !== "string") return undefined;
  if (use !== undefined && use !== "sig") return undefined;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes("verify"))) {
    return undefined;
  }

  return {
    jwk: Object.freeze(jwk),
    kid,
    kty,
    crv,
    alg,
    imports: new Map(),
  };
}

/**
 * Chooses the one key that may verify a token signed with `alg` (already allowed by the trust
 * settings). With a `kid`, only keys of that id are considered; without one, every key of the
 * right type is, and more than one is refused rather than tried in turn. A key whose type,
 * curve or declared `alg` does not fit the algorithm is never used: that is
 * `token-algorithm-not-allowed`, which is how an HMAC token against a public key fails.
 */
export function selectKey(set: KeySet, alg: string, kid: string | undefined): KeySelection {
  if (kid !== undefined) {
    const named = set.byKid.get(kid);
    if (named === undefined) return { ok: "unknown-kid" };
    const fitting = named.filter((entry) => fits(entry, alg));
    const [only] = fitting;
    if (only === undefined) {
      const kty = named[0]?.kty;
      return fail(
        "token-algorithm-not-allowed",
        `algorithm ${quote(alg)} cannot be used with key ${quote(kid)} of type ${quote(kty)}`,
      );
    }
    if (fitting.length > 1) {
      return fail("token-signature-invalid", `several keys have the id ${quote(kid)}`);
    }
    return { ok: true, entry: only };
  }

  if (set.entries.length === 0) {
    return fail("token-signature-invalid", "no verification keys are available");
  }
  const fitting = set.entries.filter((entry) => fits(entry, alg));
  const [only] = fitting;
  if (only === undefined) {
    return fail("token-algorithm-not-allowed", `no key can be used with algorithm ${quote(alg)}`);
  }
  if (fitting.length > 1) {
    return fail(
      "token-signature-invalid",
      `the token names no key (\`kid\`) and ${fitting.length} keys could verify it`,
    );
  }
  return { ok: true, entry: only };
}

function fits(entry: KeyEntry, alg: string): boolean {
  const need = keyForAlgorithm(alg);
  if (need === undefined || entry.kty !== need.kty) return false;
  if (need.crv !== undefined && entry.crv !== need.crv) return false;
  return entry.alg === undefined || entry.alg === alg;
}
