import { loadIr, serializeIr } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { compile } from "./compile.ts";
import { generatePolicySet } from "./generate.ts";

describe("generatePolicySet", () => {
  it("gives the same sources for the same seed, and other sources for another", () => {
    const first = generatePolicySet(30, 5, 7);
    expect(generatePolicySet(30, 5, 7)).toEqual(first);
    expect(generatePolicySet(30, 5, 8)).not.toEqual(first);
    expect(first.map((s) => s.file)).toEqual([
      "generated/trust.policy",
      "generated/part-0000.policy",
    ]);
  });

  it("compiles without errors to exactly services x rulesPerService rules", () => {
    const result = compile(generatePolicySet(250, 5, 1));
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const rules = (result.ir?.services ?? []).reduce(
      (sum, s) => sum + s.ingress.length + s.egress.length,
      0,
    );
    expect(result.ir?.services).toHaveLength(250);
    expect(rules).toBe(1250);
    // The engine's reader accepts it, hash included.
    expect(loadIr(serializeIr(result.ir as NonNullable<typeof result.ir>)).ok).toBe(true);
  });

  it("refuses arguments that are not counts", () => {
    expect(() => generatePolicySet(0, 5, 1)).toThrow(TypeError);
    expect(() => generatePolicySet(10, 1.5, 1)).toThrow(TypeError);
  });
});
