import { resolve } from "node:path";
import { serializeIr } from "@palisade/ir";
import { formatOption, parseCommandArgs, requirePositionals } from "../args.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import type { Command } from "../context.ts";
import { describeError, EXIT, InputError } from "../exit-codes.ts";
import { compilePaths, reportLoad } from "../load-policy.ts";
import { displayPath } from "../policy-paths.ts";
import { replaceRefusal, sameFileAs } from "../write-target.ts";

/** `palisade compile`: policy sources to the IR, on stdout or atomically into a file. */
export const compileCommand: Command = {
  name: "compile",
  summary: "compile policy files to the IR (stdout or -o FILE)",
  help: `Usage: palisade compile PATH... [-o FILE] [--format text|json]

Compiles a policy set to its IR (canonical JSON) and writes it to stdout, or to FILE with -o.
PATH is a .policy, .yaml or .yml file, or a folder searched recursively (*.test.yaml files are
skipped). Every diagnostic is printed to stderr. When there is any error nothing is written,
and -o never leaves a partly written file: the IR goes to a temporary file in the same folder
that is then renamed over FILE. FILE must be a regular file or not exist yet, and must not be
one of the files read: a symbolic link, FIFO, device or folder there is refused (exit 2). A
policy that defines no services compiles, with a warning.

Options:
  -o, --output FILE   write the IR to FILE instead of stdout
  --format json       diagnostics as JSON lines on stderr
  -h, --help          show this help

Exit: 0 compiled; 1 the policy has errors; 2 bad usage or unreadable input.

Example:
  palisade compile examples/mesh/policy -o examples/mesh/compiled.json`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("compile", args, {
      output: { type: "string", short: "o" },
      format: { type: "string" },
    });
    const format = formatOption("compile", values.format, ["text", "json"], "text");
    requirePositionals("compile", positionals, "policy file or folder");

    // A target that is not a regular file is refused before any work, so nothing is read for
    // an output that could never be written.
    const target = values.output === undefined ? null : resolve(context.io.cwd, values.output);
    const refusal = target === null ? null : replaceRefusal(target);
    if (refusal !== null)
      throw new InputError(`refusing to write \`${values.output}\`: ${refusal}`);

    const loaded = compilePaths(context, positionals);
    const ir = reportLoad(context, loaded, format);
    if (ir === null) return EXIT.failed;

    if (ir.services.length === 0) {
      const message = "the policy defines no services, so it allows nothing";
      context.note(
        format === "json"
          ? JSON.stringify({ severity: "warning", message })
          : `${context.err.yellow("warning")}: ${message}`,
      );
    }

    const text = serializeIr(ir);
    if (target === null || values.output === undefined) {
      context.io.stdout(text);
      return EXIT.ok;
    }
    const input = sameFileAs(target, loaded.inputs);
    if (input !== null) {
      throw new InputError(
        `refusing to write \`${values.output}\`: it is the input \`${displayPath(
          context.io.cwd,
          input,
        )}\`; give -o a new file`,
      );
    }
    try {
      writeFileAtomic(target, text);
    } catch (error) {
      throw new InputError(`cannot write \`${values.output}\`: ${describeError(error)}`);
    }
    if (format === "text") {
      const count = ir.services.length;
      context.note(
        `wrote ${values.output}: ${count} ${count === 1 ? "service" : "services"} from ${
          loaded.files.length
        } ${loaded.files.length === 1 ? "file" : "files"}, ${ir.hash}`,
      );
    }
    return EXIT.ok;
  },
};
