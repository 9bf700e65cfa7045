import { type Decision, type IrLoadErrorCode, loadIr } from "@palisade/ir";
import { createVerifier, type Verifier } from "@palisade/token";
import { deny } from "./decisions.ts";
import { buildIndex, type PolicyIndex } from "./rule-index.ts";

const EMPTY_INDEX = (() => {
  const built = buildIndex({ format: "palisade-ir/1", hash: "", trust: null, services: [] });
  if ("error" in built) throw new Error("internal error: the empty policy cannot be indexed");
  return built.index;
})();

/** Why the engine could not load a policy. */
export type EngineLoadErrorCode =
  | IrLoadErrorCode
  | "engine/duplicate-service"
  | "engine/trust-unusable"
  | "engine/load-failed";

/** A policy load that failed: a stable code and a message for people. */
export interface EngineLoadError {
  readonly code: EngineLoadErrorCode;
  readonly message: string;
}

/** What the engine needs to build a verifier for a policy's trust settings. */
export interface VerifierInputs {
  readonly now: () => number;
  readonly keys?: { readonly keys: readonly unknown[] };
  readonly fetchJwks?: (url: string) => Promise<unknown>;
}

/**
 * Everything one loaded policy decides with. The engine holds exactly one state and replaces
 * it whole, so a decision never mixes two policies.
 */
export interface EngineState {
  readonly hash: string | null;
  readonly loadError: EngineLoadError | null;
  readonly index: PolicyIndex;
  /** Set when no policy is loaded: every decision is this deny. */
  readonly unavailable: Decision | null;
  /** Null when the policy has no trust settings; requests then get `noVerifier`. */
  readonly verifier: Verifier | null;
  readonly noVerifier: Decision;
}

const NO_TRUST = deny(
  "policy-unavailable",
  "the policy has no trust settings, so no request token can be verified",
);

/** Validates and indexes an IR; never throws. */
export function buildState(
  ir: unknown,
  inputs: VerifierInputs,
):
  | { readonly ok: true; readonly state: EngineState }
  | { readonly ok: false; error: EngineLoadError } {
  try {
    const loaded = loadIr(ir);
    if (!loaded.ok) return { ok: false, error: loaded.error };

    const built = buildIndex(loaded.ir);
    if ("error" in built) {
      return { ok: false, error: { code: "engine/duplicate-service", message: built.error } };
    }

    let verifier: Verifier | null = null;
    const trust = loaded.ir.trust;
    if (trust !== null) {
      try {
        verifier = createVerifier(trust, {
          now: inputs.now,
          ...(inputs.keys === undefined ? {} : { keys: inputs.keys }),
          ...(inputs.fetchJwks === undefined ? {} : { fetchJwks: inputs.fetchJwks }),
        });
      } catch (error) {
        return {
          ok: false,
          error: {
            code: "engine/trust-unusable",
            message: `the trust settings are unusable: ${describe(error)}`,
          },
        };
      }
    }

    const state: EngineState = {
      hash: loaded.ir.hash,
      loadError: null,
      index: built.index,
      unavailable: null,
      verifier,
      noVerifier: NO_TRUST,
    };
    return { ok: true, state: Object.freeze(state) };
  } catch (error) {
    return {
      ok: false,
      error: {
        code: "engine/load-failed",
        message: `the policy could not be loaded: ${describe(error)}`,
      },
    };
  }
}

/** The state of an engine with no usable policy: every decision is `policy-unavailable`. */
export function unavailableState(error: EngineLoadError): EngineState {
  const unavailable = deny("policy-unavailable", `no policy is loaded: ${error.message}`);
  return Object.freeze({
    hash: null,
    loadError: Object.freeze({ ...error }),
    index: EMPTY_INDEX,
    unavailable,
    verifier: null,
    noVerifier: unavailable,
  });
}

/** A short description of a caught error; never throws, whatever was thrown. */
export function describe(error: unknown): string {
  try {
    const text = error instanceof Error ? error.message : String(error);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return "an error that cannot be described";
  }
}
