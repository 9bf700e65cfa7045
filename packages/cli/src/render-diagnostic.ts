import type { Diagnostic } from "@palisade/syntax";
import type { Style } from "./colour.ts";
import type { SourceLines } from "./source-book.ts";

/** The part of a span a code frame needs; both syntax spans and IR spans have it. */
export interface FrameSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

const TAB_WIDTH = 4;

/** How many terminal columns `text` takes once tabs are expanded (tab stops every 4). */
function displayWidth(text: string, startAt = 0): number {
  let width = startAt;
  for (const char of text) {
    width = char === "\t" ? width + TAB_WIDTH - (width % TAB_WIDTH) : width + 1;
  }
  return width - startAt;
}

function expandTabs(text: string): string {
  let out = "";
  for (const char of text) {
    out += char === "\t" ? " ".repeat(TAB_WIDTH - (out.length % TAB_WIDTH)) : char;
  }
  return out;
}

/** `file:line:col`, the form editors and terminals turn into links. */
export function formatLocation(span: Pick<FrameSpan, "file" | "line" | "column">): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/**
 * The source line of a span with a caret line under it: `^` at the first character and `~` under
 * the rest of the span on that line. A span running over several lines is underlined to the end
 * of its first line. Returns no lines when the source text is not available.
 */
export function renderCodeFrame(
  span: FrameSpan,
  sources: SourceLines,
  style: Style,
  tone: (text: string) => string,
): string[] {
  const text = sources.line(span.file, span.line);
  if (text === null) return [];

  const gutter = String(span.line);
  const pad = " ".repeat(gutter.length);
  const before = text.slice(0, Math.max(0, span.column - 1));
  const lastColumn = span.endLine === span.line ? span.endColumn : text.length + 1;
  const underlined = text.slice(Math.max(0, span.column - 1), Math.max(0, lastColumn - 1));
  const offset = displayWidth(before);
  const length = Math.max(1, displayWidth(underlined, offset));
  const caret = `^${"~".repeat(length - 1)}`;

  return [
    `${style.blue(`  ${gutter} |`)} ${expandTabs(text)}`,
    `${style.blue(`  ${pad} |`)} ${" ".repeat(offset)}${tone(caret)}`,
  ];
}

/**
 * A diagnostic as people read it:
 * `file:line:col: error[CODE]: message`, the source line with a caret under the span, then
 * `help: ...` and any related places. Ends with a line break.
 */
export function renderDiagnostic(
  diagnostic: Diagnostic,
  sources: SourceLines,
  style: Style,
): string {
  const tone = diagnostic.severity === "error" ? style.red : style.yellow;
  const lines = [
    `${style.bold(formatLocation(diagnostic.span))}: ${style.bold(
      tone(`${diagnostic.severity}[${diagnostic.code}]`),
    )}: ${diagnostic.message}`,
    ...renderCodeFrame(diagnostic.span, sources, style, tone),
  ];
  if (diagnostic.help !== undefined) lines.push(`  ${style.cyan("help")}: ${diagnostic.help}`);
  for (const related of diagnostic.related ?? []) {
    lines.push(`  ${style.cyan("note")}: ${formatLocation(related.span)}: ${related.message}`);
    lines.push(...renderCodeFrame(related.span, sources, style, style.cyan));
  }
  return `${lines.join("\n")}\n`;
}

/** A diagnostic as one flat JSON object, for `--format json`. */
export function diagnosticToJson(diagnostic: Diagnostic): Record<string, unknown> {
  const { span } = diagnostic;
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    ...(diagnostic.help === undefined ? {} : { help: diagnostic.help }),
    ...(diagnostic.related === undefined
      ? {}
      : {
          related: diagnostic.related.map((item) => ({
            message: item.message,
            file: item.span.file,
            line: item.span.line,
            column: item.span.column,
          })),
        }),
  };
}

/** One line such as `2 errors, 1 warning`, or null when the list is empty. */
export function countDiagnostics(list: readonly Diagnostic[]): string | null {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} ${errors === 1 ? "error" : "errors"}`);
  if (warnings > 0) parts.push(`${warnings} ${warnings === 1 ? "warning" : "warnings"}`);
  return parts.length === 0 ? null : parts.join(", ");
}
