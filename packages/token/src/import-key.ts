import { importJWK } from "jose";
import { keyForAlgorithm } from "./algorithms.ts";
import type { KeyEntry } from "./key-set.ts";
import { isBase64urlSegment } from "./token-shape.ts";

/**
 * Imports a key for one algorithm, once: later calls get the same promise. Resolves to
 * undefined, never rejects, when the key cannot serve that algorithm (bad key material, an HMAC
 * secret shorter than the hash).
 */
export function importKey(entry: KeyEntry, alg: string): Promise<CryptoKey | undefined> {
  let pending = entry.imports.get(alg);
  if (pending === undefined) {
    pending = load(entry, alg);
    entry.imports.set(alg, pending);
  }
  return pending;
}

async function load(entry: KeyEntry, alg: string): Promise<CryptoKey | undefined> {
  const need = keyForAlgorithm(alg);
  if (need === undefined) return undefined;
  try {
    if (need.kty === "oct") {
      const { k } = entry.jwk;
      if (typeof k !== "string" || !isBase64urlSegment(k) || need.hash === undefined) {
        return undefined;
      }
      const secret = Buffer.from(k, "base64url");
      if (secret.length < (need.minSecretBytes ?? 0)) return undefined;
      return await crypto.subtle.importKey(
        "raw",
        secret,
        { name: "HMAC", hash: need.hash },
        false,
        ["verify"],
      );
    }
    const key = await importJWK(entry.jwk as Parameters<typeof importJWK>[0], alg);
    return key instanceof Uint8Array ? undefined : key;
  } catch {
    return undefined;
  }
}
