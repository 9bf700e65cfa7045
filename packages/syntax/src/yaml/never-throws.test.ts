// The loader returns a result for any text whatever: random strings, YAML-shaped noise, broken
// copies of a real policy, binary garbage and a 10 MB file. Every diagnostic it returns is
// well formed and points inside the text.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParseResult } from "../source.ts";
import { parseYaml } from "./load.ts";

const FILE = "fuzz.yaml";
const RUNS = { numRuns: 300, seed: 20_260_412 };

/** Checks what every result must satisfy, whatever the input. */
function checkResult(text: string, result: ParseResult): void {
  expect(result.policy.kind).toBe("PolicyFile");
  expect(result.policy.file).toBe(FILE);
  for (const diagnostic of result.diagnostics) {
    expect(diagnostic.code).toMatch(/^(yaml|parse)\/[a-z-]+$/);
    expect(diagnostic.message.length).toBeGreaterThan(0);
    if (diagnostic.code.startsWith("yaml/")) expect(diagnostic.help?.length).toBeGreaterThan(0);
    expect(diagnostic.span.file).toBe(FILE);
    expect(diagnostic.span.start).toBeGreaterThanOrEqual(0);
    expect(diagnostic.span.end).toBeGreaterThanOrEqual(diagnostic.span.start);
    expect(diagnostic.span.end).toBeLessThanOrEqual(text.length);
  }
  expect(result.diagnostics.length).toBeLessThanOrEqual(101);
}

const FRAGMENTS = [
  "apiVersion: dilmune.com/v1\n",
  "kind: NetworkPolicy\n",
  "kind: TrustPolicy\n",
  "metadata: {name: orders}\n",
  "spec:\n",
  "  ingress:\n",
  "  egress:\n",
  "    - from: [{service: billing}]\n",
  '    - to: [{service: "*", except: [a]}]\n',
  "      ports: [8443, https, {port: 1, endPort: 9}]\n",
  "      when: token.a == 1\n",
  "      action: deny\n",
  "---\n",
  "...\n",
  "[",
  "]",
  "{",
  "}",
  ": ",
  "- ",
  "? ",
  ", ",
  "&a ",
  "*a",
  "!!str ",
  "'",
  '"',
  "#",
  "|\n",
  ">-\n",
  "\t",
  "\n",
  "  ",
  "~",
  "010",
  "22:22",
  "no",
  "%YAML 1.1\n",
  "\u0000",
  "\ufeff",
];

describe("parseYaml never throws", () => {
  it("on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        checkResult(text, parseYaml(text, FILE));
      }),
      RUNS,
    );
  });

  it("on YAML-shaped noise", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }), (parts) => {
        const text = parts.join("");
        checkResult(text, parseYaml(text, FILE));
      }),
      RUNS,
    );
  });

  it("on broken copies of a real policy", () => {
    const original = readFileSync(
      new URL("../../../../examples/mesh/yaml/api.yaml", import.meta.url),
      "utf8",
    );
    fc.assert(
      fc.property(
        fc.nat({ max: original.length }),
        fc.nat({ max: 40 }),
        fc.constantFrom(...FRAGMENTS, ""),
        (at, removed, inserted) => {
          const text = original.slice(0, at) + inserted + original.slice(at + removed);
          checkResult(text, parseYaml(text, FILE));
        },
      ),
      RUNS,
    );
  });

  it("on 10 MB of binary garbage", () => {
    let state = 12_345;
    const bytes = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
      bytes[i] = state >> 16;
    }
    const text = new TextDecoder("latin1").decode(bytes);
    const result = parseYaml(text, FILE);
    checkResult(text, result);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  it("on a 10 MB file, read in full", () => {
    const issuer = `https://idp.example.test/${"x".repeat(10 * 1024 * 1024)}`;
    const text = `apiVersion: dilmune.com/v1\nkind: TrustPolicy\nspec:\n  issuer: ${issuer}\n`;
    const result = parseYaml(text, FILE);
    checkResult(text, result);
    expect(result.diagnostics).toEqual([]);
    expect(result.policy.trust[0]?.issuer?.value).toBe(issuer);
  });
});
