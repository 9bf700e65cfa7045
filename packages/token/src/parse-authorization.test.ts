import { describe, expect, it } from "vitest";
import { parseAuthorization } from "./parse-authorization.ts";

const T = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiaWxsaW5nIn0.c2lnbmF0dXJl";
const T2 = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvcmRlcnMifQ.b3RoZXI";

function codeOf(value: Parameters<typeof parseAuthorization>[0]): string {
  const result = parseAuthorization(value);
  return result.ok ? `token:${result.token}` : result.code;
}

describe("parseAuthorization", () => {
  it("reads `Bearer <T>`", () => {
    expect(parseAuthorization(`Bearer ${T}`)).toEqual({ ok: true, token: T });
  });

  it("case 11a: takes the scheme in any letter case", () => {
    expect(codeOf(`bearer ${T}`)).toBe(`token:${T}`);
    expect(codeOf(`BEARER ${T}`)).toBe(`token:${T}`);
    expect(codeOf(`bEaReR ${T}`)).toBe(`token:${T}`);
  });

  it("case 11b, 11c: refuses anything but exactly one space", () => {
    expect(codeOf(`Bearer   ${T}`)).toBe("token-malformed");
    expect(codeOf(`Bearer  ${T}`)).toBe("token-malformed");
    expect(codeOf(`Bearer\t${T}`)).toBe("token-malformed");
  });

  it("case 11d: refuses a missing separator, trailing text, or no token", () => {
    expect(codeOf(`Bearer${T}`)).toBe("token-malformed");
    expect(codeOf(`Bearer ${T} extra`)).toBe("token-malformed");
    expect(codeOf("Bearer")).toBe("token-malformed");
    expect(codeOf("Bearer ")).toBe("token-malformed");
    expect(codeOf(`Bearer ${T} `)).toBe("token-malformed");
    expect(codeOf(`Bearer ${T}\r\n`)).toBe("token-malformed");
  });

  it("case 11e: refuses comma-joined values", () => {
    expect(codeOf(`Bearer ${T}, Bearer ${T2}`)).toBe("token-malformed");
    expect(codeOf(`Basic dXNlcjpwdw==, Bearer ${T}`)).toBe("token-malformed");
  });

  it("case 11f: refuses several header values, even identical ones", () => {
    expect(codeOf([`Bearer ${T}`, `Bearer ${T2}`])).toBe("token-malformed");
    expect(codeOf([`Bearer ${T}`, `Bearer ${T}`])).toBe("token-malformed");
    expect(codeOf([`Bearer ${T}`, "Basic dXNlcjpwdw=="])).toBe("token-malformed");
  });

  it("reads a single raw header value", () => {
    expect(codeOf([`Bearer ${T}`])).toBe(`token:${T}`);
  });

  it("case 11g: another scheme or no header is token-missing", () => {
    expect(codeOf("Basic dXNlcjpwdw==")).toBe("token-missing");
    expect(codeOf(undefined)).toBe("token-missing");
    expect(codeOf(null)).toBe("token-missing");
    expect(codeOf([])).toBe("token-missing");
    expect(codeOf("")).toBe("token-missing");
    expect(codeOf([""])).toBe("token-missing");
  });

  it("refuses a token that is not three base64url segments", () => {
    expect(codeOf("Bearer abc.def")).toBe("token-malformed");
    expect(codeOf("Bearer abc.def.ghi.jkl")).toBe("token-malformed");
    expect(codeOf("Bearer abc.d+f.ghi")).toBe("token-malformed");
    expect(codeOf("Bearer abc.def=.ghi")).toBe("token-malformed");
    expect(codeOf("Bearer .def.ghi")).toBe("token-malformed");
    expect(codeOf("Bearer a.def.ghi")).toBe("token-malformed");
    expect(codeOf(`Bearer ${"a".repeat(70_000)}.b.c`)).toBe("token-malformed");
  });

  it("lets an unsigned token through so the verifier names its algorithm", () => {
    expect(codeOf("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).toBe(
      "token:eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    );
  });

  it("gives a lowercase message without a final period", () => {
    const result = parseAuthorization(`Bearer  ${T}`);
    expect(result).toEqual({
      ok: false,
      code: "token-malformed",
      message: "the bearer token is not three base64url segments separated by dots",
    });
  });

  it("throws TypeError for an argument of the wrong type", () => {
    expect(() => parseAuthorization(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseAuthorization([42] as unknown as string[])).toThrow(TypeError);
  });
});
