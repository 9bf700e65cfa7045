// Property 4 of issue 6: more allows never close, more denies never open.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { networkIsMonotonic } from "./network-properties.ts";
import { requestsAreMonotonic } from "./request-properties.ts";

describe("4. decisions are monotonic in the rules", () => {
  it("holds for connection, ingress and egress decisions", () => {
    fc.assert(networkIsMonotonic(realEngine), { numRuns: runs(300) });
  });

  it("holds for request decisions", async () => {
    await fc.assert(requestsAreMonotonic(realEngine), { numRuns: runs(200) });
  });
});
