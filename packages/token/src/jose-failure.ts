import { fail, quote, type TokenFailure } from "./failure.ts";

interface JoseErrorFields {
  readonly code?: unknown;
  readonly claim?: unknown;
  readonly reason?: unknown;
}

/**
 * Turns an error thrown by jose's `jwtVerify` into a reason code. jose reports an `iat` too far
 * in the past as an expiry; here it is `token-too-old`, kept apart from `token-expired`. Anything
 * unexpected counts as a signature that could not be verified.
 */
export function failureFromJose(error: unknown, audience: string): TokenFailure {
  const { code, claim, reason } = (
    typeof error === "object" && error !== null ? error : {}
  ) as JoseErrorFields;
  const name = typeof claim === "string" ? claim : "";

  switch (code) {
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return fail("token-signature-invalid", "the token signature does not verify");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return fail("token-algorithm-not-allowed", "the token algorithm is not allowed");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return fail("token-malformed", "the token is not a well-formed signed JWT");
    case "ERR_JWT_EXPIRED":
      return name === "iat"
        ? fail("token-too-old", "the token was issued longer ago than the max token age")
        : fail("token-expired", "the token has expired");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claimFailure(name, reason, audience);
    default:
      return fail("token-signature-invalid", "the token signature could not be verified");
  }
}

function claimFailure(claim: string, reason: unknown, audience: string): TokenFailure {
  if (reason === "missing") {
    return fail("token-malformed", `the token lacks the required \`${claim}\` claim`);
  }
  if (reason === "invalid") {
    return fail("token-malformed", `the token's \`${claim}\` claim must be a number`);
  }
  switch (claim) {
    case "iss":
      return fail(
        "token-wrong-issuer",
        "the token was issued by an issuer the policy does not trust",
      );
    case "aud":
      return fail("token-wrong-audience", `the token is not meant for ${quote(audience)}`);
    case "nbf":
      return fail("token-not-yet-valid", "the token is not valid yet (`nbf`)");
    case "iat":
      return fail("token-not-yet-valid", "the token is issued in the future (`iat`)");
    default:
      return fail("token-malformed", `the token's \`${claim}\` claim is not acceptable`);
  }
}
