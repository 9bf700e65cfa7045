// Properties: no text makes the front end throw, and what it returns is always well formed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParseResult } from "../source.ts";
import { parseCondition, parseDsl } from "./parse.ts";

/** Pieces of the language and near misses, so random texts reach deep into the grammar. */
const FRAGMENTS = [
  "service",
  "trust",
  "ingress",
  "egress",
  "allow",
  "deny",
  "from",
  "to",
  "port",
  "ports",
  "protocol",
  "tcp",
  "udp",
  "scopes",
  "when",
  "any",
  "except",
  "and",
  "or",
  "not",
  "in",
  "has",
  "true",
  "false",
  "issuer",
  "keys",
  "url",
  "max-age",
  "5m",
  "prot",
  "orders",
  "orders:read",
  "token.sub",
  "token.",
  "8080",
  "8o80",
  "70000",
  "1..2",
  "..",
  '"text"',
  '"open',
  '"\\q"',
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  "==",
  "!=",
  "=",
  "#",
  "\n",
  "\u0000",
  "é",
];

function checkWellFormed(text: string, result: ParseResult): void {
  expect(result.policy.kind).toBe("PolicyFile");
  for (const diagnostic of result.diagnostics) {
    expect(diagnostic.code.startsWith("parse/")).toBe(true);
    expect(diagnostic.code).not.toBe("parse/internal-error");
    expect(diagnostic.span.start).toBeGreaterThanOrEqual(0);
    expect(diagnostic.span.end).toBeLessThanOrEqual(text.length);
    expect(diagnostic.span.start).toBeLessThanOrEqual(diagnostic.span.end);
  }
}

describe("the front end on any text", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        checkWellFormed(text, parseDsl(text, "any.policy"));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on random sequences of the language's pieces", () => {
    const soup = fc
      .array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 })
      .map((pieces) => pieces.join(" "));
    fc.assert(
      fc.property(soup, (text) => {
        checkWellFormed(text, parseDsl(text, "soup.policy"));
        const condition = parseCondition(text, "soup.policy");
        expect(condition.condition === null || condition.diagnostics.length === 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
