import { closest } from "./args.ts";
import { COMMANDS } from "./commands/index.ts";
import { type Command, createContext } from "./context.ts";
import { EXIT, type ExitCode, InputError, UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";

/** The version `palisade --version` prints. */
export const VERSION = "0.1.0";

/** The text of `palisade --help`. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const list = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `palisade: zero-trust policies compiled, tested and decided

Usage: palisade COMMAND [ARGS...]

Commands:
${list.join("\n")}

Run \`palisade COMMAND --help\` for a command's options and an example.
Exit codes: 0 success; 1 the policy, the artifact or a test failed; 2 bad usage or unreadable
input. Colour is used only on a terminal and never when NO_COLOR is set.

Example:
  palisade demo examples/mesh
`;
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  const options = end === -1 ? args : args.slice(0, end);
  return options.includes("--help") || options.includes("-h");
}

function wantsJson(args: readonly string[]): boolean {
  return args.some(
    (arg, index) => arg === "--format=json" || (arg === "--format" && args[index + 1] === "json"),
  );
}

/**
 * Runs `palisade` with the arguments after the program name and returns the exit code. Usage
 * errors and unreadable input are reported on stderr and give 2; anything unexpected is
 * reported as an internal error, also 2, so that it is never mistaken for a policy verdict.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const context = createContext(io);
  const [name, ...rest] = args;

  if (name === undefined) {
    io.stderr(generalHelp());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    io.stdout(topic === undefined ? generalHelp() : `${topic.help}\n`);
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`palisade ${VERSION}\n`);
    return EXIT.ok;
  }

  const command: Command | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const hint = closest(
      name,
      COMMANDS.map((candidate) => candidate.name),
    );
    const suggestion = hint === null ? "" : `; did you mean \`${hint}\`?`;
    io.stderr(`palisade: error: unknown command \`${name}\`${suggestion}\n`);
    io.stderr("run `palisade --help` for the list of commands\n");
    return EXIT.usage;
  }
  if (wantsHelp(rest)) {
    io.stdout(`${command.help}\n`);
    return EXIT.ok;
  }

  const json = wantsJson(rest);
  const fail = (kind: string, message: string, hint: string | null): ExitCode => {
    if (json) {
      io.stderr(`${JSON.stringify({ severity: "error", kind, message })}\n`);
    } else {
      io.stderr(`palisade ${command.name}: ${context.err.red("error")}: ${message}\n`);
      if (hint !== null) io.stderr(`${hint}\n`);
    }
    return EXIT.usage;
  };
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      return fail("usage", error.message, `run \`palisade ${command.name} --help\` for usage`);
    }
    if (error instanceof InputError) return fail("input", error.message, null);
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return fail(
      "internal",
      `internal error (a bug in palisade; please report it): ${detail}`,
      null,
    );
  }
}
