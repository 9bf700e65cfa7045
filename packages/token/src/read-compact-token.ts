import { fail, type TokenFailure } from "./failure.ts";
import { isBase64urlSegment, MAX_TOKEN_LENGTH } from "./token-shape.ts";

/** A compact token split and decoded, not yet authenticated. */
export interface UnverifiedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signature: string;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Splits a compact JWS into its three segments and decodes the header and the payload as JSON
 * objects. Nothing here is trusted yet; it only lets the verifier refuse a bad shape as
 * `token-malformed` whatever the signature, and read `alg`, `kid` and `crit` before any key is
 * touched.
 */
export function readCompactToken(
  token: string,
): { readonly ok: true; readonly token: UnverifiedToken } | TokenFailure<"token-malformed"> {
  if (token.length > MAX_TOKEN_LENGTH) {
    return fail("token-malformed", `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  const segments = token.split(".");
  if (segments.length !== 3) {
    return fail(
      "token-malformed",
      `the token has ${segments.length} segments; a signed token has three`,
    );
  }
  const [headerText = "", payloadText = "", signature = ""] = segments;

  const header = decodeObject(headerText);
  if (header === undefined) {
    return fail("token-malformed", "the token header is not a base64url-encoded JSON object");
  }
  const payload = decodeObject(payloadText);
  if (payload === undefined) {
    return fail("token-malformed", "the token payload is not a base64url-encoded JSON object");
  }
  if (!isBase64urlSegment(signature)) {
    return fail("token-malformed", "the token signature is not base64url");
  }
  return { ok: true, token: { header, payload, signature } };
}

function decodeObject(segment: string): Record<string, unknown> | undefined {
  if (segment === "" || !isBase64urlSegment(segment)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(Buffer.from(segment, "base64url")));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}
