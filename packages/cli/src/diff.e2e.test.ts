import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, REPO, removeWorkspace, workspace } from "./e2e-harness.ts";

function policy(ports: string, scopes: string): string {
  return `service api {
  ingress {
    allow from web ports ${ports} scopes ${scopes}
  }
}

service web {
  egress {
    allow to api ports 8000..9000
  }
}
`;
}

const JWKS = readFileSync(join(REPO, "examples/mesh/keys/jwks.json"), "utf8");

function trust(maxAge: string): string {
  return `trust {
  issuer "https://idp.test"
  algorithms ES256
  keys "jwks.json"
  max-age ${maxAge}
}

`;
}

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({
    "old/jwks.json": JWKS,
    "old/mesh.policy": `${trust("5m")}${policy("8080", "items:read")}`,
    "wide/jwks.json": JWKS,
    "wide/mesh.policy": `${trust("5m")}${policy("8080..8081", "items:read, items:write")}`,
    "trust-old/jwks.json": JWKS,
    "trust-old/mesh.policy": `${trust("2m")}${policy("8080", "items:read")}`,
    "trust-new/jwks.json": JWKS,
    "trust-new/mesh.policy": `${trust("5m")}${policy("8080", "items:read")}`,
  });
});
afterAll(() => removeWorkspace(root));

describe("palisade diff", () => {
  it("shows the edges and scopes added", () => {
    const run = palisade(["diff", "old", "wide"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("+ web -> api 8081/tcp");
    expect(run.stdout).toContain("items:write");
    expect(run.stdout).not.toContain("\n- ");
  });

  it("exits 1 with --fail-on-widen when access grows", () => {
    const run = palisade(["diff", "old", "wide", "--fail-on-widen"], { cwd: root });
    expect(run.code).toBe(1);
  });

  it("exits 0 with --fail-on-widen when access only shrinks", () => {
    const run = palisade(["diff", "wide", "old", "--fail-on-widen", "--format", "json"], {
      cwd: root,
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.added).toEqual([]);
    expect(report.removed.length).toBeGreaterThan(0);
    expect(report.widens).toBe(false);
  });

  it("says when nothing changed, and compares a compiled file with sources", () => {
    const compiled = palisade(["compile", "old", "-o", "old.json"], { cwd: root });
    expect(compiled.code).toBe(0);
    const run = palisade(["diff", "old.json", "old", "--fail-on-widen"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("no change in what is allowed\n");
  });

  it("reports a longer token max age as a widening trust change", () => {
    const run = palisade(["diff", "trust-old", "trust-new", "--fail-on-widen"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "~ trust max token age: 120s -> 300s (wider)\n" +
        "0 edges added, 0 removed, 1 trust setting changed\n",
    );
  });

  it("exits 2 without exactly two policies", () => {
    const run = palisade(["diff", "old"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("give exactly two policies to compare: OLD NEW");
  });
});
