import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, removeWorkspace, workspace } from "./e2e-harness.ts";

const COMMANDS = ["compile", "check", "decide", "explain", "test", "graph", "diff", "fmt", "demo"];

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace();
});
afterAll(() => removeWorkspace(root));

describe("palisade", () => {
  it.each(COMMANDS)("`%s --help` prints usage with an example and exits 0", (command) => {
    const run = palisade([command, "--help"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`Usage: palisade ${command}`)).toBe(true);
    expect(run.stdout).toMatch(/\nExample[^\n]*:\n {2}\S/);
    expect(run.stderr).toBe("");
  });

  it("lists every command in --help", () => {
    const run = palisade(["--help"], { cwd: root });
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`\n  ${command} `);
  });

  it("exits 2 with a suggestion for an unknown command, and with help for none", () => {
    const typo = palisade(["compil", "x"], { cwd: root });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "palisade: error: unknown command `compil`; did you mean `compile`?\n" +
        "run `palisade --help` for the list of commands\n",
    );
    const none = palisade([], { cwd: root });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: palisade COMMAND");
  });

  it("prints its version", () => {
    const run = palisade(["--version"], { cwd: root });
    expect(run).toEqual({ code: 0, stdout: "palisade 0.1.0\n", stderr: "" });
  });

  it("writes no colour codes when the output is not a terminal", () => {
    const run = palisade(["compile", "nowhere"], { cwd: root, env: { FORCE_COLOR: "1" } });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain("\u001b[");
  });
});
