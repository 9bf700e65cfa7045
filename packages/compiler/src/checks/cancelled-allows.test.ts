import { describe, expect, it } from "vitest";
import { compileTexts, indented, TRUST } from "../test-helpers.ts";

function ingress(...rules: string[]) {
  return compileTexts({
    "orders.policy": `${TRUST}service orders {\n  ingress {\n${indented(rules)}  }\n}\n`,
  });
}

describe("check/cancelled-allow", () => {
  it("warns at an allow that a deny cancels completely", () => {
    const result = ingress("allow from billing port 9000", "deny from billing");
    const found = result.withCode("check/cancelled-allow");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «allow from billing port 9000»",
    ]);
    expect(found[0]?.message).toBe(
      "this `allow` rule is fully cancelled by `deny` rules and never allows anything",
    );
    expect(found[0]?.related?.map(result.underline)).toEqual(["deny from billing"]);
  });

  it("sees several denies cancelling one allow together", () => {
    const result = ingress(
      "allow from billing, gateway ports 8000..8010",
      "deny from billing, gateway ports 8000..8005",
      "deny from any except legacy ports 8006..8010",
    );
    const found = result.withCode("check/cancelled-allow");
    expect(found.map(result.underline)).toEqual(["allow from billing, gateway ports 8000..8010"]);
    expect(found[0]?.related?.map(result.underline)).toEqual([
      "deny from billing, gateway ports 8000..8005",
      "deny from any except legacy ports 8006..8010",
    ]);
  });

  it("is silent when part survives: a port, a protocol, a peer, a scope, a condition", () => {
    const result = ingress(
      "allow from billing ports 9000, 9001",
      "deny from billing port 9000",
      "allow from gateway port 53 protocols udp, tcp",
      "deny from gateway port 53",
      "allow from any except legacy port 7000",
      "deny from billing port 7000",
      "allow from ledger port 6000",
      "deny from ledger port 6000 scopes orders:write",
      "allow from audit port 5000",
      'deny from audit port 5000 when token.tenant == "x"',
    );
    expect(result.withCode("check/cancelled-allow")).toEqual([]);
  });
});
