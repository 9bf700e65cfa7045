import { describe, expect, it } from "vitest";
import { parseTestFile } from "./test-file.ts";

const GOOD = `policy: ../policy
now: 2026-11-20T12:00:00Z
cases:
  - name: gateway reads orders
    request:
      type: request
      destination: api-service
      port: 8080
      action: orders:read
      token: {sub: gateway, scope: orders:read, iat: -30s, aud: null, alg: ES256, kid: null}
    expect: allow
    reason: allowed
    rule: api-service/ingress/0
  - name: metrics may not resolve names
    request: {type: connection, source: metrics, destination: dns, port: 53}
    expect: deny
`;

/** The source text each diagnostic underlines, with its code. */
function underlined(text: string): string[] {
  const { diagnostics } = parseTestFile(text, "t.test.yaml");
  return diagnostics.map(
    (d) => `${d.code} ${d.span.line}:${d.span.column} \`${text.slice(d.span.start, d.span.end)}\``,
  );
}

describe("parseTestFile", () => {
  it("reads the policy, the clock and every case", () => {
    const { testFile, diagnostics } = parseTestFile(GOOD, "t.test.yaml");
    expect(diagnostics).toEqual([]);
    expect(testFile).toEqual({
      file: "t.test.yaml",
      policy: ["../policy"],
      nowMs: 1_795_176_000_000,
      cases: [
        {
          name: "gateway reads orders",
          request: {
            type: "request",
            destination: "api-service",
            port: 8080,
            action: "orders:read",
          },
          token: {
            claims: { sub: "gateway", scope: "orders:read", iat: "-30s", aud: null },
            alg: "ES256",
            kid: null,
            header: {},
            key: "trusted",
          },
          expect: "allow",
          reason: "allowed",
          rule: "api-service/ingress/0",
          nowMs: null,
          line: 4,
          column: 5,
        },
        {
          name: "metrics may not resolve names",
          request: { type: "connection", source: "metrics", destination: "dns", port: 53 },
          token: null,
          expect: "deny",
          reason: null,
          rule: null,
          nowMs: null,
          line: 14,
          column: 5,
        },
      ],
    });
  });

  it("underlines unknown fields, a misspelt reason and a bad expectation", () => {
    const text = `policy: p
cases:
  - name: a
    reqest: {type: connection}
    expect: alow
    reason: token-expird
`;
    expect(underlined(text)).toEqual([
      "test/unknown-field 4:5 `reqest`",
      "test/invalid-case 5:13 `alow`",
      "test/unknown-reason 6:13 `token-expird`",
      `test/invalid-case 3:5 \`${text.slice(text.indexOf("name: a"))}\``,
    ]);
  });

  it("refuses bad times, unknown algorithms and tokens outside requests", () => {
    const text = `policy: p
now: 2026-11-20T12:00:00
cases:
  - name: a
    request:
      type: connection
      token: {sub: x, exp: soon, alg: HS1}
    expect: deny
`;
    expect(underlined(text)).toEqual([
      "test/invalid-time 2:6 `2026-11-20T12:00:00`",
      "test/invalid-token 7:7 `token`",
      "test/invalid-time 7:28 `soon`",
      "test/invalid-token 7:39 `HS1`",
    ]);
  });

  it("reports YAML errors such as duplicate keys", () => {
    expect(underlined("policy: p\npolicy: q\ncases: []\n")).toEqual(["test/yaml 2:1 `policy`"]);
  });

  it("demands a policy and at least one case", () => {
    expect(underlined("cases: []\n")).toEqual([
      "test/missing-policy 1:1 `cases: []\n`",
      "test/no-cases 1:8 `[]`",
    ]);
  });
});
