import { describe, expect, it } from "vitest";
import { compileTexts } from "../test-helpers.ts";

describe("check/wildcard-peer", () => {
  it("warns at `any` in allow rules, on either side", () => {
    const result = compileTexts({
      "a.policy": `service dns {
  ingress {
    allow from any except metrics port 53 protocols udp, tcp
  }
  egress {
    allow to any port 53
  }
}
`,
    });
    const found = result.withCode("check/wildcard-peer");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «any except metrics»",
      "warning «any»",
    ]);
    expect(found.map((d) => d.message)).toEqual([
      "`any` admits every service to `dns`, including services added later",
      "`any` lets `dns` reach every service, including services added later",
    ]);
  });

  it("is silent for `any` in a deny rule and for named peers", () => {
    const result = compileTexts({
      "a.policy": `service dns {
  ingress {
    deny from any except gateway
    allow from gateway port 53
  }
}
`,
    });
    expect(result.withCode("check/wildcard-peer")).toEqual([]);
  });
});
