// Property 7 of issue 6: arbitrary input never throws and never allows.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { decideFailsClosed, directCallsFailClosed } from "./fail-closed-properties.ts";
import { realEngine } from "./harness.ts";
import { garbageTokensDeny } from "./token-properties.ts";

describe("7. the engine fails closed", () => {
  it("never throws on arbitrary JSON and allows only what the reference allows", async () => {
    await fc.assert(decideFailsClosed(realEngine), { numRuns: runs(400) });
  });

  it("never throws when the methods are called with arbitrary values", async () => {
    await fc.assert(directCallsFailClosed(realEngine), { numRuns: runs(200) });
  });

  it("never throws on arbitrary bearer tokens and always denies them", async () => {
    await fc.assert(garbageTokensDeny(realEngine), { numRuns: runs(2000) });
  });
});
