import { describe, expect, it } from "vitest";
import { compileTexts, TRUST } from "../test-helpers.ts";

describe("check/egress-condition", () => {
  it("warns at a condition on an egress rule, saying what it does", () => {
    const result = compileTexts({
      "a.policy": `${TRUST}service a {
  egress {
    allow to a port 80 when has token.x
    deny to a port 81 when has token.y
  }
}
`,
    });
    const found = result.withCode("check/egress-condition");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «has token.x»",
      "warning «has token.y»",
    ]);
    expect(found.map((d) => d.message)).toEqual([
      "egress is decided without a token, so this condition is never met and this rule never " +
        "allows anything",
      "egress is decided without a token, so this condition is never met and this rule always " +
        "denies",
    ]);
  });

  it("is silent for conditions on ingress rules", () => {
    const result = compileTexts({
      "a.policy": `${TRUST}service a {
  ingress {
    allow from a port 80 when has token.x
  }
}
`,
    });
    expect(result.withCode("check/egress-condition")).toEqual([]);
  });
});
