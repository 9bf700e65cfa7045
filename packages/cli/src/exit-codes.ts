/**
 * The process exit codes, stable because scripts depend on them: 0 success; 1 the policy, the
 * artifact or a test failed; 2 bad usage or unreadable input.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
} as const;

/** One of the three exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A command line the CLI cannot act on: an unknown option, a missing argument, a value of the
 * wrong form. Reported with a pointer to the command's help; exits 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    /** The command whose `--help` the report points to, if any. */
    readonly command: string | null = null,
  ) {
    super(message);
  }
}

/** Input that cannot be read or is not of the expected form (a missing file, bad JSON); exits 2. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** The text of an unknown thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file or folder";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "EISDIR") return "is a folder, not a file";
    if (code === "ENOTDIR") return "a part of the path is not a folder";
    return error.message;
  }
  return String(error);
}
