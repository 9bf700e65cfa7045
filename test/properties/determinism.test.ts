// Property 9 of issue 6: the IR does not depend on the order of files or rules.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import { fileOrderDoesNotMatter, ruleOrderDoesNotMatter } from "./front-end-properties.ts";

describe("9. the IR is deterministic", () => {
  it("gives the same bytes whatever the order of the input files", () => {
    fc.assert(fileOrderDoesNotMatter(), { numRuns: runs(150) });
  });

  it("gives the same hash whatever the order of rules, services and files", () => {
    fc.assert(ruleOrderDoesNotMatter(), { numRuns: runs(150) });
  });
});
