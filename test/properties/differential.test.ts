// Property 3 of issue 6: the engine agrees with the reference evaluator.
import fc from "fast-check";
import { describe, it } from "vitest";
import { conditionsCommute, conditionsMatchReference } from "./condition-properties.ts";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { networkMatchesReference } from "./network-properties.ts";
import { requestsMatchReference } from "./request-properties.ts";

describe("3. the engine agrees with the reference evaluator", () => {
  it("on connection, ingress and egress decisions", () => {
    fc.assert(networkMatchesReference(realEngine), { numRuns: runs(600) });
  });

  it("on request decisions", async () => {
    await fc.assert(requestsMatchReference(realEngine), { numRuns: runs(400) });
  });

  it("on conditional rules, with claims often missing or of other types", async () => {
    await fc.assert(conditionsMatchReference(realEngine), { numRuns: runs(500) });
  });

  it("and, like it, decides the same whatever the order of `and` and `or` operands", async () => {
    await fc.assert(conditionsCommute(realEngine), { numRuns: runs(300) });
  });
});
