import { describe, expect, it } from "vitest";
import { compileTexts, indented, TRUST } from "../test-helpers.ts";

/** Service `orders` with these ingress rules (peers left undefined on purpose). */
function ingress(...rules: string[]) {
  return compileTexts({
    "orders.policy": `${TRUST}service orders {\n  ingress {\n${indented(rules)}  }\n}\n`,
  });
}

describe("check/shadowed-rule", () => {
  it("warns at a rule that a wider rule of the same effect covers", () => {
    const result = ingress(
      "allow from billing port 8443",
      "allow from billing, gateway ports 8000..9000",
    );
    const found = result.withCode("check/shadowed-rule");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «allow from billing port 8443»",
    ]);
    expect(found[0]?.message).toBe(
      "this `allow` rule is covered by another `allow` rule and never decides anything",
    );
    expect(found[0]?.related?.map(result.underline)).toEqual([
      "allow from billing, gateway ports 8000..9000",
    ]);
  });

  it("reports only the later of two identical rules", () => {
    const result = ingress("deny from legacy", "deny from legacy");
    expect(result.withCode("check/shadowed-rule").map((d) => d.span.line)).toEqual([9]);
  });

  it("sees `any` covering a named peer, and a plain rule covering a conditional one", () => {
    const result = ingress(
      "allow from any port 53",
      'allow from dns port 53 when token.tenant == "a"',
    );
    expect(result.withCode("check/shadowed-rule").map(result.underline)).toEqual([
      'allow from dns port 53 when token.tenant == "a"',
    ]);
  });

  it("reports a split rule only when every part is covered", () => {
    const result = ingress("allow from a1 (port 80), b1 (port 90)", "allow from a1 port 80");
    expect(result.withCode("check/shadowed-rule").map(result.underline)).toEqual([
      "allow from a1 port 80",
    ]);
  });

  it("is silent when any dimension is wider: ports, protocol, scopes, condition, effect", () => {
    const result = ingress(
      "allow from billing ports 8000..8443",
      "allow from billing ports 8443..8444",
      "allow from billing port 8443 protocols tcp, udp",
      "allow from billing ports 8000..9000 scopes orders:read",
      "allow from billing port 9100",
      'allow from billing ports 1..65535 when token.tenant == "a"',
      'allow from billing port 9200 when token.tenant == "b"',
      "deny from billing port 8443",
    );
    expect(result.withCode("check/shadowed-rule").map(result.underline)).toEqual([]);
  });
});
