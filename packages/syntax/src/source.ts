import type { PolicyFile } from "./ast.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { parseDsl } from "./dsl/parse.ts";
import { parseYaml } from "./yaml/load.ts";

/** One policy source: its name (as it should appear in diagnostics) and its text. */
export interface Source {
  readonly file: string;
  readonly text: string;
}

/**
 * The tree for one file, whatever its form, and every problem found. The tree is present even
 * when there are errors (what could be recovered); callers decide by the diagnostics.
 */
export interface ParseResult {
  readonly policy: PolicyFile;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses a source by its file ending: `.yaml` and `.yml` as YAML, anything else as the DSL. */
export function parseSource(source: Source): ParseResult {
  return /\.ya?ml$/i.test(source.file)
    ? parseYaml(source.text, source.file)
    : parseDsl(source.text, source.file);
}
