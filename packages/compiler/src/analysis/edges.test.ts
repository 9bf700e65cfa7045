import type { Ir } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { compileTexts, TRUST } from "../test-helpers.ts";
import { allowedEdges, type Edge } from "./edges.ts";

function irOf(text: string): Ir {
  const result = compileTexts({ "p.policy": `${TRUST}${text}` });
  if (!result.ir) throw new Error(result.summary().join("\n"));
  return result.ir;
}

/** `source -> destination protocol ports [scopes] (conditional) via ingress-id egress-id`. */
function show(edge: Edge): string {
  const ports = edge.ports.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(",");
  const scopes = edge.scopes ? ` [${edge.scopes.join(",")}]` : "";
  const conditional = edge.conditional ? " (conditional)" : "";
  const via = `via ${edge.rules.ingress.id} ${edge.rules.egress.id}`;
  const what = `${edge.protocol} ${ports}${scopes}${conditional}`;
  return `${edge.source} -> ${edge.destination} ${what} ${via}`;
}

describe("allowedEdges", () => {
  it("intersects egress and ingress and removes denied ports", () => {
    const ir = irOf(`service billing {
  egress {
    allow to orders ports 8000..8010 protocols tcp, udp
  }
}
service orders {
  ingress {
    allow from billing ports 8005..8020 scopes orders:read
    deny from billing port 8007
  }
}
`);
    expect(allowedEdges(ir).map(show)).toEqual([
      "billing -> orders tcp 8005..8006,8008..8010 [orders:read] via orders/ingress/0 " +
        "billing/egress/0",
    ]);
  });

  it("expands `any`, honours `except`, and gives one edge per pair of rules", () => {
    const ir = irOf(`service a {
  egress {
    allow to any except c port 53 protocols udp
  }
}
service b {
  ingress {
    allow from any port 53 protocols udp
    allow from a ports 50..60 protocols udp, tcp
  }
}
service c {
  ingress {
    allow from a port 53 protocols udp
  }
}
`);
    expect(allowedEdges(ir).map(show)).toEqual([
      "a -> b udp 53 via b/ingress/0 a/egress/0",
      "a -> b udp 53 via b/ingress/1 a/egress/0",
    ]);
  });

  it("treats conditions the way decisions do: egress never has a token", () => {
    const ir = irOf(`service a {
  egress {
    allow to b ports 80, 81
    allow to c port 90 when has token.x
    deny to b port 81 when has token.y
  }
}
service b {
  ingress {
    allow from a port 80 when token.tenant == "t"
    allow from a port 81
  }
}
service c {
  ingress {
    allow from a port 90
  }
}
`);
    expect(allowedEdges(ir).map(show)).toEqual([
      "a -> b tcp 80 (conditional) via b/ingress/0 a/egress/0",
    ]);
  });

  it("keeps ports behind a token-dependent ingress deny, marking the edge conditional", () => {
    const ir = irOf(`service a {
  egress {
    allow to b ports 80, 81
  }
}
service b {
  ingress {
    allow from a ports 80, 81
    deny from a port 81 when has token.trial
    deny from a ports 80..90 when token.tier == "free"
  }
}
`);
    const edges = allowedEdges(ir);
    expect(edges.map(show)).toEqual(["a -> b tcp 80..81 (conditional) via b/ingress/0 a/egress/0"]);
    expect(edges[0]?.when).toBeNull();
    expect(edges[0]?.restrictions.map((r) => [r.rule.id, r.ports, r.scopes, r.when])).toEqual([
      [
        "b/ingress/1",
        [[80, 81]],
        null,
        { kind: "compare", claim: ["tier"], op: "==", value: "free" },
      ],
      ["b/ingress/2", [[81, 81]], null, { kind: "has", claim: ["trial"] }],
    ]);
  });

  it("throws TypeError for something that is not an IR", () => {
    expect(() => allowedEdges({} as Ir)).toThrow(TypeError);
  });
});
