import type { VerifiedClaims } from "./verify-result.ts";

/** A verified token and the span of time, in seconds since the epoch, in which it stays valid. */
export interface CachedToken {
  readonly result: { readonly ok: true; readonly claims: VerifiedClaims };
  /** First second it is valid: `nbf` and `iat` less the clock skew. */
  readonly validFrom: number;
  /** First second it is expired: `exp` plus the clock skew. */
  readonly expiresAt: number;
  /** Last second it is young enough: `iat` plus the max age plus the clock skew. */
  readonly oldestAt: number;
}

/**
 * Verified tokens by their full text, so only the very same token (signature included) can hit
 * an entry. An entry counts only inside its time span as judged by the caller's clock; outside
 * it, the entry is dropped and the token is verified afresh, which gives the precise reason.
 * Holds at most `capacity` entries, dropping the oldest first.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many tokens are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `token` if it is valid at `nowSeconds`. */
  get(token: string, nowSeconds: number): CachedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (
      nowSeconds < entry.validFrom ||
      nowSeconds >= entry.expiresAt ||
      nowSeconds > entry.oldestAt
    ) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry;
  }

  /** Remembers a verified token, evicting the oldest entry when full. */
  set(token: string, entry: CachedToken): void {
    if (this.#capacity <= 0) return;
    if (this.#entries.size >= this.#capacity && !this.#entries.has(token)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, entry);
  }
}
