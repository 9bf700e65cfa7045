import type { SourceSpan } from "@palisade/ir";
import type { Span } from "@palisade/syntax";

/** The IR's form of a span: file, line and column only, no offsets. */
export function toSourceSpan(span: Span): SourceSpan {
  return {
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
  };
}

/** The span from the start of `first` to the end of `last` (both in one file). */
export function joinSpans(first: Span, last: Span): Span {
  return {
    file: first.file,
    start: first.start,
    end: last.end,
    line: first.line,
    column: first.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** `file:line:col`, the way messages name a place. */
export function describePlace(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/** Orders spans by file, then by position in it. */
export function compareSpans(a: Span, b: Span): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.start - b.start || a.end - b.end;
}
