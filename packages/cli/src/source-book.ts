import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LineIndex } from "@palisade/syntax";

/** Gives the text of a line of a named source file, for code frames. */
export interface SourceLines {
  /** The 1-based line of `file` without its line break, or null when the file is unknown. */
  line(file: string, line: number): string | null;
}

/**
 * The policy sources the CLI has read, by the name they carry in diagnostics and spans. Files it
 * has not read yet (the sources named by a compiled IR, say) are read from disk on first use,
 * relative to the working folder; a file that cannot be read simply has no lines.
 */
export class SourceBook implements SourceLines {
  private readonly indexes = new Map<string, LineIndex | null>();

  constructor(private readonly cwd: string) {}

  /** Records the text of a source under the name its spans use. */
  add(file: string, text: string): void {
    this.indexes.set(file, new LineIndex(file, text));
  }

  line(file: string, line: number): string | null {
    let index = this.indexes.get(file);
    if (index === undefined) {
      index = this.readFromDisk(file);
      this.indexes.set(file, index);
    }
    if (index === null) return null;
    const position = index.position(Number.MAX_SAFE_INTEGER);
    if (line < 1 || line > position.line) return null;
    return index.lineText(line);
  }

  private readFromDisk(file: string): LineIndex | null {
    try {
      return new LineIndex(file, readFileSync(resolve(this.cwd, file), "utf8"));
    } catch {
      return null;
    }
  }
}
