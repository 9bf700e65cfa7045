import type { Condition } from "@palisade/ir";
import { describe, expect, test } from "vitest";
import { evaluateCondition } from "./condition.ts";

const tenantIn: Condition = { kind: "in", claim: ["tenant"], values: ["a", "b"] };
const hasTrial: Condition = { kind: "has", claim: ["trial"] };
const eq = (claim: string[], value: string | number | boolean): Condition => ({
  kind: "compare",
  claim,
  op: "==",
  value,
});

describe("leaves", () => {
  test("`in` holds, fails, and is unevaluable on a missing claim or another type", () => {
    expect(evaluateCondition(tenantIn, { tenant: "a" })).toBe("true");
    expect(evaluateCondition(tenantIn, { tenant: "c" })).toBe("false");
    expect(evaluateCondition(tenantIn, {})).toBe("unevaluable");
    expect(evaluateCondition(tenantIn, { tenant: 7 })).toBe("unevaluable");
    expect(evaluateCondition(tenantIn, { tenant: ["a"] })).toBe("unevaluable");
    expect(evaluateCondition(tenantIn, { tenant: null })).toBe("unevaluable");
  });

  test("`in` over mixed literal types only needs one of the claim's type", () => {
    const mixed: Condition = { kind: "in", claim: ["level"], values: ["x", 3] };
    expect(evaluateCondition(mixed, { level: 3 })).toBe("true");
    expect(evaluateCondition(mixed, { level: 4 })).toBe("false");
    expect(evaluateCondition(mixed, { level: true })).toBe("unevaluable");
  });

  test("`==` and `!=` compare same-type values exactly", () => {
    expect(evaluateCondition(eq(["tier"], "gold"), { tier: "gold" })).toBe("true");
    expect(evaluateCondition(eq(["tier"], "gold"), { tier: "Gold" })).toBe("false");
    expect(evaluateCondition(eq(["tier"], 1), { tier: "1" })).toBe("unevaluable");
    expect(evaluateCondition(eq(["admin"], true), { admin: true })).toBe("true");
    const notGold: Condition = { kind: "compare", claim: ["tier"], op: "!=", value: "gold" };
    expect(evaluateCondition(notGold, { tier: "silver" })).toBe("true");
    expect(evaluateCondition(notGold, { tier: "gold" })).toBe("false");
    expect(evaluateCondition(notGold, {})).toBe("unevaluable");
  });

  test("`has` is never unevaluable, and a present null counts as present", () => {
    expect(evaluateCondition(hasTrial, { trial: false })).toBe("true");
    expect(evaluateCondition(hasTrial, { trial: null })).toBe("true");
    expect(evaluateCondition(hasTrial, {})).toBe("false");
  });

  test("nested claim paths walk plain objects only", () => {
    const org = eq(["org", "id"], "acme");
    expect(evaluateCondition(org, { org: { id: "acme" } })).toBe("true");
    expect(evaluateCondition(org, { org: ["acme"] })).toBe("unevaluable");
    expect(evaluateCondition(org, { org: "acme" })).toBe("unevaluable");
    expect(evaluateCondition({ kind: "has", claim: ["org", "id"] }, { org: {} })).toBe("false");
  });

  test("inherited members are never claims", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(evaluateCondition({ kind: "has", claim: [name] }, {})).toBe("false");
      expect(evaluateCondition(eq([name], "x"), {})).toBe("unevaluable");
    }
    const parsed = JSON.parse('{"__proto__": "x"}') as Record<string, unknown>;
    expect(evaluateCondition(eq(["__proto__"], "x"), parsed)).toBe("true");
  });

  test("problems say which claim could not be evaluated", () => {
    const problems: string[] = [];
    evaluateCondition(tenantIn, { tenant: 7 }, problems);
    evaluateCondition(tenantIn, {}, problems);
    expect(problems).toEqual([
      "claim `token.tenant` is a number, unlike every listed value",
      "claim `token.tenant` is missing",
    ]);
  });
});

describe("connectives", () => {
  const missing = eq(["missing"], "x");
  const t = eq(["a"], 1);
  const f = eq(["a"], 2);
  const claims = { a: 1 };
  const and = (left: Condition, right: Condition): Condition => ({ kind: "and", left, right });
  const or = (left: Condition, right: Condition): Condition => ({ kind: "or", left, right });
  const not = (operand: Condition): Condition => ({ kind: "not", operand });

  test.each([
    ["true and true", and(t, t), "true"],
    ["true and false", and(t, f), "false"],
    ["false and unevaluable stops early", and(f, missing), "false"],
    ["unevaluable and false: false decides, whatever the order", and(missing, f), "false"],
    ["unevaluable and true", and(missing, t), "unevaluable"],
    ["true and unevaluable", and(t, missing), "unevaluable"],
    ["false or true", or(f, t), "true"],
    ["true or unevaluable stops early", or(t, missing), "true"],
    ["unevaluable or true: true decides, whatever the order", or(missing, t), "true"],
    ["unevaluable or false", or(missing, f), "unevaluable"],
    ["false or unevaluable", or(f, missing), "unevaluable"],
    ["not true", not(t), "false"],
    ["not unevaluable", not(missing), "unevaluable"],
    [
      "guarded read of a missing claim",
      or(not({ kind: "has", claim: ["x"] }), eq(["x"], "y")),
      "true",
    ],
  ] as const)("%s", (_, condition, expected) => {
    expect(evaluateCondition(condition, claims)).toBe(expected);
  });

  test("a condition nested 100 000 deep is evaluated without overflowing the stack", () => {
    let deep: Condition = t;
    for (let level = 0; level < 100_000; level++) {
      deep = level % 3 === 0 ? not(deep) : level % 3 === 1 ? and(t, deep) : or(f, deep);
    }
    // `and true` and `or false` keep the value; 33 334 negations (an even count) of `true`.
    expect(evaluateCondition(deep, claims)).toBe("true");
    expect(evaluateCondition(not(deep), claims)).toBe("false");
    let leftDeep: Condition = t;
    for (let level = 0; level < 100_000; level++) leftDeep = and(leftDeep, t);
    expect(evaluateCondition(leftDeep, claims)).toBe("true");
  });

  test("hostile claims (3 000 nested arrays, huge objects) are compared, never walked", () => {
    let nested: unknown = "a";
    for (let level = 0; level < 3_000; level++) nested = [nested];
    expect(evaluateCondition(tenantIn, { tenant: nested })).toBe("unevaluable");
    let deepObject: Record<string, unknown> = { id: "acme" };
    for (let level = 0; level < 3_000; level++) deepObject = { org: deepObject };
    expect(evaluateCondition(eq(["org", "id"], "acme"), deepObject)).toBe("unevaluable");
  });
});
