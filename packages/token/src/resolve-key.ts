import { fail, quote, type TokenFailure } from "./failure.ts";
import { importKey } from "./import-key.ts";
import { selectKey } from "./key-set.ts";
import type { KeySource } from "./key-source.ts";

/**
 * Finds and imports the key for a token whose header passed `checkHeader`. An unknown `kid`
 * asks the source once for a newer set (a remote source refetches at most once per cooldown).
 * Resolves to a failure, never rejects.
 */
export async function resolveKey(
  source: KeySource,
  alg: string,
  kid: string | undefined,
  nowMs: number,
): Promise<{ readonly ok: true; readonly key: CryptoKey } | TokenFailure> {
  let keys = await source.current(nowMs);
  if (keys === undefined) {
    return fail("token-signature-invalid", "no verification keys are available");
  }
  let selection = selectKey(keys, alg, kid);
  if (selection.ok === "unknown-kid") {
    keys = await source.refresh(nowMs);
    selection = keys === undefined ? selection : selectKey(keys, alg, kid);
  }
  if (selection.ok === "unknown-kid") {
    return fail("token-signature-invalid", `no verification key has the id ${quote(kid)}`);
  }
  if (!selection.ok) return selection;

  const key = await importKey(selection.entry, alg);
  if (key === undefined) {
    return fail("token-signature-invalid", `the key for algorithm ${quote(alg)} is unusable`);
  }
  return { ok: true, key };
}
