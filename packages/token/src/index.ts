// The public surface of @palisade/token: read a bearer header, verify a token, read its scopes.
export { SUPPORTED_ALGORITHMS } from "./algorithms.ts";
export {
  createVerifier,
  type Verifier,
  type VerifierOptions,
} from "./create-verifier.ts";
export type { TokenFailure } from "./failure.ts";
export { type AuthorizationResult, parseAuthorization } from "./parse-authorization.ts";
export { type ScopesResult, scopesOf } from "./scopes-of.ts";
export type { VerifiedClaims, VerifyResult } from "./verify-result.ts";
