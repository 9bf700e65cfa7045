/**
 * The longest token accepted, in characters. Generous (a key id of 10 KB still fits) yet small
 * enough that decoding an unauthenticated token costs little.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024;

/** One base64url segment without padding; empty allowed. */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** Whether `segment` is base64url text that decodes to whole bytes. */
export function isBase64urlSegment(segment: string): boolean {
  return segment.length % 4 !== 1 && SEGMENT.test(segment);
}

/**
 * Whether `token` looks like a compact JWS: three base64url segments, the first two non-empty.
 * The signature may be empty so that an unsigned token (`alg: none`) reaches the verifier and is
 * refused with the precise reason.
 */
export function looksLikeCompactToken(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH) return false;
  const segments = token.split(".");
  if (segments.length !== 3) return false;
  const [header = "", payload = "", signature = ""] = segments;
  return (
    header.length > 0 &&
    payload.length > 0 &&
    isBase64urlSegment(header) &&
    isBase64urlSegment(payload) &&
    isBase64urlSegment(signature)
  );
}
