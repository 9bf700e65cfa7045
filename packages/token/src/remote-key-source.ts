import { buildKeySet, type KeySet } from "./key-set.ts";
import type { KeySource } from "./key-source.ts";

/** How a remote key source fetches and how often. */
export interface RemoteKeySourceOptions {
  readonly url: string;
  readonly fetchJwks: (url: string) => Promise<unknown>;
  /** Least time between two fetches, in milliseconds. */
  readonly cooldownMs: number;
  /** How long a fetched set is trusted without a refetch, in milliseconds. */
  readonly maxAgeMs: number;
  /** How long one fetch may take before it counts as failed, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * A JWKS served at a URL. The set is fetched on first use, again when it is older than
 * `maxAgeMs`, and again when a token names an unknown key id; never twice within `cooldownMs`,
 * so tokens with made-up key ids cannot make it hammer the server. Concurrent callers share one
 * fetch. A failed fetch keeps the previous set while that set is within its age; with no usable
 * set, no key is available and every token fails closed.
 */
export function remoteKeySource(options: RemoteKeySourceOptions): KeySource {
  let set: KeySet | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const usable = (nowMs: number): KeySet | undefined =>
    set !== undefined && nowMs - loadedAt <= options.maxAgeMs ? set : undefined;

  async function fetchSet(nowMs: number): Promise<void> {
    const keys = await withTimeout(options.fetchJwks(options.url), options.timeoutMs).then(
      readKeys,
      () => undefined,
    );
    if (keys !== undefined) {
      set = buildKeySet(keys, { allowSymmetric: false });
      loadedAt = nowMs;
    }
  }

  // INVARIANT: at most one fetch runs at a time, and a new one starts only after the cooldown.
  function load(nowMs: number): Promise<void> {
    if (pending !== undefined) return pending;
    if (nowMs - attemptedAt < options.cooldownMs) return Promise.resolve();
    attemptedAt = nowMs;
    pending = fetchSet(nowMs).finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    async current(nowMs) {
      const fresh = usable(nowMs);
      if (fresh !== undefined) return fresh;
      await load(nowMs);
      return usable(nowMs);
    },
    async refresh(nowMs) {
      await load(nowMs);
      return usable(nowMs);
    },
  };
}

function readKeys(body: unknown): readonly unknown[] | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const keys = (body as { keys?: unknown }).keys;
  return Array.isArray(keys) ? keys : undefined;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("key fetch timed out")), timeoutMs);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
