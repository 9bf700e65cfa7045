import { describe, expect, it } from "vitest";
import { computeHash, serializeIr } from "./canonical.ts";
import { loadIr } from "./load.ts";
import { IR_FORMAT, type Ir } from "./schema.ts";

const span = { file: "a.policy", line: 3, column: 5, endLine: 3, endColumn: 30 };

function sealed(body: Omit<Ir, "hash">): Ir {
  return { ...body, hash: computeHash(body) };
}

const valid = sealed({
  format: IR_FORMAT,
  trust: {
    issuer: "https://idp.example.test",
    algorithms: ["ES256"],
    keys: { kind: "jwks", keys: [{ kty: "EC", crv: "P-256", x: "AA", y: "AA", kid: "k1" }] },
    maxTokenAge: 300,
    clockSkew: 30,
    multipleAudiences: false,
    span,
  },
  services: [
    {
      id: "orders",
      span,
      egress: [],
      ingress: [
        {
          id: "orders/ingress/0",
          effect: "allow",
          peers: { kind: "services", ids: ["billing"] },
          ports: [[8443, 8443]],
          protocols: ["tcp"],
          scopes: null,
          when: null,
          span,
        },
      ],
    },
  ],
});

describe("loadIr", () => {
  it("loads a valid IR from text and from a value", () => {
    expect(loadIr(serializeIr(valid))).toEqual({ ok: true, ir: valid });
    expect(loadIr(valid)).toEqual({ ok: true, ir: valid });
  });

  it.each([
    ["not JSON", "{", "ir/not-json"],
    ["an unknown format", { ...valid, format: "palisade-ir/9" }, "ir/unknown-format"],
    ["a wrong shape", { ...valid, services: "all" }, "ir/invalid"],
    ["no object at all", 42, "ir/invalid"],
    [
      "a port out of range",
      JSON.parse(serializeIr(valid).replace("[8443,8443]", "[0,8443]")),
      "ir/invalid",
    ],
    [
      "a range that ends first",
      JSON.parse(serializeIr(valid).replace("[8443,8443]", "[9000,8443]")),
      "ir/invalid",
    ],
    [
      "an edited rule",
      JSON.parse(serializeIr(valid).replace('"billing"', '"gateway"')),
      "ir/hash-mismatch",
    ],
    ["an unknown member", { ...valid, extra: true }, "ir/invalid"],
  ])("refuses %s", (_name, input, code) => {
    const result = loadIr(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it("refuses embedded private or symmetric keys", () => {
    for (const secret of [{ d: "AA" }, { k: "c2VjcmV0" }]) {
      const trust = valid.trust ? { ...valid.trust } : null;
      if (trust?.keys.kind !== "jwks") throw new Error("fixture has jwks");
      const keys = {
        kind: "jwks" as const,
        keys: [{ ...trust.keys.keys[0], kty: "EC", ...secret }],
      };
      const body = { ...valid, trust: { ...trust, keys } };
      const result = loadIr({ ...body, hash: computeHash(body) });
      expect(result).toMatchObject({ ok: false, error: { code: "ir/private-key" } });
    }
  });

  it("never throws on deeply nested input", () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i += 1) deep = { kind: "not", operand: deep };
    const hostile = JSON.parse(serializeIr(valid));
    hostile.services[0].ingress[0].when = deep;
    expect(loadIr(hostile).ok).toBe(false);
  });
});
