/**
 * Cases 15, 16, 17, 19 and 20 of the shared cases file: network-policy semantics. Connection
 * decisions are asked of the engine directly; requests carry the baseline token.
 */
import { describe, expect, it } from "vitest";
import {
  baselineSources,
  type CaseSource,
  claims,
  compileCase,
  decideRequest,
  engineFor,
  mustCompile,
  SERVICES_DSL,
  T,
  TRUST_DSL,
  TRUST_YAML,
  token,
  underlined,
} from "./fixture.ts";

const BILLING_YAML = `apiVersion: dilmune.com/v1
kind: NetworkPolicy
metadata:
  name: billing
spec:
  egress:
    - to:
        - service: orders
      ports: [8443]
`;

/** The YAML policy set with `orders`' spec written by the case. */
function ordersYaml(ordersSpec: string): CaseSource[] {
  const orders = `apiVersion: dilmune.com/v1
kind: NetworkPolicy
metadata:
  name: orders
spec:
${ordersSpec}`;
  return [{ file: "cases/set.yaml", text: [TRUST_YAML, BILLING_YAML, orders].join("---\n") }];
}

const billingToOrders = { source: "billing", destination: "orders", port: 8443 } as const;

describe("case 15: empty list, absent, one empty rule", () => {
  it.each([
    ["15a: ingress: []", "  ports:\n    https: 8443\n  ingress: []\n"],
    ["15b: ingress absent", "  ports:\n    https: 8443\n"],
    ["15f: ingress: null", "  ingress: null\n"],
    ["15f: ingress: ~", "  ingress: ~\n"],
  ])("%s denies", async (_name, spec) => {
    const engine = engineFor(mustCompile(ordersYaml(spec)));
    expect(engine.connection(billingToOrders)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
    expect(await decideRequest(engine, `Bearer ${T()}`)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
  });

  it.each([
    ["15c: ingress: [{}]", "  ingress: [{}]\n", /empty/i],
    ["15d: from: []", "  ingress:\n    - from: []\n      ports: [8443]\n", /empty/i],
    [
      "15e: ports: []",
      "  ingress:\n    - from:\n        - service: billing\n      ports: []\n",
      /empty/i,
    ],
  ])("%s is a compile error", (_name, spec, message) => {
    const result = compileCase(ordersYaml(spec));
    expect(result.ir).toBeNull();
    expect(result.errors.map((d) => d.message).join("\n")).toMatch(message);
  });
});

describe("case 16: a missing side means deny", () => {
  it("16a: orders admits billing, billing has no egress section", () => {
    const services = `
service orders {
  ingress {
    allow from billing port 8443
  }
}
service billing {
}
`;
    const engine = engineFor(mustCompile(baselineSources({ services })));
    expect(engine.ingress(billingToOrders).decision).toBe("allow");
    expect(engine.connection(billingToOrders)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
      side: "egress",
    });
  });

  it("16b: billing may reach orders, orders has no ingress section", () => {
    const services = `
service billing {
  egress {
    allow to orders port 8443
  }
}
service orders {
}
`;
    const engine = engineFor(mustCompile(baselineSources({ services })));
    expect(engine.egress(billingToOrders).decision).toBe("allow");
    expect(engine.connection(billingToOrders)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
      side: "ingress",
    });
  });

  it("16c: a service that appears in no policy at all is denied", async () => {
    const services = SERVICES_DSL.replace(/service cache \{\s*\}/, "");
    const engine = engineFor(mustCompile(baselineSources({ services })));
    const query = { source: "billing", destination: "cache", port: 6379 };
    expect(engine.connection(query)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
    const t = token({ payload: claims({ aud: "cache" }) });
    expect(
      await decideRequest(engine, `Bearer ${t}`, { destination: "cache", port: 6379 }),
    ).toMatchObject({ decision: "deny", reason: "no-matching-rule" });
  });

  it("16d: a Kubernetes-style policyTypes field is an unknown field", () => {
    const sources = ordersYaml("  policyTypes: [Ingress]\n");
    const result = compileCase(sources);
    expect(result.ir).toBeNull();
    expect(underlined(sources, result.errors)).toContain("policyTypes");
  });
});

describe("case 17: default-deny egress, protocols and port translation", () => {
  const dnsAdmits = (port: number, protocols = "") => `
service dns {
  ingress {
    allow from billing port ${port}${protocols}
  }
}
`;

  it("17a: egress without dns denies dns, with a warning that the edge is half-open", () => {
    const services = SERVICES_DSL.replace(
      /service dns \{\s*\}/,
      dnsAdmits(53, " protocols udp, tcp"),
    );
    const result = compileCase(baselineSources({ services }));
    expect(result.errors).toEqual([]);
    const engine = engineFor(result.ir ?? mustCompile([]));
    expect(engine.connection({ source: "billing", destination: "dns", port: 53 })).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
    const halfOpen = result.warnings.filter(
      (d) => d.message.includes("billing") && d.message.includes("dns"),
    );
    expect(halfOpen.length).toBeGreaterThan(0);
  });

  function withDnsEgress(protocols: string, dnsPort: number) {
    const services = SERVICES_DSL.replace(
      "allow to inventory port 9000",
      `allow to inventory port 9000\n    allow to dns port ${dnsPort}${protocols}`,
    ).replace(/service dns \{\s*\}/, dnsAdmits(dnsPort, " protocols udp, tcp"));
    return engineFor(mustCompile(baselineSources({ services })));
  }

  it("17b: a port without a protocol means TCP only", () => {
    const engine = withDnsEgress("", 53);
    const udp = { source: "billing", destination: "dns", port: 53, protocol: "udp" } as const;
    expect(engine.connection(udp)).toMatchObject({ decision: "deny", reason: "no-matching-rule" });
    expect(engine.connection({ ...udp, protocol: "tcp" }).decision).toBe("allow");
  });

  it("17b: explicit udp and tcp allow UDP", () => {
    const engine = withDnsEgress(" protocols udp, tcp", 53);
    const udp = { source: "billing", destination: "dns", port: 53, protocol: "udp" } as const;
    expect(engine.connection(udp)).toMatchObject({ decision: "allow", reason: "allowed" });
  });

  it("17c: there is no service-port translation", () => {
    const on53 = withDnsEgress(" protocols udp, tcp", 53);
    const query = { source: "billing", destination: "dns", port: 5353 } as const;
    expect(on53.connection(query)).toMatchObject({ decision: "deny", reason: "no-matching-rule" });
    const on5353 = withDnsEgress(" protocols udp, tcp", 5353);
    expect(on5353.connection(query)).toMatchObject({ decision: "allow", reason: "allowed" });
  });
});

describe("case 19: port ranges and named ports", () => {
  const withOrdersPorts = (ports: string, egressPorts = ports) =>
    SERVICES_DSL.replace(
      "allow from billing port 8443 scopes orders:read",
      `allow from billing ${ports}`,
    ).replace("allow to orders port 8443", `allow to orders ${egressPorts}`);

  it("19a: every port of a range, and none outside it", () => {
    const services = withOrdersPorts("ports 8000..8010");
    const engine = engineFor(mustCompile(baselineSources({ services })));
    for (const port of [8000, 8005, 8010]) {
      expect(engine.connection({ ...billingToOrders, port }).decision).toBe("allow");
    }
    for (const port of [8011, 7999]) {
      expect(engine.connection({ ...billingToOrders, port })).toMatchObject({
        decision: "deny",
        reason: "no-matching-rule",
      });
    }
  });

  it.each([
    ["8010..8000", "ports 8010..8000"],
    ["https..9000", "ports https..9000"],
    ["0", "port 0"],
    ["65536", "port 65536"],
    ["-1", "port -1"],
  ])("19b: %s is a compile error", (_name, ports) => {
    const result = compileCase(baselineSources({ services: withOrdersPorts(ports, "port 8443") }));
    expect(result.ir).toBeNull();
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it("19b: YAML ranges that end before they start are a compile error", () => {
    const sources = ordersYaml(
      "  ingress:\n    - from:\n        - service: billing\n      ports:\n        - port: 8010\n          endPort: 8000\n",
    );
    expect(compileCase(sources).ir).toBeNull();
  });

  it("19c: a named port resolves on the destination", () => {
    const services = withOrdersPorts("port https", "port 8443");
    const engine = engineFor(mustCompile(baselineSources({ services })));
    expect(engine.ingress({ ...billingToOrders, port: 8443 }).decision).toBe("allow");
    expect(engine.ingress({ ...billingToOrders, port: 9443 })).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
  });

  it("19c: in an egress rule too, the name is the destination's", () => {
    const services = withOrdersPorts("port 8443", "port https");
    const engine = engineFor(mustCompile(baselineSources({ services })));
    expect(engine.egress({ ...billingToOrders, port: 8443 }).decision).toBe("allow");
    expect(engine.egress({ ...billingToOrders, port: 9443 }).decision).toBe("deny");
  });

  it("19d: a port name the destination does not declare is a compile error", () => {
    const sources = baselineSources({ services: withOrdersPorts("port http", "port 8443") });
    const result = compileCase(sources);
    expect(result.ir).toBeNull();
    expect(underlined(sources, result.errors)).toContain("http");
  });

  it("19e: a port number too large for the IR is an error, never truncated", () => {
    const result = compileCase(
      baselineSources({ services: withOrdersPorts("port 4294975739", "port 8443") }),
    );
    expect(result.ir).toBeNull();
  });
});

describe("case 20: allows are a union, except is not a deny, deny wins in any order", () => {
  it("20a: an except on one allow does not stop another allow", () => {
    const services = SERVICES_DSL.replace(
      "allow from billing port 8443 scopes orders:read",
      "allow from any except inventory port 8443\n    allow from inventory port 8443",
    ).replace(
      "service inventory {",
      "service inventory {\n  egress {\n    allow to orders port 8443\n  }",
    );
    const engine = engineFor(mustCompile(baselineSources({ services })));
    expect(
      engine.connection({ source: "inventory", destination: "orders", port: 8443 }),
    ).toMatchObject({ decision: "allow", reason: "allowed" });
  });

  const denyRule = "deny from inventory";
  const allowRule = "allow from any port 8443";
  const inventoryEgress =
    "service inventory {\n  egress {\n    allow to orders port 8443\n  }\n}\n";

  function oneFile(first: string, second: string): CaseSource[] {
    return [
      {
        file: "cases/one.policy",
        text: `${TRUST_DSL()}service orders {\n  ingress {\n    ${first}\n    ${second}\n  }\n}\n${inventoryEgress}`,
      },
    ];
  }

  /**
   * One service's rules live in one file, so the split puts the deny on the caller's egress in
   * one file and the allow on the destination's ingress in the other.
   */
  function twoFiles(firstFile: "deny" | "allow"): CaseSource[] {
    const deny: CaseSource = {
      file: "cases/deny.policy",
      text: "service inventory {\n  egress {\n    deny to orders\n    allow to orders port 8443\n  }\n}\n",
    };
    const allow: CaseSource = {
      file: "cases/allow.policy",
      text: `${TRUST_DSL()}service orders {\n  ingress {\n    ${allowRule}\n  }\n}\n`,
    };
    return firstFile === "deny" ? [deny, allow] : [allow, deny];
  }

  it.each([
    ["deny first", oneFile(denyRule, allowRule)],
    ["allow first", oneFile(allowRule, denyRule)],
    ["deny file first", twoFiles("deny")],
    ["allow file first", twoFiles("allow")],
  ])("20b: %s → denied-by-rule", (_name, sources) => {
    const engine = engineFor(mustCompile(sources));
    const decision = engine.connection({ source: "inventory", destination: "orders", port: 8443 });
    expect(decision).toMatchObject({ decision: "deny", reason: "denied-by-rule" });
    expect(decision.rule?.id).toMatch(/^(orders\/ingress|inventory\/egress)\//);
  });

  it("20b: the four variants compile to the same hash", () => {
    const hashes = [
      oneFile(denyRule, allowRule),
      oneFile(allowRule, denyRule),
      twoFiles("deny"),
      twoFiles("allow"),
    ].map((sources) => mustCompile(sources).hash);
    expect(new Set(hashes.slice(0, 2)).size).toBe(1);
    expect(new Set(hashes.slice(2)).size).toBe(1);
  });

  it("20c: a deny on one port leaves the other port of the allow", () => {
    const services = SERVICES_DSL.replace(
      "service inventory {",
      `service inventory {\n  egress {\n    allow to orders ports 8443, 9000\n  }`,
    ).replace(
      "allow from billing port 8443 scopes orders:read",
      "deny from inventory port 9000\n    allow from inventory ports 8443, 9000",
    );
    const engine = engineFor(mustCompile(baselineSources({ services })));
    const query = { source: "inventory", destination: "orders" } as const;
    expect(engine.connection({ ...query, port: 8443 })).toMatchObject({ decision: "allow" });
    expect(engine.connection({ ...query, port: 9000 })).toMatchObject({
      decision: "deny",
      reason: "denied-by-rule",
    });
  });

  it("20d: shuffling rules keeps the hash and every decision", () => {
    const rules = [
      "deny from inventory port 9000",
      "allow from inventory ports 8443, 9000",
      "allow from billing port 8443 scopes orders:read",
      "allow from any except dns port 7000",
    ];
    const build = (order: readonly string[]) =>
      mustCompile(
        baselineSources({
          services: `service orders {\n  ingress {\n    ${order.join("\n    ")}\n  }\n}\n`,
        }),
      );
    const reference = build(rules);
    const permutations = [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ];
    for (const order of permutations) {
      const shuffled = build(order.map((i) => rules[i] ?? ""));
      expect(shuffled.hash).toBe(reference.hash);
      const a = engineFor(reference);
      const b = engineFor(shuffled);
      for (const source of ["inventory", "billing", "dns", "cache"]) {
        for (const port of [7000, 8443, 9000, 9001]) {
          const query = { source, destination: "orders", port };
          const left = a.ingress(query);
          const right = b.ingress(query);
          expect([right.decision, right.reason, right.rule?.id]).toEqual([
            left.decision,
            left.reason,
            left.rule?.id,
          ]);
        }
      }
    }
  });
});
