/**
 * What the CLI needs from its process, gathered in one place so the commands can be run in
 * tests without touching the real streams or environment.
 */
export interface CliIo {
  /** Writes text to standard output as is (callers add line breaks). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error as is. */
  readonly stderr: (text: string) => void;
  /** Reads all of standard input as UTF-8. */
  readonly readStdin: () => Promise<string>;
  /** The folder that relative paths are resolved against and shown relative to. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /** Milliseconds since the epoch; the clock used when no `--now` is given. */
  readonly now: () => number;
}

/**
 * A writer for a process stream that goes quiet once the reader has gone (`palisade graph |
 * head`): the broken pipe is not an error of the command, whose exit code still stands.
 */
function streamWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

/** The real process: its streams, folder, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: streamWriter(process.stdout),
    stderr: streamWriter(process.stderr),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
      }
      return Buffer.concat(chunks).toString("utf8");
    },
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    now: () => Date.now(),
  };
}
