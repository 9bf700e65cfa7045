// Property 8 of issue 6: the front ends never throw, round-trip, and agree with each other.
import fc from "fast-check";
import { describe, it } from "vitest";
import { runs } from "./config.ts";
import {
  dslAndYamlAgree,
  dslParserNeverThrows,
  formatThenParseIsIdentity,
  yamlLoaderNeverThrows,
} from "./front-end-properties.ts";

describe("8. the front ends", () => {
  it("parse any string as DSL without throwing", () => {
    fc.assert(dslParserNeverThrows(), { numRuns: runs(1000) });
  });

  it("load any text as YAML without throwing", () => {
    fc.assert(yamlLoaderNeverThrows(), { numRuns: runs(1000) });
  });

  it("give back the same tree when a formatted tree is parsed", () => {
    fc.assert(formatThenParseIsIdentity(), { numRuns: runs(500) });
  });

  it("read the DSL and YAML printings of a policy as the same tree and the same IR", () => {
    fc.assert(dslAndYamlAgree(), { numRuns: runs(200) });
  });
});
