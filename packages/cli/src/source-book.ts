import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Gives pieces of the lines of named source files, for code frames. Lines are read in pieces so
 * that a frame for a huge one-line file never copies the whole line.
 */
export interface SourceLines {
  /**
   * The length in UTF-16 units of a 1-based line of `file` without its line break, or null when
   * the file or the line is unknown.
   */
  lineLength(file: string, line: number): number | null;
  /** The units `from` up to (not including) `to` of a line, clamped to it; "" when unknown. */
  lineSlice(file: string, line: number, from: number, to: number): string;
}

/** One source text with the offset where each of its lines starts. */
class IndexedText {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.starts.push(i + 1);
    }
  }

  /** Start and end offsets of a 1-based line without its line break (nor a `\r` before it). */
  bounds(line: number): { from: number; to: number } | null {
    const from = this.starts[line - 1];
    if (from === undefined) return null;
    const next = this.starts[line];
    let to = next === undefined ? this.text.length : next - 1;
    if (to > from && this.text.charCodeAt(to - 1) === 0x0d) to -= 1;
    return { from, to };
  }

  slice(from: number, to: number): string {
    return this.text.slice(from, to);
  }
}

/**
 * The policy sources the CLI has read, by the name they carry in diagnostics and spans. Files it
 * has not read yet (the sources named by a compiled IR, say) are read from disk on first use,
 * relative to the working folder; a file that cannot be read simply has no lines.
 */
export class SourceBook implements SourceLines {
  private readonly texts = new Map<string, IndexedText | null>();

  constructor(private readonly cwd: string) {}

  /** Records the text of a source under the name its spans use. */
  add(file: string, text: string): void {
    this.texts.set(file, new IndexedText(text));
  }

  lineLength(file: string, line: number): number | null {
    const bounds = this.textOf(file)?.bounds(line) ?? null;
    return bounds === null ? null : bounds.to - bounds.from;
  }

  lineSlice(file: string, line: number, from: number, to: number): string {
    const text = this.textOf(file);
    const bounds = text?.bounds(line) ?? null;
    if (text === undefined || text === null || bounds === null) return "";
    const start = bounds.from + Math.max(0, Math.min(from, bounds.to - bounds.from));
    const end = bounds.from + Math.max(0, Math.min(to, bounds.to - bounds.from));
    return end > start ? text.slice(start, end) : "";
  }

  private textOf(file: string): IndexedText | null {
    let text = this.texts.get(file);
    if (text === undefined) {
      text = this.readFromDisk(file);
      this.texts.set(file, text);
    }
    return text;
  }

  private readFromDisk(file: string): IndexedText | null {
    try {
      return new IndexedText(readFileSync(resolve(this.cwd, file), "utf8"));
    } catch {
      return null;
    }
  }
}
