// Property 6 of issue 6: any one fault in a valid token gives the deny that belongs to it.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { tokenMutationsDeny } from "./token-properties.ts";

describe("6. token mutations", () => {
  it("each give a deny with the reason that belongs to the mutation", async () => {
    await fc.assert(tokenMutationsDeny(realEngine), { numRuns: runs(1000) });
  });
});
