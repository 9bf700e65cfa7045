import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyMesh,
  ensureBuilt,
  palisade,
  REPO,
  removeWorkspace,
  workspace,
} from "./e2e-harness.ts";

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace();
  copyMesh(root);
});
afterAll(() => removeWorkspace(root));

describe("palisade demo", () => {
  it("decides real signed requests on the mesh with reasons and source lines", () => {
    const run = palisade(["demo", "examples/mesh"], { cwd: REPO });
    expect(run.code).toBe(0);
    for (const expected of [
      "allow    allowed: ",
      "deny     token-wrong-audience: ",
      "deny     token-expired: ",
      "deny     no-matching-rule: ",
      "deny     token-scope-missing: ",
      "deny     action-not-permitted: ",
      "rule api-service/ingress/",
      " at examples/mesh/policy/api.policy:8:5",
      "6 requests decided as expected",
    ]) {
      expect(run.stdout).toContain(expected);
    }
  });

  it("gives one JSON object per request, each as expected", () => {
    const run = palisade(["demo", "examples/mesh", "--format", "json"], { cwd: root });
    expect(run.code).toBe(0);
    const results = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(results.map((result) => result.decision.reason)).toEqual([
      "allowed",
      "token-wrong-audience",
      "token-expired",
      "no-matching-rule",
      "token-scope-missing",
      "action-not-permitted",
    ]);
    expect(results.every((result) => result.asExpected === true)).toBe(true);
  });

  it("exits 2 for a folder without example keys", () => {
    const run = palisade(["demo", "examples/mesh/policy"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "found none at `examples/mesh/policy/keys/EXAMPLE-ONLY-private-keys.json`",
    );
  });
});
