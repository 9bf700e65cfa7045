import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, removeWorkspace, workspace } from "./e2e-harness.ts";

const POLICY = `service db {
  ingress {
    allow from app port 5432
    deny from intruder
  }
}

service app {
  egress {
    allow to db port 5432
  }
}

service intruder {
  egress {
    allow to db port 5432
  }
}
`;

let root: string;
beforeAll(() => {
  ensureBuilt();
  root = workspace({ "mesh.policy": POLICY });
});
afterAll(() => removeWorkspace(root));

describe("palisade explain", () => {
  it("shows the deciding deny rule with its source line and caret", () => {
    const run = palisade(["explain", "--policy", "mesh.policy", "--request", "-"], {
      cwd: root,
      input: '{"type":"connection","source":"intruder","destination":"db","port":5432}',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("connection intruder -> db:5432/tcp\n  deny denied-by-rule: ");
    expect(run.stdout).toContain("  decided by db/ingress/");
    expect(run.stdout).toContain(" at mesh.policy:4:5");
    expect(run.stdout).toContain(
      "          4 |     deny from intruder\n            |     ^~~~~~~~~~~~~~~~~~\n",
    );
    expect(run.stdout).toMatch(
      / {4}skip {2}ingress rule db\/ingress\/\d \(allow\) at mesh\.policy:3:5: /,
    );
  });

  it("explains a default deny and each request of a JSON array", () => {
    const run = palisade(["explain", "--policy", "mesh.policy", "--request", "-"], {
      cwd: root,
      input: JSON.stringify([
        { type: "connection", source: "app", destination: "db", port: 5432 },
        { type: "egress", source: "db", destination: "app", port: 80 },
      ]),
    });
    expect(run.code).toBe(0);
    const blocks = run.stdout.split("\n\n");
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain("  allow allowed: ");
    expect(blocks[1]).toContain("egress db -> app:80/tcp\n  deny no-matching-rule: ");
    expect(blocks[1]).toContain("  no rule allows it: whatever no rule allows is denied\n");
  });

  it("writes one explanation object per line with --format json", () => {
    const run = palisade(
      ["explain", "--policy", "mesh.policy", "--request", "-", "--format", "json"],
      {
        cwd: root,
        input: '{"type":"connection","source":"intruder","destination":"db","port":5432}',
      },
    );
    expect(run.code).toBe(0);
    const explanation = JSON.parse(run.stdout);
    expect(explanation.decision.reason).toBe("denied-by-rule");
    expect(explanation.steps.some((step: { kind: string }) => step.kind === "rule")).toBe(true);
  });

  it("exits 2 without requests", () => {
    const run = palisade(["explain", "--policy", "mesh.policy"], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("give the requests with `--request FILE`");
  });
});
