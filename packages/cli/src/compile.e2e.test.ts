import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadIr } from "@palisade/ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, removeWorkspace, workspace, writeFiles } from "./e2e-harness.ts";

const API = `service api {
  port http 8080

  ingress {
    allow from web port http
  }
}
`;
const WEB = `service web {
  egress {
    allow to api port 8080
  }
}
`;
const TYPO = `service api {
  ingress {
    allow from web prot 8080
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({
    "policy/api.policy": API,
    "policy/web.policy": WEB,
    "policy/tests/ignored.test.yaml": "not: [a, test",
    "typo/api.policy": TYPO,
    "notes.txt": "not a policy\n",
  });
});
afterAll(() => removeWorkspace(root));

describe("palisade compile", () => {
  it("writes the IR to stdout, skipping test files, with spans relative to the folder", () => {
    const run = palisade(["compile", "policy"], { cwd: root });
    expect(run.code).toBe(0);
    const loaded = loadIr(run.stdout);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.ir.services.map((service) => service.id)).toEqual(["api", "web"]);
    expect(loaded.ir.services[0]?.span.file).toBe("policy/api.policy");
    expect(run.stdout.endsWith("}\n")).toBe(true);
  });

  it("writes the same bytes to -o whatever the order of the paths", () => {
    const forward = palisade(["compile", "policy/api.policy", "policy/web.policy"], { cwd: root });
    const run = palisade(["compile", "policy/web.policy", "policy/api.policy", "-o", "out.json"], {
      cwd: root,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^wrote out\.json: 2 services from 2 files, sha256:[0-9a-f]{64}\n$/);
    expect(readFileSync(join(root, "out.json"), "utf8")).toBe(forward.stdout);
  });

  it("prints a typo with the source line and a caret, writes nothing and exits 1", () => {
    const run = palisade(["compile", "typo"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      [
        "typo/api.policy:3:20: error[parse/unknown-keyword]: unknown keyword `prot`",
        "  3 |     allow from web prot 8080",
        "    |                    ^~~~",
        "  help: did you mean `port`?",
      ].join("\n"),
    );
    expect(run.stderr).not.toContain("\u001b[");
  });

  it("never leaves a half-written or changed -o file when compiling fails", () => {
    writeFiles(root, { "out/compiled.json": "previous content\n" });
    const run = palisade(["compile", "typo", "-o", "out/compiled.json"], { cwd: root });
    expect(run.code).toBe(1);
    expect(readFileSync(join(root, "out/compiled.json"), "utf8")).toBe("previous content\n");
    expect(readdirSync(join(root, "out"))).toEqual(["compiled.json"]);

    const fresh = palisade(["compile", "typo", "-o", "out/new.json"], { cwd: root });
    expect(fresh.code).toBe(1);
    expect(readdirSync(join(root, "out"))).toEqual(["compiled.json"]);
  });

  it("gives diagnostics as JSON lines with --format json", () => {
    const run = palisade(["compile", "typo", "--format", "json"], { cwd: root });
    expect(run.code).toBe(1);
    const first = JSON.parse(run.stderr.split("\n").find((line) => line.includes("prot")) ?? "");
    expect(first).toMatchObject({
      code: "parse/unknown-keyword",
      severity: "error",
      file: "typo/api.policy",
      line: 3,
      column: 20,
      help: "did you mean `port`?",
    });
  });

  it("exits 2 for a missing path, a file that is no policy, and bad options", () => {
    const missing = palisade(["compile", "nowhere.policy"], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "palisade compile: error: cannot read `nowhere.policy`: no such file or folder\n",
    );

    const text = palisade(["compile", "notes.txt"], { cwd: root });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(
      "error: `notes.txt` is not a policy file (`.policy`, `.yaml` or `.yml`)",
    );

    const option = palisade(["compile", "policy", "--ouput", "x.json"], { cwd: root });
    expect(option.code).toBe(2);
    expect(option.stderr).toBe(
      "palisade compile: error: unknown option `--ouput`; did you mean `--output`?\n" +
        "run `palisade compile --help` for usage\n",
    );

    const none = palisade(["compile"], { cwd: root });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give at least one policy file or folder");
  });

  it("exits 2 when the -o folder does not exist", () => {
    const run = palisade(["compile", "policy", "-o", "missing/out.json"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot write `missing/out.json`: no such file or folder");
  });
});
