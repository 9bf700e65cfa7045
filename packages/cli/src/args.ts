import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./exit-codes.ts";

/** The options of one command, in the form `node:util` `parseArgs` takes. */
export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Options every command accepts. */
const COMMON = {
  help: { type: "boolean", short: "h" },
} as const satisfies OptionsConfig;

/** The number of single-character edits between two words, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest candidate to `word` within two edits, or null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function quoted(message: string): string {
  return /'([^']+)'/.exec(message)?.[1] ?? "";
}

/** Rewrites a `parseArgs` error in the CLI's own words. */
function usageMessage(error: Error & { code?: string }, options: OptionsConfig): string {
  const name = quoted(error.message).split(/[ ,]/)[0] ?? "";
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const known = Object.keys(options).map((option) => `--${option}`);
      const hint = closest(name.split("=")[0] ?? name, known);
      return `unknown option \`${name}\`${hint === null ? "" : `; did you mean \`${hint}\`?`}`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument \`${name}\``;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const long = /--[\w-]+/.exec(error.message)?.[0] ?? name;
      if (error.message.includes("does not take an argument")) {
        return `option \`${long}\` takes no value`;
      }
      if (error.message.includes("ambiguous")) {
        return `the value of \`${long}\` starts with \`-\`; write it as \`${long}=VALUE\``;
      }
      return `option \`${long}\` needs a value`;
    }
    default:
      return error.message;
  }
}

/**
 * Parses a command's arguments strictly: unknown options and missing values are usage errors
 * (exit 2) that name the command, so the report can point at its `--help`.
 */
export function parseCommandArgs<const T extends OptionsConfig>(
  command: string,
  args: readonly string[],
  options: T,
) {
  const all = { ...COMMON, ...options };
  try {
    return parseArgs({
      args: [...args],
      options: all,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    if (error instanceof Error && "code" in error) {
      throw new UsageError(usageMessage(error as Error & { code?: string }, all), command);
    }
    throw error;
  }
}

/** The value of `--format`, checked against what the command can write. */
export function formatOption<const F extends string>(
  command: string,
  value: string | undefined,
  allowed: readonly F[],
  fallback: F,
): F {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as F;
  const choices = allowed.map((choice) => `\`${choice}\``).join(", ");
  throw new UsageError(`\`--format ${value}\` is not one of ${choices}`, command);
}

/** Refuses positional arguments where a command takes none, and demands them where needed. */
export function requirePositionals(
  command: string,
  positionals: readonly string[],
  what: string,
): void {
  if (positionals.length === 0) throw new UsageError(`give at least one ${what}`, command);
}
