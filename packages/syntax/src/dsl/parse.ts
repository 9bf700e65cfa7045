/**
 * The front end of the policy language: text in, AST and diagnostics out. It never throws on
 * any text; whatever goes wrong comes back as a `parse/…` diagnostic.
 */
import type { Expr, PolicyFile } from "../ast.ts";
import { type Diagnostic, LineIndex, sortDiagnostics } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import type { ParseResult } from "../source.ts";
import { ConditionBuilder } from "./condition-to-ast.ts";
import { SpanMaker } from "./span-maker.ts";
import { type Spanner, SyntaxPass, withoutStackTraces } from "./syntax-pass.ts";
import { AstBuilder } from "./to-ast.ts";

export { policyParser } from "./syntax-pass.ts";

/**
 * Sorted, with at most `LIMITS.maxDiagnosticsPerFile`, the last one summing up the rest (and
 * `uncounted` more that were found but not kept).
 */
function capDiagnostics(list: readonly Diagnostic[], uncounted = 0): Diagnostic[] {
  const sorted = sortDiagnostics(list);
  const limit = LIMITS.maxDiagnosticsPerFile;
  if (sorted.length <= limit && uncounted === 0) return sorted;
  const shown = sorted.slice(0, limit - 1);
  const firstHidden = sorted[limit - 1] as Diagnostic;
  shown.push({
    code: "parse/too-many-errors",
    severity: "error",
    message: `${sorted.length - shown.length + uncounted} more problems in this file are not shown`,
    span: firstHidden.span,
    help: "fix the problems above and check again",
  });
  return shown;
}

function tooLarge(text: string): boolean {
  const max = LIMITS.maxSourceBytes;
  // A UTF-16 unit is at most three UTF-8 bytes, so short texts need no exact count.
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text, "utf8") > max);
}

function failure(code: string, message: string, span: Diagnostic["span"], help: string) {
  return { code, severity: "error", message, span, help } satisfies Diagnostic;
}

function checkArguments(text: unknown, file: unknown): void {
  if (typeof text !== "string") throw new TypeError("policy text must be a string");
  if (typeof file !== "string") throw new TypeError("file name must be a string");
}

/**
 * A diagnostic for a failure inside the parser itself (a bug, or the engine running out of
 * stack). The input is refused rather than half-read.
 */
function internalError(error: unknown, span: Diagnostic["span"]): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return failure(
    "parse/internal-error",
    "the policy parser failed on this file",
    span,
    `this is a bug in Palisade; please report it with the file (${reason.slice(0, 200)})`,
  );
}

/**
 * Parses the text of one `*.policy` file. Returns what could be read and every problem found,
 * sorted by position and capped per file; never throws on any text. `file` is the name that
 * spans and diagnostics carry.
 */
export function parseDsl(text: string, file: string): ParseResult {
  checkArguments(text, file);
  const spans = new SpanMaker(file, text.length, text);
  const spanOf: Spanner = (start, end) => spans.span(start, end);
  const empty = (): PolicyFile => ({
    kind: "PolicyFile",
    file,
    trust: [],
    services: [],
    span: spanOf(0, text.length),
  });

  if (tooLarge(text)) {
    const limit = `${LIMITS.maxSourceBytes / (1024 * 1024)} MiB`;
    const problem = failure(
      "parse/source-too-large",
      `the file is larger than ${limit}`,
      spanOf(0, 0),
      "split the policy over several files",
    );
    return { policy: empty(), diagnostics: [problem] };
  }

  try {
    return withoutStackTraces(() => {
      const builder = new AstBuilder(file, spanOf);
      const pass = new SyntaxPass(text, spanOf, "policyFile", (tree) => builder.addTopLevel(tree));
      pass.run();
      const diagnostics = capDiagnostics(
        [...pass.diagnostics, ...builder.diagnostics],
        builder.dropped + pass.dropped,
      );
      return { policy: builder.policyFile(text.length), diagnostics };
    });
  } catch (error) {
    return { policy: empty(), diagnostics: [internalError(error, spanOf(0, 0))] };
  }
}

/** Where a condition's text sits inside a larger file, so spans point into that file. */
export interface ConditionOrigin {
  /** The line index of the whole file. */
  readonly lines: LineIndex;
  /** Offset in the file of the condition text's first character. */
  readonly offset: number;
}

/**
 * Parses a condition on its own, as written after `when` (the YAML form's `when:` field uses
 * the same syntax). Without an origin, spans are positions in `text` itself. The condition is
 * null when any error was found.
 */
export function parseCondition(
  text: string,
  file: string,
  origin?: ConditionOrigin,
): { condition: Expr | null; diagnostics: Diagnostic[] } {
  checkArguments(text, file);
  const lines = origin?.lines ?? new LineIndex(file, text);
  const base = origin?.offset ?? 0;
  const spanOf: Spanner = (start, end) => lines.span(base + start, base + end);

  if (tooLarge(text)) {
    const problem = failure(
      "parse/source-too-large",
      "the condition is too large",
      spanOf(0, 0),
      "split it over several rules",
    );
    return { condition: null, diagnostics: [problem] };
  }

  try {
    return withoutStackTraces(() => {
      const builder = new ConditionBuilder(file, (start, end) => lines.span(start, end), base);
      let condition: Expr | null = null;
      const pass = new SyntaxPass(text, spanOf, "condition", (tree) => {
        condition = builder.condition(tree);
      });
      pass.run();
      const diagnostics = capDiagnostics(
        [...pass.diagnostics, ...builder.diagnostics],
        builder.dropped + pass.dropped,
      );
      const failed = diagnostics.some((diagnostic) => diagnostic.severity === "error");
      return { condition: failed ? null : condition, diagnostics };
    });
  } catch (error) {
    return { condition: null, diagnostics: [internalError(error, spanOf(0, 0))] };
  }
}
