import type { Diagnostic } from "@palisade/syntax";
import { type CompileOptions, type CompileResult, compile } from "./compile.ts";

/**
 * Helpers for this package's tests: compile policy text given as `{ fileName: text }` and read
 * back what each diagnostic underlines. Not part of the public surface.
 */

/** A compile result plus a way to see the source text under any diagnostic. */
export interface CompiledTexts extends CompileResult {
  /** The source text a span covers. */
  readonly underline: (diagnostic: Pick<Diagnostic, "span">) => string;
  /** Diagnostics with one code, in order. */
  readonly withCode: (code: string) => Diagnostic[];
  /** `code severity «underlined»` for every diagnostic: short, exact and readable in failures. */
  readonly summary: () => string[];
}

/** Compiles the given files (keys files, if any, come from `keyFiles`, never from disk). */
export function compileTexts(
  files: Readonly<Record<string, string>>,
  keyFiles: Readonly<Record<string, string>> = {},
  options: CompileOptions = {},
): CompiledTexts {
  const sources = Object.entries(files).map(([file, text]) => ({ file, text }));
  const readFile = options.readFile ?? ((path: string) => keyFiles[path] ?? null);
  const result = compile(sources, { readFile });
  const underline = ({ span }: Pick<Diagnostic, "span">) =>
    (files[span.file] ?? "").slice(span.start, span.end);
  return {
    ...result,
    underline,
    withCode: (code) => result.diagnostics.filter((d) => d.code === code),
    summary: () => result.diagnostics.map((d) => `${d.code} ${d.severity} «${underline(d)}»`),
  };
}

/** The fixture's trust block, with keys by URL so no file is read. */
export const TRUST = `trust {
  issuer "https://idp.example.test"
  algorithms RS256
  keys url "https://idp.example.test/jwks.json"
}
`;

/** Rules as lines of a rule block: four spaces in, one per line. */
export function indented(rules: readonly string[]): string {
  return rules.map((rule) => `    ${rule}\n`).join("");
}
