import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyMesh,
  ensureBuilt,
  palisade,
  REPO,
  removeWorkspace,
  workspace,
  writeFiles,
} from "./e2e-harness.ts";

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace();
  copyMesh(root);
});
afterAll(() => removeWorkspace(root));

describe("palisade test", () => {
  it("passes the shipped mesh tests", () => {
    const run = palisade(["test", "examples/mesh"], { cwd: REPO });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n(\d+) passed, 0 failed\n$/);
    expect(run.stdout).not.toContain("FAIL");
  });

  it("passes the same mesh tests against the YAML form of the mesh", () => {
    // The shipped cases name deciding rules by DSL line; every other expectation must hold for
    // the YAML form too.
    const shipped = readFileSync(join(REPO, "examples/mesh/tests/mesh.test.yaml"), "utf8");
    const yamlForm = shipped
      .replace("policy: ../policy", "policy: ../yaml")
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("rule: "))
      .join("\n");
    writeFiles(root, { "examples/mesh/tests/yaml-form.test.yaml": yamlForm });
    const run = palisade(["test", "examples/mesh/tests/yaml-form.test.yaml"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n(\d+) passed, 0 failed\n$/);
  });

  it("reports a failing case with what was expected and what came, and exits 1", () => {
    writeFiles(root, {
      "examples/mesh/tests/wrong.test.yaml": `policy: ../policy
now: 2026-11-20T12:00:00Z
cases:
  - name: worker reads orders
    request:
      type: request
      destination: api-service
      port: 8080
      action: orders:read
      token: {sub: worker, scope: orders:read}
    expect: allow
  - name: gateway reads orders, decided by its rule
    request:
      type: request
      destination: api-service
      port: 8080
      action: orders:read
      token: {sub: gateway, scope: orders:read}
    expect: allow
    rule: ../policy/api.policy:8
`,
    });
    const run = palisade(["test", "examples/mesh/tests/wrong.test.yaml"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "examples/mesh/tests/wrong.test.yaml",
        "  FAIL  worker reads orders  (examples/mesh/tests/wrong.test.yaml:4:5)",
        "        expected: allow",
        "        got:      deny, reason no-matching-rule",
        "                  no ingress rule allows this",
        "  ok    gateway reads orders, decided by its rule",
        "1 passed, 1 failed",
        "",
      ].join("\n"),
    );

    const json = palisade(["test", "examples/mesh/tests/wrong.test.yaml", "--format", "json"], {
      cwd: root,
    });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect([report.passed, report.failed]).toEqual([1, 1]);
    expect(report.cases[0].actual.reason).toBe("no-matching-rule");
  });

  it("exits 2 for a malformed test file, pointing at the field", () => {
    writeFiles(root, {
      "bad/typo.test.yaml": `policy: ../examples/mesh/policy
cases:
  - name: a
    request: {type: connection, source: gateway, destination: api-service, port: 8080}
    expect: allow
    reasn: allowed
`,
    });
    const run = palisade(["test", "bad"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      [
        "bad/typo.test.yaml:6:5: error[test/unknown-field]: unknown field `reasn`",
        "  6 |     reasn: allowed",
        "    |     ^~~~~",
      ].join("\n"),
    );
  });

  it("exits 1 when the policy under test does not compile", () => {
    writeFiles(root, {
      "broken/policy/api.policy": "service api {\n",
      "broken/t.test.yaml": `policy: policy
cases:
  - name: a
    request: {type: connection, source: web, destination: api, port: 80}
    expect: deny
`,
    });
    const run = palisade(["test", "broken"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL broken/t.test.yaml: the policy under test does not compile");
    expect(run.stderr).toContain("broken/policy/api.policy:");
  });

  it("exits 2 when a folder holds no test files", () => {
    const run = palisade(["test", "examples/mesh/policy"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no policy test files found in `examples/mesh/policy`");
  });
});
