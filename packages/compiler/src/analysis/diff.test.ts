import type { Ir } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { compileTexts, TRUST } from "../test-helpers.ts";
import { diffIr, type EdgeChange } from "./diff.ts";

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
    expect(diffIr(old, old)).toEqual({ added: [], removed: [], changed: [], widens: false });
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
    expect(diffIr(old, next)).toEqual({ added: [], removed: [], changed: [], widens: false });
  });
});

/** `ports [scopes] except [scopes] kinds (widens)` for each entry of a diff list. */
function show(changes: readonly (EdgeChange & { kinds?: string[]; widens?: boolean })[]): string[] {
  return changes.map((c) => {
    const ports = c.ports.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(",");
    const scopes = c.scopes === null ? "any" : c.scopes.join(",");
    const except = c.exceptScopes.length > 0 ? ` except ${c.exceptScopes.join(",")}` : "";
    const kinds = c.kinds ? ` ${c.kinds.join(",")}${c.widens ? " (widens)" : ""}` : "";
    return `${ports} ${scopes}${except}${kinds}`;
  });
}

const ALLOW_A = 'allow from billing port 8500 when token.tenant == "a"';
const DENY_FREE = 'deny from billing port 8500 when token.tier == "free"';

describe("diffIr on conditions", () => {
  it("reports a removed conditional deny as a widening change", () => {
    const diff = diffIr(irOf(`${ALLOW_A}\n    ${DENY_FREE}`), irOf(ALLOW_A));
    expect([diff.added, diff.removed]).toEqual([[], []]);
    expect(show(diff.changed)).toEqual(["8500 any deny-removed (widens)"]);
    expect(diff.widens).toBe(true);
    expect(diff.changed[0]?.rules.ingress.id).toBe("orders/ingress/0");
  });

  it("reports a loosened allow condition as a widening change", () => {
    const old = irOf(`${ALLOW_A}\n    ${DENY_FREE}`);
    const next = irOf(`allow from billing port 8500 when has token.sub\n    ${DENY_FREE}`);
    const diff = diffIr(old, next);
    expect([diff.added, diff.removed]).toEqual([[], []]);
    expect(show(diff.changed)).toEqual(["8500 any allow-condition-changed (widens)"]);
    expect(diff.widens).toBe(true);
    expect(diff.changed[0]?.when).toEqual({ kind: "has", claim: ["sub"] });
  });

  it("reports an allow condition dropped altogether as widening, and put back as narrowing", () => {
    const old = irOf(ALLOW_A);
    const next = irOf("allow from billing port 8500");
    expect(show(diffIr(old, next).changed)).toEqual(["8500 any allow-condition-removed (widens)"]);
    expect(show(diffIr(next, old).changed)).toEqual(["8500 any allow-condition-narrowed"]);
    expect(diffIr(next, old).widens).toBe(false);
  });

  it("reports a changed conditional deny as widening", () => {
    const next = irOf(`${ALLOW_A}\n    deny from billing port 8500 when token.tier == "trial"`);
    const diff = diffIr(irOf(`${ALLOW_A}\n    ${DENY_FREE}`), next);
    expect(show(diff.changed)).toEqual(["8500 any deny-changed (widens)"]);
    expect(diff.widens).toBe(true);
  });

  it("reports a new conditional deny as narrowing only", () => {
    const diff = diffIr(irOf(ALLOW_A), irOf(`${ALLOW_A}\n    ${DENY_FREE}`));
    expect([diff.added, diff.removed]).toEqual([[], []]);
    expect(show(diff.changed)).toEqual(["8500 any deny-added"]);
    expect(diff.widens).toBe(false);
    expect(diff.changed[0]?.restrictions.map((r) => r.rule.id)).toEqual(["orders/ingress/1"]);
  });
});

describe("diffIr on scopes", () => {
  it("reports scopes put on a rule that had none as narrowing", () => {
    const diff = diffIr(
      irOf("allow from billing port 8500"),
      irOf("allow from billing port 8500 scopes a:b"),
    );
    expect([diff.added, diff.changed, diff.widens]).toEqual([[], [], false]);
    expect(show(diff.removed)).toEqual(["8500 any except a:b"]);
  });

  it("reports scopes taken off a rule as widening to every other action", () => {
    const diff = diffIr(
      irOf("allow from billing port 8500 scopes a:b"),
      irOf("allow from billing port 8500"),
    );
    expect([diff.removed, diff.changed, diff.widens]).toEqual([[], [], true]);
    expect(show(diff.added)).toEqual(["8500 any except a:b"]);
  });

  it("reports a scope added as widening and a scope removed as narrowing, exactly", () => {
    const one = irOf("allow from billing port 8500 scopes a:b");
    const two = irOf("allow from billing port 8500 scopes a:b, a:c");
    const widened = diffIr(one, two);
    expect([show(widened.added), widened.removed, widened.widens]).toEqual([
      ["8500 a:c"],
      [],
      true,
    ]);
    const narrowed = diffIr(two, one);
    expect([narrowed.added, show(narrowed.removed), narrowed.widens]).toEqual([
      [],
      ["8500 a:c"],
      false,
    ]);
  });
});
