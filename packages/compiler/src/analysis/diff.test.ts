import type { Ir } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { compileTexts, TRUST } from "../test-helpers.ts";
import { diffIr } from "./diff.ts";

function irOf(ingress: string): Ir {
  const result = compileTexts({
    "p.policy": `${TRUST}service billing {
  egress {
    allow to orders ports 8000..9000
  }
}
service orders {
  ingress {
    ${ingress}
  }
}
`,
  });
  if (!result.ir) throw new Error(result.summary().join("\n"));
  return result.ir;
}

describe("diffIr", () => {
  it("shows only the added part of a widened range", () => {
    const old = irOf("allow from billing ports 8000..8010");
    const next = irOf("allow from billing ports 8000..8020");
    const diff = diffIr(old, next);
    expect(diff.removed).toEqual([]);
    expect(diff.added.map((e) => [e.source, e.destination, e.protocol, e.ports, e.scopes])).toEqual(
      [["billing", "orders", "tcp", [[8011, 8020]], null]],
    );
    expect(diff.added[0]?.rules.ingress.id).toBe("orders/ingress/0");
  });

  it("shows a narrowed range as removed ports, and nothing for an unchanged policy", () => {
    const old = irOf("allow from billing ports 8000..8010");
    const next = irOf("allow from billing ports 8000..8004, 8006..8010");
    expect(diffIr(old, next).added).toEqual([]);
    expect(diffIr(old, next).removed.map((e) => e.ports)).toEqual([[[8005, 8005]]]);
    expect(diffIr(old, old)).toEqual({ added: [], removed: [] });
  });

  it("diffs scopes one by one", () => {
    const old = irOf("allow from billing port 8443 scopes orders:read");
    const next = irOf(
      "allow from billing port 8443 scopes orders:read, orders:write, orders:admin",
    );
    const diff = diffIr(old, next);
    expect(diff.removed).toEqual([]);
    expect(diff.added.map((e) => [e.ports, e.scopes])).toEqual([
      [[[8443, 8443]], ["orders:admin", "orders:write"]],
    ]);
  });

  it("ignores changes that allow nothing new, like moving a port between rules", () => {
    const old = irOf("allow from billing ports 8000, 8001");
    const next = irOf("allow from billing port 8001\n    allow from billing port 8000");
    expect(diffIr(old, next)).toEqual({ added: [], removed: [] });
  });
});
