import { lstatSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
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

const MESSY = `service   api {
ingress {
      allow from web,admin   port 8080
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({
    "policy/api.policy": MESSY,
    "policy/web.yaml": [
      "apiVersion: dilmune.com/v1",
      "kind: NetworkPolicy",
      "metadata:",
      "  name: web",
      "spec:",
      "  egress: []",
      "",
    ].join("\n"),
  });
});
afterAll(() => removeWorkspace(root));

describe("palisade fmt", () => {
  it("--check exits 1 for a file that is not canonical and leaves it alone", () => {
    const run = palisade(["fmt", "--check", "policy"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("not canonical: policy/api.policy\n");
    expect(run.stdout).toContain(
      "skipped: policy/web.yaml (YAML files are not formatted by fmt)\n",
    );
    expect(readFileSync(join(root, "policy/api.policy"), "utf8")).toBe(MESSY);
  });

  it("rewrites the file in place, after which --check passes", () => {
    const run = palisade(["fmt", "policy"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("formatted policy/api.policy\n");
    const formatted = readFileSync(join(root, "policy/api.policy"), "utf8");
    expect(formatted).not.toBe(MESSY);
    expect(formatted).toContain("allow from web, admin port 8080");
    expect(readdirSync(join(root, "policy")).sort()).toEqual(["api.policy", "web.yaml"]);

    const check = palisade(["fmt", "--check", "policy"], { cwd: root });
    expect(check.code).toBe(0);
    const again = palisade(["fmt", "policy", "--format", "json"], { cwd: root });
    expect(JSON.parse(again.stdout)).toEqual({
      files: [
        { file: "policy/api.policy", status: "canonical" },
        { file: "policy/web.yaml", status: "yaml-not-formatted" },
      ],
      ok: true,
    });
  });

  it("never drops comments: a commented file is judged by its code and left alone", () => {
    const messy =
      "# the api\nservice api {\n  ingress {\n      allow from web port 80 # web\n  }\n}\n";
    writeFiles(root, { "commented/api.policy": messy });
    const run = palisade(["fmt", "commented"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("not canonical: commented/api.policy: it has comments");
    expect(readFileSync(join(root, "commented/api.policy"), "utf8")).toBe(messy);

    const tidy = messy.replace("      allow", "    allow");
    writeFiles(root, { "commented/api.policy": tidy });
    const check = palisade(["fmt", "--check", "commented"], { cwd: root });
    expect(check.code).toBe(0);
    expect(check.stdout).toBe("1 of 1 .policy file canonical\n");
  });

  it("finds the shipped mesh canonical", () => {
    const run = palisade(["fmt", "--check", "examples/mesh/policy"], { cwd: REPO });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("5 of 5 .policy files canonical\n");
  });

  it("leaves a file with syntax errors alone and exits 1", () => {
    writeFiles(root, { "broken.policy": "service api {\n  ingres {\n  }\n}\n" });
    const run = palisade(["fmt", "broken.policy"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("broken.policy:2:3: error[");
    expect(run.stdout).toContain("not formatted: broken.policy has syntax errors\n");
    expect(readFileSync(join(root, "broken.policy"), "utf8")).toBe(
      "service api {\n  ingres {\n  }\n}\n",
    );
  });

  it("never replaces a symbolic link it was given; the file it points to is left alone", () => {
    writeFiles(root, { "linked/real.policy": MESSY });
    symlinkSync("real.policy", join(root, "linked/link.policy"));
    const run = palisade(["fmt", "linked/link.policy"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "not formatted: linked/link.policy is a symbolic link, which fmt never replaces; " +
          "format the file it points to",
        "0 files formatted, 0 already canonical",
        "",
      ].join("\n"),
    );
    expect(lstatSync(join(root, "linked/link.policy")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, "linked/real.policy"), "utf8")).toBe(MESSY);
    expect(readdirSync(join(root, "linked")).sort()).toEqual(["link.policy", "real.policy"]);
  });
});
