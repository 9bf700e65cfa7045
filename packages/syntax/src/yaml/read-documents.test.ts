// The composer's options and the guards in front of it (case 28d: the loader is never built with
// duplicate keys allowed; cases 29 and 30: hostile shapes are refused before they cost much).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import {
  LOADER_OPTIONS,
  MAX_DOCUMENT_TOKENS,
  MAX_MAPPING_ENTRIES,
  readDocuments,
} from "./read-documents.ts";
import { Reporter } from "./report.ts";

function read(text: string) {
  const reporter = new Reporter(new LineIndex("policy.yaml", text), text.length);
  const documents = [...readDocuments(text, reporter)];
  const diagnostics = reporter.finish().map((d) => ({
    code: d.code,
    underline: text.slice(d.span.start, d.span.end),
  }));
  return { documents, diagnostics };
}

describe("LOADER_OPTIONS", () => {
  it("requires unique keys and reads YAML 1.2 core, without merge keys", () => {
    expect(LOADER_OPTIONS).toEqual({
      version: "1.2",
      schema: "core",
      uniqueKeys: true,
      merge: false,
      strict: true,
      intAsBigInt: false,
      prettyErrors: false,
    });
    expect(Object.isFrozen(LOADER_OPTIONS)).toBe(true);
  });

  it("is the only way the YAML folder composes documents", () => {
    const folder = new URL("./", import.meta.url);
    const sources = readdirSync(folder)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => readFileSync(new URL(name, folder), "utf8"))
      .join("\n");
    expect(sources.match(/new Composer\(([^)]*)\)/g)).toEqual(["new Composer(LOADER_OPTIONS)"]);
    expect(sources).not.toMatch(/uniqueKeys:\s*false|json:\s*true|parseAllDocuments|parseDocument/);
  });

  it("leaves duplicate keys as errors on the document", () => {
    const { documents } = read("a: 1\na: 2\n");
    expect(documents[0]?.errors.map((e) => e.code)).toEqual(["DUPLICATE_KEY"]);
  });

  it("reads YAML 1.1 spellings as YAML 1.2 does, whatever the %YAML directive says", () => {
    const { documents } = read("%YAML 1.1\n---\na: no\nb: 010\nc: 22:22\n");
    expect(documents[0]?.toJS()).toEqual({ a: "no", b: 10, c: "22:22" });
  });
});

describe("readDocuments", () => {
  it("yields every document of a file", () => {
    const { documents, diagnostics } = read("a: 1\n---\nb: 2\n...\n---\nc: 3\n");
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.toJS())).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it("stops at flow nesting deeper than the limit while lexing", () => {
    const { documents, diagnostics } = read(`ok: 1\n---\nx: ${"[".repeat(1_000_000)}`);
    expect(diagnostics).toEqual([{ code: "yaml/too-deep", underline: "[" }]);
    expect(documents.map((d) => d.toJS())).toEqual([{ ok: 1 }]);
  });

  it("skips a document nested too deep in block style and reads the next", () => {
    const deep = `${"- ".repeat(LIMITS.maxNesting + 1)}x\n`;
    const { documents, diagnostics } = read(`${deep}---\nnext: 1\n`);
    expect(diagnostics).toEqual([{ code: "yaml/too-deep", underline: "-" }]);
    expect(documents.map((d) => d.toJS())).toEqual([{ next: 1 }]);
  });

  it("refuses a mapping wider than the limit before composing it", () => {
    const wide = Array.from({ length: MAX_MAPPING_ENTRIES + 1 }, (_, i) => `k${i}: 1`).join("\n");
    const { documents, diagnostics } = read(`${wide}\n`);
    expect(diagnostics).toEqual([{ code: "yaml/mapping-too-large", underline: "k" }]);
    expect(documents).toEqual([]);
  });

  it("reads a mapping at the limit", () => {
    const wide = Array.from({ length: MAX_MAPPING_ENTRIES }, (_, i) => `k${i}: 1`).join("\n");
    const { documents, diagnostics } = read(`${wide}\n`);
    expect(diagnostics).toEqual([]);
    expect(Object.keys(documents[0]?.toJS() as object)).toHaveLength(MAX_MAPPING_ENTRIES);
  });

  it("stops at a document holding too many tokens", () => {
    const items = Math.ceil(MAX_DOCUMENT_TOKENS / 3) + 1;
    const { documents, diagnostics } = read(`first: 1\n---\n${"- \n".repeat(items)}`);
    expect(diagnostics).toEqual([{ code: "yaml/document-too-large", underline: "-" }]);
    expect(documents.map((d) => d.toJS())).toEqual([{ first: 1 }]);
  });

  it("refuses a text larger than the source limit without reading it", () => {
    const { documents, diagnostics } = read("#".repeat(LIMITS.maxSourceBytes + 1));
    expect(diagnostics).toEqual([{ code: "yaml/source-too-large", underline: "" }]);
    expect(documents).toEqual([]);
  });
});
