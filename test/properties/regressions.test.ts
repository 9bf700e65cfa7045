// Counterexamples the properties found against the real engine, kept as plain tests.
import { describe, expect, it } from "vitest";
import { compileSources, realEngine } from "./harness.ts";
import { bearer, NOW, signToken } from "./tokens.ts";

const TRUST = `
trust {
  issuer "https://idp.example.test"
  algorithms ES256
  keys "keys/jwks.json"
  max-age 300s
  clock-skew 30s
}
`;

/** `orders` admits `billing` on 8443 through `rules`; the token carries `tenant` and no `org`. */
async function decide(rules: string) {
  const text = `${TRUST}\nservice orders {\n  ingress {\n${rules}\n  }\n}\n`;
  const engine = realEngine(compileSources([{ file: "regression.policy", text }]));
  const token = await signToken({
    iss: "https://idp.example.test",
    sub: "billing",
    aud: "orders",
    scope: ["orders:read"],
    iat: NOW - 5,
    exp: NOW + 120,
    tenant: "a",
  });
  const decision = await engine.request({
    destination: "orders",
    port: 8443,
    action: "orders:read",
    authorization: bearer(token),
  });
  return { decision: decision.decision, reason: decision.reason };
}

// Found by "decides the same whatever the order of `and` and `or` operands" (seed 20261204).
// The token has `tenant` but no `org`, so `token.org.id == "a"` cannot be evaluated. The engine
// evaluated `and`/`or` left to right and stopped at the first operand it could not evaluate, so
// the same condition written in the other order gave the opposite decision.
describe("a condition decides the same whatever the order of its operands", () => {
  it("for a deny rule whose `and` is false whatever the missing claim holds", async () => {
    const allow = "    allow from billing port 8443";
    const written = await decide(
      `${allow}\n    deny from billing port 8443 when token.tenant == "zz" and token.org.id == "a"`,
    );
    const swapped = await decide(
      `${allow}\n    deny from billing port 8443 when token.org.id == "a" and token.tenant == "zz"`,
    );
    expect(written).toEqual({ decision: "allow", reason: "allowed" });
    expect(swapped).toEqual(written);
  });

  it("for an allow rule whose `or` is true whatever the missing claim holds", async () => {
    const written = await decide(
      `    allow from billing port 8443 when has token.tenant or token.org.id == "a"`,
    );
    const swapped = await decide(
      `    allow from billing port 8443 when token.org.id == "a" or has token.tenant`,
    );
    expect(written).toEqual({ decision: "allow", reason: "allowed" });
    expect(swapped).toEqual(written);
  });
});
