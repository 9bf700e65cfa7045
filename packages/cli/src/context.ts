import type { Diagnostic } from "@palisade/syntax";
import { colourWanted, createStyle, type Style } from "./colour.ts";
import type { ExitCode } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import { countDiagnostics, diagnosticToJson, renderDiagnostic } from "./render-diagnostic.ts";
import { SourceBook } from "./source-book.ts";

/** How a command reports: for people, or as JSON for machines. */
export type ReportFormat = "text" | "json";

/** What every command runs with: the process, styles for both streams, the sources read. */
export interface CliContext {
  readonly io: CliIo;
  /** Colour for standard output. */
  readonly out: Style;
  /** Colour for standard error. */
  readonly err: Style;
  /** Every policy source read so far, for code frames. */
  readonly sources: SourceBook;
  /** Writes a line (a line break is added) to standard output. */
  readonly print: (line: string) => void;
  /** Writes a line (a line break is added) to standard error. */
  readonly note: (line: string) => void;
  /** Writes diagnostics to standard error: code frames, or one JSON object per line. */
  readonly reportDiagnostics: (list: readonly Diagnostic[], format: ReportFormat) => void;
}

/** A subcommand of `palisade`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text, example included. */
  readonly help: string;
  readonly run: (args: readonly string[], context: CliContext) => Promise<ExitCode>;
}

/** The context for one run of the CLI on the given process. */
export function createContext(io: CliIo): CliContext {
  const err = createStyle(colourWanted(io.stderrIsTty, io.env));
  const sources = new SourceBook(io.cwd);
  const note = (line: string): void => io.stderr(`${line}\n`);
  return {
    io,
    out: createStyle(colourWanted(io.stdoutIsTty, io.env)),
    err,
    sources,
    print: (line) => io.stdout(`${line}\n`),
    note,
    reportDiagnostics: (list, format) => {
      if (format === "json") {
        for (const diagnostic of list) note(JSON.stringify(diagnosticToJson(diagnostic)));
        return;
      }
      for (const diagnostic of list) io.stderr(`${renderDiagnostic(diagnostic, sources, err)}\n`);
      const count = countDiagnostics(list);
      if (count !== null) note(count);
    },
  };
}
