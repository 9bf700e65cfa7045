import type { TokenFailure } from "./failure.ts";

/** The claims of a token that passed every check. Frozen, like everything inside it. */
export interface VerifiedClaims {
  /** The caller: the service the token was issued to. */
  readonly sub: string;
  /** The audience as written: the destination, or a list holding it. */
  readonly aud: string | readonly string[];
  readonly iss: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** Seconds since the epoch. */
  readonly exp: number;
  /** Seconds since the epoch, when the token carries `nbf`. */
  readonly nbf?: number;
  /** The `scope` claim read as a list (see `scopesOf`); empty when the token has none. */
  readonly scopes: readonly string[];
  /** The whole payload, for policy conditions. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A verified token's claims, or the reason it was refused. */
export type VerifyResult = { readonly ok: true; readonly claims: VerifiedClaims } | TokenFailure;
