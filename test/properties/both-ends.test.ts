// Property 5 of issue 6: a connection is egress and ingress together.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { realEngine } from "./harness.ts";
import { connectionNeedsBothEnds } from "./network-properties.ts";

describe("5. a connection needs both ends", () => {
  it("is allowed exactly when egress and ingress both allow it", () => {
    fc.assert(connectionNeedsBothEnds(realEngine), { numRuns: runs(400) });
  });
});
