// Bad and hostile inputs: each gives diagnostics, never an exception, a crash or a hang.
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { parseCondition, parseDsl } from "./parse.ts";

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((diagnostic) => diagnostic.code))].sort();
}

/** Deterministic pseudo-random bytes (a fixed linear congruential sequence). */
function garbage(length: number, seed: number): string {
  const codes = new Uint16Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    codes[index] = state >>> 24;
  }
  let text = "";
  for (let index = 0; index < length; index += 8192) {
    text += String.fromCharCode(...codes.subarray(index, index + 8192));
  }
  return text;
}

const inRule = (condition: string) =>
  `service a {\n  ingress {\n    deny from b when ${condition}\n  }\n}\n`;

/** A valid policy of `count` services, about 480 bytes each. */
function generatedPolicy(count: number): string {
  const services: string[] = [];
  for (let index = 0; index < count; index++) {
    services.push(
      [
        `service svc-${index} {`,
        "  port https 8443",
        "  ingress {",
        `    allow from svc-${index + 1}, svc-${index + 2} port https scopes orders:read`,
        `    allow from any except svc-${index + 3} ports 8000..8010, 9090 protocols tcp, udp`,
        `    deny from svc-${index + 4} port 9000 when token.tenant in ["a", "b"] and not has token.trial`,
        "  }",
        "  egress {",
        `    allow to svc-${index + 5} (port 5432), svc-${index + 6} (ports 6379, 6380)`,
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  }
  return services.join("\n");
}

describe("hostile input", () => {
  it("100 000 nested parentheses in a `when`", () => {
    const text = inRule(`${"(".repeat(100_000)}has token.x${")".repeat(100_000)}`);
    const { diagnostics } = parseDsl(text, "deep.policy");
    expect(diagnostics.map((d) => [d.code, d.message, d.span.line, d.span.column])).toEqual([
      ["parse/nesting-too-deep", "parentheses nest deeper than 64 levels", 3, 86],
    ]);
  });

  it("100 000 opening parentheses that never close", () => {
    const { diagnostics } = parseDsl(inRule("(".repeat(100_000)), "open.policy");
    expect(codes(diagnostics)).toEqual(["parse/nesting-too-deep"]);
  });

  it("10 000 nested brackets", () => {
    const text = inRule(`token.x in ${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    expect(codes(parseDsl(text, "brackets.policy").diagnostics)).toEqual([
      "parse/nesting-too-deep",
      "parse/unexpected-token",
    ]);
    expect(codes(parseDsl("[".repeat(10_000), "top.policy").diagnostics)).toEqual([
      "parse/nesting-too-deep",
      "parse/unexpected-token",
    ]);
  });

  it("100 000 nested braces", () => {
    const text = `service a ${"{".repeat(100_000)}${"}".repeat(100_000)}`;
    expect(codes(parseDsl(text, "braces.policy").diagnostics)).toEqual([
      "parse/nesting-too-deep",
      "parse/unexpected-token",
    ]);
  });

  it("long chains of `not` and `and` are refused before they can exhaust a stack", () => {
    const nots = inRule(`${"not ".repeat(100_000)}has token.x`);
    expect(codes(parseDsl(nots, "not.policy").diagnostics)).toEqual(["parse/condition-too-large"]);
    const ands = inRule(Array.from({ length: 20_000 }, () => "has token.x").join(" and "));
    expect(codes(parseDsl(ands, "and.policy").diagnostics)).toEqual(["parse/condition-too-large"]);
  });

  it("binary garbage: a few diagnostics, and reading stops early", () => {
    const { policy, diagnostics } = parseDsl(garbage(10 * 1024 * 1024, 7), "binary.policy");
    expect(policy.services).toEqual([]);
    expect(diagnostics.length).toBe(LIMITS.maxDiagnosticsPerFile);
    expect(codes(diagnostics)).toEqual([
      "parse/gave-up",
      "parse/invalid-character",
      "parse/too-many-errors",
    ]);
  });

  it("a 10 MB policy parses completely", () => {
    const text = generatedPolicy(29_000);
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const { policy, diagnostics } = parseDsl(text, "big.policy");
    expect(diagnostics).toEqual([]);
    expect(policy.services.length).toBe(29_000);
    expect(policy.services.at(-1)?.egress[0]?.peers.length).toBe(2);
  });

  it("a 10 MB line of stray characters", () => {
    const { diagnostics } = parseDsl("@a".repeat(5 * 1024 * 1024), "stray.policy");
    expect(codes(diagnostics)).toEqual([
      "parse/gave-up",
      "parse/invalid-character",
      "parse/too-many-errors",
    ]);
  });

  it("a megabyte of closing braces", () => {
    const { diagnostics } = parseDsl("}".repeat(1024 * 1024), "braces.policy");
    expect(codes(diagnostics)).toEqual(["parse/unexpected-token"]);
    expect([diagnostics[0]?.message, diagnostics[0]?.span.start]).toEqual([
      "expected `trust` or `service`, found `}`",
      0,
    ]);
  });

  it("a 10 MB string, number or claim is one token, not a stack overflow", () => {
    const huge = "a".repeat(10 * 1024 * 1024);
    expect(parseDsl(`trust { issuer "${huge}" }`, "s.policy").diagnostics).toEqual([]);
    const number = parseDsl(`service s { port x ${"1.".repeat(5_000_000)}1 }`, "n.policy");
    expect(codes(number.diagnostics)).toEqual(["parse/invalid-port"]);
    const claim = parseCondition(`token${".a".repeat(5_000_000)} == 1`, "c.policy");
    expect(claim.diagnostics).toEqual([]);
  });

  it("a string of 10 MB of bad escapes that never closes", () => {
    const text = `trust { issuer "${"a\\".repeat(5 * 1024 * 1024)}`;
    expect(codes(parseDsl(text, "e.policy").diagnostics)).toEqual([
      "parse/invalid-escape",
      "parse/unexpected-end",
      "parse/unterminated-string",
    ]);
  });

  it("every prefix of a valid policy gives diagnostics, not an exception", () => {
    const text = generatedPolicy(1);
    const end = text.lastIndexOf("}") + 1;
    for (let length = 0; length < text.length; length++) {
      const { diagnostics } = parseDsl(text.slice(0, length), "cut.policy");
      expect([length, diagnostics.length === 0]).toEqual([length, length === 0 || length >= end]);
    }
  });
});
