import { spawnSync } from "node:child_process";
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyMesh,
  ensureBuilt,
  palisade,
  removeWorkspace,
  workspace,
  writeFiles,
} from "./e2e-harness.ts";

const API = `service api {
  port http 8080

  ingress {
    allow from api port http
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({
    "o2/a.policy": API,
    "o2/target.json": "kept\n",
    "empty/none.policy": "",
    "empty/comment.policy": "# nothing here yet\n",
  });
  copyMesh(root);
  symlinkSync("target.json", join(root, "o2/link.json"));
  mkdirSync(join(root, "o2/folder"));
  const made = spawnSync("mkfifo", [join(root, "o2/pipe")]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
});
afterAll(() => removeWorkspace(root));

/** The names in `o2`, to show that nothing was added or replaced. */
const listing = (): string[] => readdirSync(join(root, "o2")).sort();
const BEFORE = ["a.policy", "folder", "link.json", "pipe", "target.json"];

describe("palisade compile -o refuses targets that are not new or regular files", () => {
  it("refuses to overwrite an input policy file, exit 2, nothing written", () => {
    const run = palisade(["compile", "o2/a.policy", "-o", "o2/a.policy"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").at(-2)).toBe(
      "palisade compile: error: refusing to write `o2/a.policy`: it is the input " +
        "`o2/a.policy`; give -o a new file",
    );
    expect(readFileSync(join(root, "o2/a.policy"), "utf8")).toBe(API);
    expect(listing()).toEqual(BEFORE);
  });

  it("refuses an input reached by another name (a hard link) and a keys file read", () => {
    linkSync(join(root, "o2/a.policy"), join(root, "o2-hard.policy"));
    const hard = palisade(["compile", "o2/a.policy", "-o", "o2-hard.policy"], { cwd: root });
    expect(hard.code).toBe(2);
    expect(hard.stderr.split("\n").at(-2)).toBe(
      "palisade compile: error: refusing to write `o2-hard.policy`: it is the input " +
        "`o2/a.policy`; give -o a new file",
    );
    expect(readFileSync(join(root, "o2-hard.policy"), "utf8")).toBe(API);

    const keys = "examples/mesh/keys/jwks.json";
    const before = readFileSync(join(root, keys), "utf8");
    const run = palisade(["compile", "examples/mesh/policy", "-o", keys], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").at(-2)).toBe(
      `palisade compile: error: refusing to write \`${keys}\`: it is the input \`${keys}\`; ` +
        "give -o a new file",
    );
    expect(readFileSync(join(root, keys), "utf8")).toBe(before);
  });

  it.each([
    ["o2/link.json", "symbolic link"],
    ["o2/pipe", "FIFO"],
    ["o2/folder", "folder"],
  ])("refuses %s (a %s) before compiling, exit 2, nothing written", (target, kind) => {
    const run = palisade(["compile", "o2/a.policy", "-o", target], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `palisade compile: error: refusing to write \`${target}\`: it is a ${kind}, not a ` +
        "regular file; only a regular file is replaced\n",
    );
    expect(listing()).toEqual(BEFORE);
    expect(lstatSync(join(root, "o2/link.json")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(root, "o2/pipe")).isFIFO()).toBe(true);
    expect(readFileSync(join(root, "o2/target.json"), "utf8")).toBe("kept\n");
  });

  it("still replaces a regular file atomically", () => {
    writeFiles(root, { "out/ir.json": "old\n" });
    const run = palisade(["compile", "o2/a.policy", "-o", "out/ir.json"], { cwd: root });
    expect(run.code).toBe(0);
    expect(readFileSync(join(root, "out/ir.json"), "utf8")).toBe(
      palisade(["compile", "o2/a.policy"], { cwd: root }).stdout,
    );
    expect(readdirSync(join(root, "out"))).toEqual(["ir.json"]);
    expect(run.stderr.split("\n").at(-2)).toMatch(
      /^wrote out\/ir\.json: 1 service from 1 file, sha256:[0-9a-f]{64}$/,
    );
  });
});

describe("palisade compile on a policy with no services", () => {
  it("warns that the policy defines no services, and still compiles with exit 0", () => {
    const run = palisade(["compile", "empty"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("warning: the policy defines no services, so it allows nothing\n");
    expect(JSON.parse(run.stdout).services).toEqual([]);

    const json = palisade(["compile", "empty/none.policy", "--format", "json"], { cwd: root });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(
      '{"severity":"warning","message":"the policy defines no services, so it allows nothing"}\n',
    );
  });
});

describe("palisade compile code frames", () => {
  it("escapes control bytes of the source line instead of sending them to the terminal", () => {
    writeFiles(root, {
      "evil/api.policy":
        "service api {\n  ingress {\n" +
        "    allow from web prot 8080 # \u001b]0;PWNED\u0007\u001b[2J\u202e\n  }\n}\n",
    });
    const run = palisade(["compile", "evil"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        "evil/api.policy:3:20: error[parse/unknown-keyword]: unknown keyword `prot`",
        "  3 |     allow from web prot 8080 # \\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\\u{202e}",
        "    |                    ^~~~",
        "  help: did you mean `port`?",
        "",
        "1 error",
        "",
      ].join("\n"),
    );
  });

  it("cuts a huge one-line excerpt to a window around the span", () => {
    writeFiles(root, {
      "huge/api.policy": `service api {\n  ingress {\n    allow from web prot 8080${" 1".repeat(
        500_000,
      )}\n  }\n}\n`,
    });
    const run = palisade(["compile", "huge"], { cwd: root });
    expect(run.code).toBe(1);
    const [, source, caret] = run.stderr.split("\n");
    expect(source).toBe(`  3 |     allow from web prot 8080${" 1".repeat(66)}…`);
    expect(caret).toBe(`    |                    ^~~~`);
    expect(run.stderr.length).toBeLessThan(1000);
  });
});
