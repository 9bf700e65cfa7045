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

  it("fails a case whose request is malformed instead of letting it pass as a deny", () => {
    writeFiles(root, {
      "shape/cases.test.yaml": `policy: ../examples/mesh/policy
now: 2026-11-20T12:00:00Z
cases:
  - name: misspelt type
    request: {type: conection, source: gateway, destination: api-service, port: 8080}
    expect: deny
  - name: misspelt field
    request: {type: ingress, source: gateway, destination: api-service, prot: 8080}
    expect: deny
  - name: missing action
    request: {type: request, destination: api-service, port: 8080}
    expect: deny
  - name: bad port value
    request: {type: connection, source: gateway, destination: api-service, port: 0}
    expect: deny
  - name: token and header at once
    request:
      type: request
      destination: api-service
      port: 8080
      action: orders:read
      headers: {Authorization: Bearer x}
      token: {sub: gateway, scope: orders:read}
    expect: allow
  - name: a malformed request on purpose
    request: {type: conection, source: gateway, destination: api-service, port: 8080}
    expect: deny
    reason: request-malformed
`,
    });
    const run = palisade(["test", "shape"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "shape/cases.test.yaml",
        "  FAIL  misspelt type  (shape/cases.test.yaml:4:5)",
        "        expected: deny",
        "        malformed request: unknown request type `conection`; did you mean `connection`?",
        "  FAIL  misspelt field  (shape/cases.test.yaml:7:5)",
        "        expected: deny",
        "        malformed request: unknown field `prot` in a request of `type: ingress`; " +
          "did you mean `port`?",
        "  FAIL  missing action  (shape/cases.test.yaml:10:5)",
        "        expected: deny",
        "        malformed request: a request of `type: request` needs `action`",
        "  FAIL  bad port value  (shape/cases.test.yaml:13:5)",
        "        expected: deny",
        "        got:      deny, reason request-malformed",
        "                  `port` must be an integer from 1 to 65535",
        "        malformed request: the engine could not read it; a case that means to send a " +
          "malformed request says `reason: request-malformed`",
        "  FAIL  token and header at once  (shape/cases.test.yaml:16:5)",
        "        expected: allow",
        "        malformed case: the token is given both as `token` and in " +
          "`headers.authorization`; give one of them",
        "  ok    a malformed request on purpose",
        "1 passed, 5 failed",
        "",
      ].join("\n"),
    );
  });
});
