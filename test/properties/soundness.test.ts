// Property 2 of issue 6: every allow names an existing allow rule that matches, and no deny does.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { networkAllowsAreSound } from "./network-properties.ts";
import { requestAllowsAreSound } from "./request-properties.ts";

describe("2. every allow is sound", () => {
  it("holds for connection, ingress and egress allows", () => {
    fc.assert(networkAllowsAreSound(realEngine), { numRuns: runs(500) });
  });

  it("holds for request allows", async () => {
    await fc.assert(requestAllowsAreSound(realEngine), { numRuns: runs(300) });
  });
});
