import type { Span } from "./ast.ts";

/**
 * A problem found in policy text, returned as data. Libraries never print these; the CLI renders
 * them as `file:line:col: error[CODE]: message` with the source line and a caret.
 *
 * Codes are stable strings grouped by phase: `parse/…` for the DSL, `yaml/…` for the YAML form,
 * `check/…` for the compiler's semantic checks. Each distinct fault has its own code.
 * Messages are lowercase, one line, no final period, with the user's words in backticks.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly span: Span;
  /** Guidance on how to fix it, kept apart from the message. */
  readonly help?: string;
  /** Other places that belong to the same fault (the first definition of a duplicate, say). */
  readonly related?: readonly { readonly message: string; readonly span: Span }[];
}

/**
 * Maps offsets of one text to 1-based lines and columns. Built once per file so that spans cost
 * a binary search each, not a scan of the text.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.starts.push(i + 1);
    }
  }

  /** Line and column of an offset; offsets past the end clamp to the end. */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - (this.starts[low] ?? 0) + 1 };
  }

  /** The span from `start` up to (not including) `end`. */
  span(start: number, end: number): Span {
    const from = this.position(start);
    const to = this.position(end);
    return {
      file: this.file,
      start,
      end,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
    };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const from = this.starts[line - 1];
    if (from === undefined) return "";
    const next = this.starts[line];
    const to = next === undefined ? this.text.length : next - 1;
    return this.text.slice(from, to).replace(/\r$/, "");
  }
}

/** Sorts diagnostics by file then position, so output is stable whatever the check order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** True when any diagnostic is an error. */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}
