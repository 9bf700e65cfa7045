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
/** Columns of source text a frame shows at most, around the span. */
export const FRAME_WIDTH = 160;
/** Columns of text kept before a span when the line is cut. */
const LEFT_CONTEXT = 40;
/** Units read on each side of a span: enough for a full frame even if every character is a pair. */
const READ_MARGIN = 2 * FRAME_WIDTH + 2;

/**
 * True for a character a terminal acts on instead of showing: C0 controls but tab, DEL, C1
 * controls, the bidirectional embedding, override and isolate marks, and a lone surrogate.
 */
function isControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function escapeCharacter(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every control character written as `\u{1b}`, so that what a user wrote cannot
 * move the cursor, retitle the terminal or reorder what is shown. Tabs are kept.
 */
export function escapeControls(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += isControl(code) ? escapeCharacter(code) : char;
  }
  return out;
}

/** `file:line:col`, the form editors and terminals turn into links. */
export function formatLocation(span: Pick<FrameSpan, "file" | "line" | "column">): string {
  return `${escapeControls(span.file)}:${span.line}:${span.column}`;
}

/** One character of a line as a frame shows it. */
interface Cell {
  /** UTF-16 units the character takes in the source. */
  readonly units: number;
  /** What is printed: the character, or its escape. */
  readonly text: string;
  readonly tab: boolean;
  readonly escaped: boolean;
}

/** Columns a cell takes at most (a tab takes up to a full tab stop). */
function cellWidth(cell: Cell): number {
  if (cell.tab) return TAB_WIDTH;
  return cell.escaped ? cell.text.length : 1;
}

function toCells(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const escaped = isControl(code);
    cells.push({
      units: char.length,
      text: escaped ? escapeCharacter(code) : char,
      tab: char === "\t",
      escaped,
    });
  }
  return cells;
}

/** The cell index that starts at `unit` units into `cells` (cells.length past the end). */
function cellAt(cells: readonly Cell[], unit: number): number {
  let at = 0;
  for (let index = 0; index < cells.length; index += 1) {
    if (at >= unit) return index;
    at += cells[index]?.units ?? 1;
  }
  return cells.length;
}

/**
 * The source line of a span with a caret line under it: `^` at the first character and `~` under
 * the rest of the span on that line. A span running over several lines is underlined to the end
 * of its first line. Control characters are shown escaped (`\u{1b}`) and tabs expanded, with the
 * caret kept under the same text. A line longer than the frame is cut to a window of
 * FRAME_WIDTH columns around the span, `…` marking each cut side; only that window is read from
 * the source. Returns no lines when the source text is not available.
 */
export function renderCodeFrame(
  span: FrameSpan,
  sources: SourceLines,
  style: Style,
  tone: (text: string) => string,
): string[] {
  const length = sources.lineLength(span.file, span.line);
  if (length === null) return [];

  const spanStart = Math.min(length, Math.max(0, span.column - 1));
  const spanEnd =
    span.endLine === span.line ? Math.min(length, Math.max(spanStart, span.endColumn - 1)) : length;
  const readFrom = Math.max(0, spanStart - READ_MARGIN);
  const readTo = Math.min(length, Math.min(spanEnd, spanStart + READ_MARGIN) + READ_MARGIN);
  const cells = toCells(sources.lineSlice(span.file, span.line, readFrom, readTo));
  const first = cellAt(cells, spanStart - readFrom);
  const last = Math.max(first, cellAt(cells, spanEnd - readFrom));

  // Choose the cells shown: some text before the span, then the span, then text after it, then
  // more before it when the line ends first; FRAME_WIDTH columns in all.
  let used = 0;
  const fits = (cell: Cell | undefined): cell is Cell =>
    cell !== undefined && used + cellWidth(cell) <= FRAME_WIDTH;
  let low = first;
  while (low > 0 && used < LEFT_CONTEXT && fits(cells[low - 1])) {
    low -= 1;
    used += cellWidth(cells[low] as Cell);
  }
  let underlineEnd = first;
  while (underlineEnd < last && fits(cells[underlineEnd])) {
    used += cellWidth(cells[underlineEnd] as Cell);
    underlineEnd += 1;
  }
  let high = underlineEnd;
  if (underlineEnd === last) {
    while (high < cells.length && fits(cells[high])) {
      used += cellWidth(cells[high] as Cell);
      high += 1;
    }
  }
  while (low > 0 && fits(cells[low - 1])) {
    low -= 1;
    used += cellWidth(cells[low] as Cell);
  }

  let unitsBefore = readFrom;
  for (let index = 0; index < low; index += 1) unitsBefore += cells[index]?.units ?? 1;
  let unitsThrough = unitsBefore;
  for (let index = low; index < high; index += 1) unitsThrough += cells[index]?.units ?? 1;

  let shown = unitsBefore > 0 ? "…" : "";
  let column = shown.length;
  let caretFrom = column;
  let caretTo = column;
  for (let index = low; index <= high; index += 1) {
    if (index === first) caretFrom = column;
    if (index === underlineEnd) caretTo = column;
    const cell = cells[index];
    if (index === high || cell === undefined) break;
    const width = cell.tab ? TAB_WIDTH - (column % TAB_WIDTH) : cellWidth(cell);
    shown += cell.tab ? " ".repeat(width) : cell.text;
    column += width;
  }
  const caretColumns = Math.max(1, caretTo - caretFrom);
  if (unitsThrough < length) shown += "…";

  const gutter = String(span.line);
  const pad = " ".repeat(gutter.length);
  return [
    `${style.blue(`  ${gutter} |`)} ${shown}`,
    `${style.blue(`  ${pad} |`)} ${" ".repeat(caretFrom)}${tone(`^${"~".repeat(caretColumns - 1)}`)}`,
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
    )}: ${escapeControls(diagnostic.message)}`,
    ...renderCodeFrame(diagnostic.span, sources, style, tone),
  ];
  if (diagnostic.help !== undefined) {
    lines.push(`  ${style.cyan("help")}: ${escapeControls(diagnostic.help)}`);
  }
  for (const related of diagnostic.related ?? []) {
    lines.push(
      `  ${style.cyan("note")}: ${formatLocation(related.span)}: ${escapeControls(related.message)}`,
    );
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
