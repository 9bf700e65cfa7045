import type { KeySet } from "./key-set.ts";

/** Where a verifier gets its key set. Both methods resolve, never reject. */
export interface KeySource {
  /** The set to use at `nowMs`, or undefined when no keys are available. */
  current(nowMs: number): Promise<KeySet | undefined>;
  /**
   * Called when a token names a key id the current set lacks: the set to look in again (it may
   * be the same set when a refetch is not allowed yet), or undefined when none is available.
   */
  refresh(nowMs: number): Promise<KeySet | undefined>;
}

/** A key source that never changes: a JWKS embedded in the policy or given to the verifier. */
export function staticKeySource(set: KeySet): KeySource {
  const resolved = Promise.resolve(set);
  return {
    current: () => resolved,
    refresh: () => resolved,
  };
}
