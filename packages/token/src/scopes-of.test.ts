import { describe, expect, it } from "vitest";
import { scopesOf } from "./scopes-of.ts";

describe("scopesOf", () => {
  it("case 10a: reads an array of strings", () => {
    expect(scopesOf({ scope: ["orders:read", "orders:write"] })).toEqual({
      ok: true,
      scopes: ["orders:read", "orders:write"],
    });
  });

  it("case 10b: splits one string on whitespace", () => {
    expect(scopesOf({ scope: "orders:read orders:write" })).toEqual({
      ok: true,
      scopes: ["orders:read", "orders:write"],
    });
    expect(scopesOf({ scope: " orders:read\torders:write\n" })).toEqual({
      ok: true,
      scopes: ["orders:read", "orders:write"],
    });
    expect(scopesOf({ scope: "" })).toEqual({ ok: true, scopes: [] });
  });

  it("case 10c, 10d, 10f: keeps scopes exactly as written", () => {
    expect(scopesOf({ scope: "orders:readonly" })).toEqual({
      ok: true,
      scopes: ["orders:readonly"],
    });
    expect(scopesOf({ scope: ["orders:readonly"] })).toEqual({
      ok: true,
      scopes: ["orders:readonly"],
    });
    expect(scopesOf({ scope: ["ORDERS:READ"] })).toEqual({ ok: true, scopes: ["ORDERS:READ"] });
  });

  it("case 10e: refuses a non-string element", () => {
    expect(scopesOf({ scope: ["orders:read", 42] })).toEqual({
      ok: false,
      code: "token-malformed",
      message: "`scope` must hold only strings",
    });
  });

  it("refuses a scope that is neither a string nor an array", () => {
    for (const scope of [42, true, null, { read: true }]) {
      expect(scopesOf({ scope })).toEqual({
        ok: false,
        code: "token-malformed",
        message: "`scope` must be a string or an array of strings",
      });
    }
  });

  it("case 10g: never reads `scp`; no scope is an empty list", () => {
    expect(scopesOf({ scp: ["orders:read"] })).toEqual({ ok: true, scopes: [] });
    expect(scopesOf({})).toEqual({ ok: true, scopes: [] });
  });
});
