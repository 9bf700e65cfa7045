// Every example in docs/language.md parses without errors: blocks tagged `policy` with the
// policy-language parser, blocks tagged `yaml` with the YAML loader.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDsl } from "./dsl/parse.ts";
import { parseYaml } from "./yaml/load.ts";

const guide = readFileSync(new URL("../../../docs/language.md", import.meta.url), "utf8");

interface Example {
  readonly form: "policy" | "yaml";
  readonly line: number;
  readonly text: string;
}

/** The fenced blocks of a Markdown text tagged `policy` or `yaml`, with their first line. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  for (const match of markdown.matchAll(/^```(policy|yaml)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split("\n").length;
    found.push({ form: match[1] as Example["form"], line, text: match[2] as string });
  }
  return found;
}

const all = examples(guide);

function errorsOf(example: Example): string[] {
  const file = `language.md:${example.line}.${example.form === "policy" ? "policy" : "yaml"}`;
  const result =
    example.form === "policy" ? parseDsl(example.text, file) : parseYaml(example.text, file);
  return result.diagnostics
    .filter((diagnostic) => diagnostic.severity === "error")
    .map(
      (diagnostic) =>
        `${diagnostic.span.line}:${diagnostic.span.column} ${diagnostic.code} ${diagnostic.message}`,
    );
}

describe("docs/language.md", () => {
  it("has examples of both forms", () => {
    expect(all.filter((example) => example.form === "policy").length).toBeGreaterThanOrEqual(10);
    expect(all.filter((example) => example.form === "yaml").length).toBeGreaterThanOrEqual(10);
  });

  it.each(
    all.map((example) => [`${example.form} block at line ${example.line}`, example] as const),
  )("%s parses without errors", (_name, example) => {
    expect(errorsOf(example)).toEqual([]);
  });

  it("finds the errors in a bad example (the check itself works)", () => {
    expect(
      errorsOf({ form: "policy", line: 1, text: "service s { ingress { allow frm a } }" }),
    ).toEqual(["1:29 parse/unknown-keyword unknown keyword `frm`"]);
  });
});
