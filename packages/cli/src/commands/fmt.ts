import { isDeepStrictEqual } from "node:util";
import { formatDsl, hasErrors, parseDsl, stripSpans } from "@palisade/syntax";
import { formatOption, parseCommandArgs, requirePositionals } from "../args.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { hasComments, withoutComments } from "../comments.ts";
import type { Command } from "../context.ts";
import { plural } from "../describe-decision.ts";
import { describeError, EXIT, InputError } from "../exit-codes.ts";
import { readInputFile } from "../load-policy.ts";
import { collectFiles, displayPath, isDslFile, POLICY_FILES } from "../policy-paths.ts";
import { replaceRefusal } from "../write-target.ts";

/** What `fmt` did with one file. */
type FileStatus =
  | "canonical"
  | "commented-not-canonical"
  | "reformatted"
  | "not-canonical"
  | "has-errors"
  | "yaml-not-formatted"
  | "format-refused"
  | "not-a-regular-file";

/** `palisade fmt`: rewrites DSL files in canonical form, or checks that they are. */
export const fmtCommand: Command = {
  name: "fmt",
  summary: "format .policy files canonically (--check to only verify)",
  help: `Usage: palisade fmt PATH... [--check] [--format text|json]

Rewrites each .policy file under PATH in the canonical DSL layout (each file is replaced
atomically, and only when its text changes). With --check nothing is written: the files that
are not canonical are listed and the exit code is 1. A file with syntax errors is reported
and left alone. The formatter cannot keep comments: a commented file counts as canonical when
its code is laid out canonically, and is never rewritten (it is listed instead). YAML files
are listed as not formatted by fmt and otherwise left alone. Only regular files are rewritten:
a symbolic link named on the command line is checked but never replaced (format the file it
points to); folders are searched without following links.

Options:
  --check         write nothing; exit 1 when a file is not canonical
  --format json   the result per file as one JSON object on stdout
  -h, --help      show this help

Exit: 0 every file is (now) canonical; 1 a file is not canonical under --check, has syntax
errors, or is a symbolic link that would need rewriting; 2 bad usage or unreadable input.

Example:
  palisade fmt --check examples/mesh/policy`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("fmt", args, {
      check: { type: "boolean" },
      format: { type: "string" },
    });
    const format = formatOption("fmt", values.format, ["text", "json"], "text");
    requirePositionals("fmt", positionals, "policy file or folder");
    const checkOnly = values.check === true;
    const { cwd } = context.io;

    const results: { file: string; status: FileStatus }[] = [];
    for (const full of collectFiles(cwd, positionals, POLICY_FILES)) {
      const file = displayPath(cwd, full);
      if (!isDslFile(file)) {
        results.push({ file, status: "yaml-not-formatted" });
        continue;
      }
      const text = readInputFile(context, full);
      context.sources.add(file, text);
      const parsed = parseDsl(text, file);
      if (hasErrors(parsed.diagnostics)) {
        context.reportDiagnostics(parsed.diagnostics, format);
        results.push({ file, status: "has-errors" });
        continue;
      }
      const formatted = formatDsl(parsed.policy);
      if (formatted === text) {
        results.push({ file, status: "canonical" });
        continue;
      }
      // The formatter drops comments. A commented file whose code is laid out canonically is
      // canonical; one that is not cannot be rewritten without losing its comments.
      if (hasComments(text)) {
        const laidOut = withoutComments(text) === formatted;
        results.push({ file, status: laidOut ? "canonical" : "commented-not-canonical" });
        continue;
      }
      // INVARIANT: fmt only ever changes layout. If the formatted text would mean something
      // else (or not parse), the file is left alone and the fault reported.
      const reparsed = parseDsl(formatted, file);
      if (
        hasErrors(reparsed.diagnostics) ||
        !isDeepStrictEqual(stripSpans(reparsed.policy), stripSpans(parsed.policy))
      ) {
        results.push({ file, status: "format-refused" });
        continue;
      }
      if (checkOnly) {
        results.push({ file, status: "not-canonical" });
        continue;
      }
      if (replaceRefusal(full) !== null) {
        results.push({ file, status: "not-a-regular-file" });
        continue;
      }
      try {
        writeFileAtomic(full, formatted);
      } catch (error) {
        throw new InputError(`cannot write \`${file}\`: ${describeError(error)}`);
      }
      results.push({ file, status: "reformatted" });
    }

    const failed = results.some(
      (result) =>
        result.status === "has-errors" ||
        result.status === "commented-not-canonical" ||
        result.status === "not-canonical" ||
        result.status === "format-refused" ||
        result.status === "not-a-regular-file",
    );
    if (format === "json") {
      context.print(JSON.stringify({ files: results, ok: !failed }));
      return failed ? EXIT.failed : EXIT.ok;
    }

    const { out } = context;
    const lines: Record<FileStatus, (file: string) => string | null> = {
      canonical: () => null,
      reformatted: (file) => `formatted ${file}`,
      "not-canonical": (file) => `${out.red("not canonical")}: ${file}`,
      "has-errors": (file) => `${out.red("not formatted")}: ${file} has syntax errors`,
      "commented-not-canonical": (file) =>
        `${out.red("not canonical")}: ${file}: it has comments, which fmt cannot keep, so it is ` +
        "left alone; lay it out as `palisade fmt` would (two-space indent, one rule per line)",
      "yaml-not-formatted": (file) =>
        `${out.dim("skipped")}: ${file} (YAML files are not formatted by fmt)`,
      "format-refused": (file) =>
        `${out.red("not formatted")}: ${file}: the formatter would change its meaning ` +
        "(a bug in palisade; please report it)",
      "not-a-regular-file": (file) =>
        `${out.red("not formatted")}: ${file} is a symbolic link, which fmt never replaces; ` +
        "format the file it points to",
    };
    for (const result of results) {
      const line = lines[result.status](result.file);
      if (line !== null) context.print(line);
    }
    const dsl = results.filter((result) => result.status !== "yaml-not-formatted");
    const canonical = results.filter((result) => result.status === "canonical").length;
    const reformatted = results.filter((result) => result.status === "reformatted").length;
    if (checkOnly) {
      const wrong = results.filter(
        (result) =>
          result.status === "not-canonical" || result.status === "commented-not-canonical",
      ).length;
      context.print(
        wrong === 0
          ? `${canonical} of ${plural(dsl.length, ".policy file")} canonical`
          : `${wrong} of ${plural(dsl.length, ".policy file")} not canonical; ` +
              `run \`palisade fmt ${positionals.join(" ")}\``,
      );
    } else {
      context.print(`${plural(reformatted, "file")} formatted, ${canonical} already canonical`);
    }
    return failed ? EXIT.failed : EXIT.ok;
  },
};
