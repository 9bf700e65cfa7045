import type { Span } from "../ast.ts";

/**
 * Builds spans for one text, giving exactly what `LineIndex.span` gives. The parser asks for
 * spans in nearly increasing order, so the line of the previous answer is tried first and a
 * binary search is needed only on a jump; on large files this is most of the cost of a span.
 */
export class SpanMaker {
  private readonly starts: number[] = [0];
  private hint = 0;

  constructor(
    readonly file: string,
    private readonly length: number,
    text: string,
  ) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.starts.push(i + 1);
    }
  }

  private lineIndex(offset: number): number {
    const starts = this.starts;
    const last = starts.length - 1;
    for (let line = this.hint; line <= Math.min(this.hint + 1, last); line++) {
      if ((starts[line] ?? 0) <= offset && (line === last || offset < (starts[line + 1] ?? 0))) {
        this.hint = line;
        return line;
      }
    }
    let low = 0;
    let high = last;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    this.hint = low;
    return low;
  }

  /** The span from `start` up to (not including) `end`. */
  span(start: number, end: number): Span {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(0, Math.min(end, this.length));
    const startLine = this.lineIndex(from);
    const startColumn = from - (this.starts[startLine] ?? 0) + 1;
    const endLine = this.lineIndex(to);
    return {
      file: this.file,
      start,
      end,
      line: startLine + 1,
      column: startColumn,
      endLine: endLine + 1,
      endColumn: to - (this.starts[endLine] ?? 0) + 1,
    };
  }
}
