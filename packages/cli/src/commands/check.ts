import { diffIr } from "@palisade/compiler";
import { loadIr, serializeIr } from "@palisade/ir";
import { formatOption, parseCommandArgs, requirePositionals } from "../args.ts";
import type { Command } from "../context.ts";
import { plural } from "../describe-decision.ts";
import { describeEdge } from "../edges.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { compilePaths, readInputFile, reportLoad } from "../load-policy.ts";

/** `palisade check`: is the committed compiled file exactly what `compile` writes now? */
export const checkCommand: Command = {
  name: "check",
  summary: "check that a committed compiled file is current",
  help: `Usage: palisade check PATH... --compiled FILE [--format text|json]

Compiles PATH (as \`palisade compile\` does) and compares the result byte for byte with FILE.
When they differ, prints the edges the stale FILE gets wrong: those it allows that the policy
no longer allows, and those the policy allows that it misses. Run it in CI so that the
compiled file services load can never drift from the reviewed policy.

Options:
  --compiled FILE   the compiled policy to check (required)
  --format json     the result as one JSON object on stdout
  -h, --help        show this help

Exit: 0 FILE is current; 1 FILE is stale or invalid, or the policy has errors;
2 bad usage or unreadable input (a missing FILE, say).

Example:
  palisade check examples/mesh/policy --compiled examples/mesh/compiled.json`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("check", args, {
      compiled: { type: "string" },
      format: { type: "string" },
    });
    const format = formatOption("check", values.format, ["text", "json"], "text");
    requirePositionals("check", positionals, "policy file or folder");
    if (values.compiled === undefined) {
      throw new UsageError("give the compiled file to check with `--compiled FILE`", "check");
    }

    const committed = readInputFile(context, values.compiled);
    const loaded = compilePaths(context, positionals);
    const ir = reportLoad(context, loaded, format, "count");
    if (ir === null) return EXIT.failed;

    const current = serializeIr(ir);
    const file = values.compiled;
    if (committed === current) {
      if (format === "json") context.print(JSON.stringify({ file, current: true, hash: ir.hash }));
      else context.print(`${file} is current (${ir.hash})`);
      return EXIT.ok;
    }

    const stale = loadIr(committed);
    if (!stale.ok) {
      const reason = `${stale.error.message} [${stale.error.code}]`;
      if (format === "json") {
        context.print(JSON.stringify({ file, current: false, invalid: reason }));
      } else {
        context.print(
          `${context.out.red("stale")}: ${file} is not a valid compiled policy: ${reason}`,
        );
        context.print(`recompile it: palisade compile ${positionals.join(" ")} -o ${file}`);
      }
      return EXIT.failed;
    }

    // What the stale file would do differently from the policy as it is now.
    const { added, removed } = diffIr(stale.ir, ir);
    if (format === "json") {
      context.print(
        JSON.stringify({
          file,
          current: false,
          hash: { compiled: stale.ir.hash, policy: ir.hash },
          allowsWrongly: removed,
          missing: added,
        }),
      );
      return EXIT.failed;
    }

    context.print(
      `${context.out.red("stale")}: ${file} is not what \`palisade compile\` writes now`,
    );
    if (removed.length > 0) {
      context.print(`it allows ${plural(removed.length, "edge")} the policy no longer allows:`);
      for (const edge of removed) context.print(`  ${context.out.red("-")} ${describeEdge(edge)}`);
    }
    if (added.length > 0) {
      context.print(`it denies ${plural(added.length, "edge")} the policy now allows:`);
      for (const edge of added) context.print(`  ${context.out.green("+")} ${describeEdge(edge)}`);
    }
    if (removed.length === 0 && added.length === 0) {
      context.print(
        stale.ir.hash === ir.hash
          ? "no edge differs: only source positions or formatting changed"
          : "no edge differs, but the policy's content changed (trust settings or conditions)",
      );
    }
    context.print(`recompile it: palisade compile ${positionals.join(" ")} -o ${file}`);
    return EXIT.failed;
  },
};
