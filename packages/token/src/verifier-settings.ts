import type { Trust } from "@palisade/ir";
import { allowedAlgorithms } from "./algorithms.ts";

/** The most any token may live or age, in seconds, whatever the settings say. */
export const MAX_TOKEN_AGE_CAP = 300;

/** Trust settings checked once, in the form the verifier uses on every token. */
export interface VerifierSettings {
  readonly issuer: string;
  /** Known algorithms from the trust settings, in their order; never `none`. */
  readonly algorithms: readonly string[];
  readonly allowed: ReadonlySet<string>;
  readonly maxTokenAge: number;
  readonly clockSkew: number;
  readonly multipleAudiences: boolean;
}

/**
 * Checks trust settings that should already have passed the IR schema, since the verifier may
 * be handed settings from elsewhere. A setting out of range is a caller mistake and throws
 * `TypeError`; the verifier never runs with a looser setting than the policy states.
 */
export function readVerifierSettings(trust: Trust): VerifierSettings {
  if (typeof trust !== "object" || trust === null) {
    throw new TypeError("trust settings must be an object");
  }
  const { issuer, algorithms, keys, maxTokenAge, clockSkew, multipleAudiences } = trust;
  if (typeof issuer !== "string" || issuer === "") {
    throw new TypeError("the trust issuer must be a non-empty string");
  }
  if (!Array.isArray(algorithms) || algorithms.some((alg) => typeof alg !== "string")) {
    throw new TypeError("the trust algorithms must be an array of strings");
  }
  if (typeof keys !== "object" || keys === null || (keys.kind !== "jwks" && keys.kind !== "url")) {
    throw new TypeError("the trust key source must be `jwks` or `url`");
  }
  if (!Number.isInteger(maxTokenAge) || maxTokenAge < 1 || maxTokenAge > MAX_TOKEN_AGE_CAP) {
    throw new TypeError(`the max token age must be an integer from 1 to ${MAX_TOKEN_AGE_CAP}`);
  }
  if (!Number.isInteger(clockSkew) || clockSkew < 0 || clockSkew >= maxTokenAge) {
    throw new TypeError("the clock skew must be an integer from 0 to below the max token age");
  }
  if (typeof multipleAudiences !== "boolean") {
    throw new TypeError("multiple audiences must be true or false");
  }

  const allowed = allowedAlgorithms(algorithms);
  return {
    issuer,
    algorithms: allowed,
    allowed: new Set(allowed),
    maxTokenAge,
    clockSkew,
    multipleAudiences,
  };
}
