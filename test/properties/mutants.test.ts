// The "done when" of issue 6: each property finds a counterexample on an engine broken on purpose.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import "./config.ts";
import { decideFailsClosed } from "./fail-closed-properties.ts";
import type { EngineFactory } from "./harness.ts";
import {
  acceptsExpiredTokens,
  allowsOnNoMatch,
  conditionalAllowsActAsDenies,
  conditionalAllowsGrantWithoutToken,
  connectionIgnoresEgress,
  exceptActsAsDeny,
  ignoresDenyRules,
  skipsAudienceCheck,
  skipsScopeCheck,
} from "./mutants.ts";
import {
  connectionNeedsBothEnds,
  emptyPolicyDeniesNetwork,
  networkAllowsAreSound,
  networkIsMonotonic,
  networkMatchesReference,
} from "./network-properties.ts";
import {
  emptyPolicyDeniesRequests,
  requestAllowsAreSound,
  requestsMatchReference,
} from "./request-properties.ts";
import { tokenMutationsDeny } from "./token-properties.ts";

type PropertyFor = (makeEngine: EngineFactory) => fc.IRawProperty<unknown>;

/** Each mutant, and the properties that must catch it. */
const CASES: readonly [string, EngineFactory, readonly [string, PropertyFor][]][] = [
  [
    "allows on no match",
    allowsOnNoMatch,
    [
      ["1. empty policy denies (network)", emptyPolicyDeniesNetwork],
      ["1. empty policy denies (requests)", emptyPolicyDeniesRequests],
      ["2. soundness (network)", networkAllowsAreSound],
      ["3. differential (network)", networkMatchesReference],
      ["3. differential (requests)", requestsMatchReference],
      ["7. decide fails closed", decideFailsClosed],
    ],
  ],
  [
    "ignores deny rules",
    ignoresDenyRules,
    [
      ["2. soundness (network)", networkAllowsAreSound],
      ["2. soundness (requests)", requestAllowsAreSound],
      ["3. differential (network)", networkMatchesReference],
      ["3. differential (requests)", requestsMatchReference],
    ],
  ],
  [
    "skips the audience check",
    skipsAudienceCheck,
    [
      ["3. differential (requests)", requestsMatchReference],
      ["6. token mutations", tokenMutationsDeny],
    ],
  ],
  ["accepts expired tokens", acceptsExpiredTokens, [["6. token mutations", tokenMutationsDeny]]],
  ["skips the scope check", skipsScopeCheck, [["6. token mutations", tokenMutationsDeny]]],
  [
    "decides a connection by ingress alone",
    connectionIgnoresEgress,
    [
      ["3. differential (network)", networkMatchesReference],
      ["5. connection needs both ends", connectionNeedsBothEnds],
    ],
  ],
  [
    "treats conditional allows as denies",
    conditionalAllowsActAsDenies,
    [
      ["3. differential (network)", networkMatchesReference],
      // Conditions need trust settings, so only policies with them can show this fault.
      ["4. monotonicity (network)", (mutant) => networkIsMonotonic(mutant, { trust: "always" })],
    ],
  ],
  [
    "reads `any except X` in an allow as a deny of X",
    exceptActsAsDeny,
    [["3. differential (network)", networkMatchesReference]],
  ],
  [
    "lets conditional allows grant without a token",
    conditionalAllowsGrantWithoutToken,
    [
      ["2. soundness (network)", networkAllowsAreSound],
      ["3. differential (network)", networkMatchesReference],
    ],
  ],
];

describe.each(CASES)("an engine that %s", (_name, mutant, properties) => {
  it.each(properties)("is caught by property %s", async (_title, property) => {
    const details = await fc.check(property(mutant), { numRuns: 2000, endOnFailure: true });
    expect(details.failed).toBe(true);
  });
});
