// Property 1 of issue 6: an empty policy set denies everything.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { emptyPolicyDeniesNetwork } from "./network-properties.ts";
import { emptyPolicyDeniesRequests } from "./request-properties.ts";

describe("1. an empty policy set denies everything", () => {
  it("denies every connection, ingress and egress question", () => {
    fc.assert(emptyPolicyDeniesNetwork(realEngine), { numRuns: runs(3000) });
  });

  it("denies every request, even with a valid token", async () => {
    await fc.assert(emptyPolicyDeniesRequests(realEngine), { numRuns: runs(300) });
  });
});
