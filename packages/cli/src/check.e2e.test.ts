import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureBuilt,
  palisade,
  REPO,
  removeWorkspace,
  workspace,
  writeFiles,
} from "./e2e-harness.ts";

const API = `service api {
  ingress {
    allow from web port 8080
  }
}
`;
const WEB = `service web {
  egress {
    allow to api port 8080
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({ "policy/api.policy": API, "policy/web.policy": WEB });
  const compiled = palisade(["compile", "policy", "-o", "compiled.json"], { cwd: root });
  expect(compiled.code).toBe(0);
});
afterAll(() => removeWorkspace(root));

describe("palisade check", () => {
  it("exits 0 when the compiled file is exactly what compile writes", () => {
    const run = palisade(["check", "policy", "--compiled", "compiled.json"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^compiled\.json is current \(sha256:[0-9a-f]{64}\)\n$/);
  });

  it("exits 1 for a stale file and names the edges it gets wrong", () => {
    const stale = join(root, "stale");
    writeFiles(stale, {
      "policy/api.policy": API.replace("port 8080", "ports 8080, 9000"),
      "policy/web.policy": WEB.replace("port 8080", "ports 8080, 9000"),
    });
    const run = palisade(["check", "policy", "--compiled", "../compiled.json"], { cwd: stale });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "stale: ../compiled.json is not what `palisade compile` writes now",
        "it denies 1 edge the policy now allows:",
        "  + web -> api 9000/tcp",
        "recompile it: palisade compile policy -o ../compiled.json",
        "",
      ].join("\n"),
    );

    const json = palisade(
      ["check", "policy", "--compiled", "../compiled.json", "--format", "json"],
      { cwd: stale },
    );
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.current).toBe(false);
    expect(report.allowsWrongly).toEqual([]);
    expect(report.missing.map((edge: { ports: unknown }) => edge.ports)).toEqual([[[9000, 9000]]]);
  });

  it("exits 1 for a hand-edited compiled file and 2 for a missing one", () => {
    const text = readFileSync(join(root, "compiled.json"), "utf8");
    writeFiles(root, { "edited.json": text.replace("[8080,8080]", "[8080,8081]") });
    const edited = palisade(["check", "policy", "--compiled", "edited.json"], { cwd: root });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain("edited.json is not a valid compiled policy");
    expect(edited.stdout).toContain("[ir/hash-mismatch]");

    const missing = palisade(["check", "policy", "--compiled", "nothing.json"], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read `nothing.json`: no such file or folder");

    const usage = palisade(["check", "policy"], { cwd: root });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("give the compiled file to check with `--compiled FILE`");
  });

  it("finds the committed compiled mesh current", () => {
    const run = palisade(
      ["check", "examples/mesh/policy", "--compiled", "examples/mesh/compiled.json"],
      { cwd: REPO },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^examples\/mesh\/compiled\.json is current \(sha256:[0-9a-f]{64}\)\n$/,
    );
  });
});
