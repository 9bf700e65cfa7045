import { describe, expect, it } from "vitest";
import type { CliIo } from "./io.ts";
import { generalHelp, runCli } from "./run-cli.ts";

/** An in-memory process: what the CLI writes is collected, nothing touches the real streams. */
function fakeIo(stdin = ""): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
    readStdin: async () => stdin,
    cwd: process.cwd(),
    env: {},
    stdoutIsTty: false,
    stderrIsTty: false,
    now: () => 1_795_176_000_000,
  };
}

describe("runCli", () => {
  it("prints the general help for --help, and on stderr with exit 2 for none", async () => {
    const asked = fakeIo();
    expect(await runCli(["--help"], asked)).toBe(0);
    expect(asked.out.join("")).toBe(generalHelp());

    const bare = fakeIo();
    expect(await runCli([], bare)).toBe(2);
    expect(bare.err.join("")).toBe(generalHelp());
    expect(bare.out).toEqual([]);
  });

  it("prints a command's help for `help CMD` and `CMD --help`", async () => {
    const first = fakeIo();
    expect(await runCli(["help", "graph"], first)).toBe(0);
    const second = fakeIo();
    expect(await runCli(["graph", "--help"], second)).toBe(0);
    expect(first.out.join("")).toBe(second.out.join(""));
    expect(first.out.join("")).toMatch(/^Usage: palisade graph PATH\.\.\./);
  });

  it("suggests the nearest command for a typo", async () => {
    const io = fakeIo();
    expect(await runCli(["grpah"], io)).toBe(2);
    expect(io.err.join("")).toBe(
      "palisade: error: unknown command `grpah`; did you mean `graph`?\n" +
        "run `palisade --help` for the list of commands\n",
    );
  });

  it("reports usage errors as JSON when JSON output was asked for", async () => {
    const io = fakeIo();
    expect(await runCli(["graph", "--format", "json"], io)).toBe(2);
    expect(JSON.parse(io.err.join(""))).toEqual({
      severity: "error",
      kind: "usage",
      message: "give at least one policy file or folder",
    });
  });
});
