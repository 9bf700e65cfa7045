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

/** The tester's case: an allow under a condition, narrowed by a conditional deny. */
function ledger(allowWhen: string, deny: boolean, scopes = ""): string {
  const denyLine = deny ? '\n    deny from billing port 7000 when token.tier == "free"' : "";
  return `${trust("5m")}service billing {
  egress {
    allow to ledger port 7000
  }
}

service ledger {
  ingress {
    allow from billing port 7000${scopes}${allowWhen}${denyLine}
  }
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
    "v1/jwks.json": JWKS,
    "v1/mesh.policy": ledger(' when token.tenant == "a"', true),
    "v3/jwks.json": JWKS,
    "v3/mesh.policy": ledger(' when token.tenant == "a"', false),
    "v4/jwks.json": JWKS,
    "v4/mesh.policy": ledger(" when has token.sub", true),
    "open/jwks.json": JWKS,
    "open/mesh.policy": ledger("", false),
    "scoped/jwks.json": JWKS,
    "scoped/mesh.policy": ledger("", false, " scopes a:b"),
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
        "0 edges added, 0 removed, 0 with other conditions, 1 trust setting changed: " +
        "access widens\n",
    );
  });

  it("fails on a deleted conditional deny, compared with the compiled old policy", () => {
    expect(palisade(["compile", "v1", "-o", "v1.json"], { cwd: root }).code).toBe(0);
    const run = palisade(["diff", "v1.json", "v3", "--fail-on-widen"], { cwd: root });
    expect(run.stdout).toBe(
      "~ billing -> ledger 7000/tcp (conditional): conditional deny removed (wider)\n" +
        "0 edges added, 0 removed, 1 with other conditions, 0 trust settings changed: " +
        "access widens\n",
    );
    expect(run.code).toBe(1);
  });

  it("fails on a loosened allow condition, and says so in json", () => {
    const run = palisade(["diff", "v1", "v4", "--fail-on-widen", "--format", "json"], {
      cwd: root,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect([report.added, report.removed, report.widens]).toEqual([[], [], true]);
    expect(
      report.changed.map((c: { kinds: string[]; widens: boolean; ports: number[][] }) => [
        c.kinds,
        c.widens,
        c.ports,
      ]),
    ).toEqual([[["allow-condition-changed"], true, [[7000, 7000]]]]);
  });

  it("passes when a conditional deny is added: narrower only", () => {
    const run = palisade(["diff", "v3", "v1", "--fail-on-widen"], { cwd: root });
    expect(run.stdout).toBe(
      "~ billing -> ledger 7000/tcp (conditional): conditional deny added\n" +
        "0 edges added, 0 removed, 1 with other conditions, 0 trust settings changed\n",
    );
    expect(run.code).toBe(0);
  });

  it("passes when scopes are put on a rule that had none, and fails the other way", () => {
    const narrower = palisade(["diff", "open", "scoped", "--fail-on-widen"], { cwd: root });
    expect(narrower.stdout).toBe(
      "- billing -> ledger 7000/tcp any scope except a:b\n" +
        "0 edges added, 1 removed, 0 with other conditions, 0 trust settings changed\n",
    );
    expect(narrower.code).toBe(0);
    const wider = palisade(["diff", "scoped", "open", "--fail-on-widen"], { cwd: root });
    expect(wider.stdout).toBe(
      "+ billing -> ledger 7000/tcp any scope except a:b\n" +
        "1 edge added, 0 removed, 0 with other conditions, 0 trust settings changed: " +
        "access widens\n",
    );
    expect(wider.code).toBe(1);
  });

  it("exits 2 without exactly two policies", () => {
    const run = palisade(["diff", "old"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("give exactly two policies to compare: OLD NEW");
  });
});
