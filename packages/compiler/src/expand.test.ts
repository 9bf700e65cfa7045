import { describe, expect, it } from "vitest";
import { compileTexts, TRUST } from "./test-helpers.ts";

describe("expanding rules", () => {
  it("merges and sorts port ranges", () => {
    const result = compileTexts({
      "a.policy": `service a {
  ingress {
    allow from a ports 9090, 8005, 8000..8004, 8006..8010, 80
  }
  egress {
    allow to a ports 1..65535
  }
}
`,
    });
    expect(result.ir?.services[0]?.ingress[0]?.ports).toEqual([
      [80, 80],
      [8000, 8010],
      [9090, 9090],
    ]);
  });

  it("splits peer-level ports into separate IR rules and groups peers with equal ports", () => {
    const result = compileTexts({
      "a.policy": `service api {
  egress {
    allow to database (port 5432), cache (port 6379), queue (port 5432)
  }
}
`,
    });
    const rules = result.ir?.services[0]?.egress ?? [];
    expect(rules.map((r) => [r.id, r.peers, r.ports])).toEqual([
      ["api/egress/0", { kind: "services", ids: ["cache"] }, [[6379, 6379]]],
      ["api/egress/1", { kind: "services", ids: ["database", "queue"] }, [[5432, 5432]]],
    ]);
    expect(rules[0]?.span).toEqual(rules[1]?.span);
  });

  it("keeps `any` in its own rule, with sorted exceptions", () => {
    const result = compileTexts({
      "a.policy": `service dns {
  ingress {
    allow from b, any except z1, m1 port 53 protocols udp, tcp
  }
}
`,
    });
    const rules = result.ir?.services[0]?.ingress ?? [];
    expect(rules.map((r) => r.peers)).toEqual([
      { kind: "any", except: ["m1", "z1"] },
      { kind: "services", ids: ["b"] },
    ]);
    expect(rules[0]?.protocols).toEqual(["tcp", "udp"]);
  });

  it("defaults protocols to TCP alone", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from a port 53\n  }\n}\n",
    });
    expect(result.ir?.services[0]?.ingress[0]?.protocols).toEqual(["tcp"]);
  });

  it("gives a deny without ports every port", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    deny from legacy\n  }\n}\n",
    });
    expect(result.ir?.services[0]?.ingress[0]?.ports).toEqual([[1, 65535]]);
  });

  it("sorts and deduplicates scopes and writes conditions without spans", () => {
    const result = compileTexts({
      "a.policy": `${TRUST}service a {
  ingress {
    allow from a port 80 scopes b:write, a:read, b:write
      when token.tenant in ["x", 2] and not has token.trial
  }
  egress {
    allow to a port 80
  }
}
`,
    });
    const rule = result.ir?.services[0]?.ingress[0];
    expect(rule?.scopes).toEqual(["a:read", "b:write"]);
    expect(rule?.when).toEqual({
      kind: "and",
      left: { kind: "in", claim: ["tenant"], values: ["x", 2] },
      right: { kind: "not", operand: { kind: "has", claim: ["trial"] } },
    });
  });

  it("a claim path longer than the IR holds is an error, not a shortened path", () => {
    const result = compileTexts({
      "a.policy": `${TRUST}service a {
  ingress {
    allow from a port 80 when token.a.b.c.d.e.f.g.h.i == 1
  }
}
`,
    });
    expect(result.withCode("check/claim-path-too-deep").map(result.underline)).toEqual([
      "token.a.b.c.d.e.f.g.h.i == 1",
    ]);
    const fits = compileTexts({
      "a.policy": `${TRUST}service a {
  ingress {
    allow from a port 80 when token.a.b.c.d.e.f.g.h == 1
  }
}
`,
    });
    expect(fits.withCode("check/claim-path-too-deep")).toEqual([]);
  });
});

describe("an allow rule must state its ports", () => {
  it("no ports on the rule nor on any peer is an error with the all-ports hint", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from a\n  }\n}\n",
    });
    expect(result.summary()).toEqual(["check/allow-without-ports error «allow from a»"]);
    expect(result.diagnostics[0]?.help).toBe("write `ports 1..65535` to allow all ports");
  });

  it("a peer left without ports, when others have some, is an error at that peer", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from a (port 80), b\n  }\n}\n",
    });
    expect(result.withCode("check/allow-without-ports").map(result.underline)).toEqual(["b"]);
  });

  it("ports on every peer, or on the rule, are enough", () => {
    const result = compileTexts({
      "a.policy": `service a {
  ingress {
    allow from a (port 80), b (port 81)
    allow from c ports 1..65535
  }
}
`,
    });
    expect(result.withCode("check/allow-without-ports")).toEqual([]);
  });
});
