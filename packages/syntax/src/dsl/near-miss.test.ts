import { describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "./near-miss.ts";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps as one edit each", () => {
    expect(editDistance("port", "port", 2)).toBe(0);
    expect(editDistance("prot", "port", 2)).toBe(1);
    expect(editDistance("pot", "port", 2)).toBe(1);
    expect(editDistance("ports", "port", 2)).toBe(1);
    expect(editDistance("bort", "port", 2)).toBe(1);
    expect(editDistance("ingres", "ingress", 2)).toBe(1);
    expect(editDistance("egrss", "ingress", 3)).toBe(3);
  });

  it("stops at the limit", () => {
    expect(editDistance("service", "x", 2)).toBe(3);
    expect(editDistance("abcdef", "uvwxyz", 2)).toBe(3);
  });
});

describe("closestMatch", () => {
  const keywords = ["port", "ports", "protocol", "scopes", "service"];

  it("finds the nearest candidate, ignoring case", () => {
    expect(closestMatch("prot", keywords)).toBe("port");
    expect(closestMatch("Service", keywords)).toBe("service");
    expect(closestMatch("scope", keywords)).toBe("scopes");
    expect(closestMatch("protocl", keywords)).toBe("protocol");
  });

  it("suggests nothing when no candidate is close", () => {
    expect(closestMatch("billing", keywords)).toBeNull();
    expect(closestMatch("pr", keywords)).toBeNull();
    expect(closestMatch("xyzw", keywords)).toBeNull();
  });
});
