import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, REPO, removeWorkspace, workspace } from "./e2e-harness.ts";

const POLICY = `trust {
  issuer "https://idp.test"
  algorithms ES256
  keys "jwks.json"
}

service api {
  ingress {
    allow from web port 8080 scopes items:read
  }
}

service web {
  egress {
    allow to api port 8080
    allow to dns port 53 protocols udp
  }
}

service dns {
  ingress {
    allow from web port 53 protocols udp
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({
    "mesh.policy": POLICY,
    "jwks.json": readFileSync(join(REPO, "examples/mesh/keys/jwks.json"), "utf8"),
  });
});
afterAll(() => removeWorkspace(root));

describe("palisade graph", () => {
  it("draws a Mermaid flowchart by default", () => {
    const run = palisade(["graph", "mesh.policy"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "flowchart LR",
        '  s0["api"]',
        '  s1["dns"]',
        '  s2["web"]',
        '  s2 -->|"8080/tcp items:read"| s0',
        '  s2 -->|"53/udp"| s1',
        "",
      ].join("\n"),
    );
  });

  it("draws a DOT digraph", () => {
    const run = palisade(["graph", "mesh.policy", "--format", "dot"], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  "web" -> "api" [label="8080/tcp items:read"];\n');
    expect(run.stdout.startsWith("digraph palisade {\n")).toBe(true);
  });

  it("lists the edges as JSON, and refuses an unknown format", () => {
    const run = palisade(["graph", "mesh.policy", "--format", "json"], { cwd: root });
    expect(run.code).toBe(0);
    const edges = JSON.parse(run.stdout);
    expect(
      edges.map(
        (edge: { source: string; destination: string }) => `${edge.source}>${edge.destination}`,
      ),
    ).toEqual(["web>api", "web>dns"]);

    const svg = palisade(["graph", "mesh.policy", "--format", "svg"], { cwd: root });
    expect(svg.code).toBe(2);
    expect(svg.stderr).toContain("`--format svg` is not one of `mermaid`, `dot`, `json`");
  });
});
