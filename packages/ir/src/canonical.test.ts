import { describe, expect, it } from "vitest";
import { canonicalJson, computeHash } from "./canonical.ts";
import { IR_FORMAT, type Ir } from "./schema.ts";

const span = { file: "a.policy", line: 1, column: 1, endLine: 1, endColumn: 9 };

function ir(spanLine: number): Omit<Ir, "hash"> {
  return {
    format: IR_FORMAT,
    trust: null,
    services: [
      {
        id: "orders",
        ingress: [],
        egress: [],
        span: { ...span, line: spanLine, endLine: spanLine },
      },
    ],
  };
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"z":1}]},"b":1}',
    );
  });

  it("agrees with JSON.parse on the value it writes", () => {
    const value = { s: 'quote " and \\ and \u2028', n: -0.5, t: true, list: [null, "é"] };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe("computeHash", () => {
  it("ignores spans and the hash member", () => {
    expect(computeHash(ir(1))).toBe(computeHash(ir(40)));
    expect(computeHash({ ...ir(1), hash: "sha256:x" } as Ir)).toBe(computeHash(ir(1)));
  });

  it("changes with what the policy means", () => {
    const other = ir(1);
    const changed = { ...other, services: [{ ...other.services[0], id: "billing" }] };
    expect(computeHash(changed as Omit<Ir, "hash">)).not.toBe(computeHash(other));
  });

  it("is sha256 of the canonical form without spans", () => {
    expect(computeHash(ir(1))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
