import { describe, expect, it } from "vitest";
import { compileTexts } from "./test-helpers.ts";

const ORDERS = `service orders {
  port https 8443
  port metrics 9090
  ingress {
    allow from billing port https
  }
}
`;

describe("named ports", () => {
  it("resolve on the destination: an egress rule's name is looked up on the peer", () => {
    const result = compileTexts({
      "orders.policy": ORDERS,
      "billing.policy": `service billing {
  port https 9443
  egress {
    allow to orders port https
  }
}
`,
    });
    expect(result.summary()).toEqual([]);
    const billing = result.ir?.services.find((s) => s.id === "billing");
    expect(billing?.egress[0]?.ports).toEqual([[8443, 8443]]);
    const orders = result.ir?.services.find((s) => s.id === "orders");
    expect(orders?.ingress[0]?.ports).toEqual([[8443, 8443]]);
  });

  it("a name the destination does not declare is an error at the name", () => {
    const result = compileTexts({
      "orders.policy": ORDERS.replace("port https\n", "ports https, http\n"),
      "billing.policy": "service billing {\n  egress {\n    allow to orders port 8443\n  }\n}\n",
    });
    expect(result.ir).toBeNull();
    expect(result.summary()).toEqual(["check/unknown-named-port error «http»"]);
    expect(result.diagnostics[0]?.message).toBe("unknown named port `http` on `orders`");
    expect(result.diagnostics[0]?.help).toBe("did you mean `https`?");
  });

  it("a name used toward a service the set does not define is an error", () => {
    const result = compileTexts({
      "billing.policy": "service billing {\n  egress {\n    allow to orders port https\n  }\n}\n",
    });
    expect(result.summary()).toEqual([
      "check/undefined-peer warning «orders»",
      "check/unknown-named-port error «https»",
    ]);
    expect(result.withCode("check/unknown-named-port")[0]?.message).toBe(
      "unknown named port `https`: `orders` is not defined in this policy set",
    );
  });

  it("a name in an egress rule to `any` is an error: destinations number it differently", () => {
    const result = compileTexts({
      "billing.policy": "service billing {\n  egress {\n    allow to any port https\n  }\n}\n",
    });
    expect(result.withCode("check/named-port-on-any").map(result.underline)).toEqual(["https"]);
    expect(result.ir).toBeNull();
  });

  it("a name in an ingress rule from `any` resolves on the service itself", () => {
    const result = compileTexts({
      "orders.policy":
        "service orders {\n  port https 8443\n  ingress {\n    allow from any port https\n  }\n}\n",
    });
    expect(result.ir?.services[0]?.ingress[0]?.ports).toEqual([[8443, 8443]]);
    expect(result.withCode("check/named-port-on-any")).toEqual([]);
  });

  it("one rule-level name shared by several egress peers resolves per peer", () => {
    const result = compileTexts({
      "a.policy": `service a {
  egress {
    allow to b, c port web
  }
}
service b {
  port web 8080
  ingress {
    allow from a port web
  }
}
service c {
  port web 9090
  ingress {
    allow from a port web
  }
}
`,
    });
    expect(result.summary()).toEqual([]);
    expect(
      result.ir?.services[0]?.egress.map(
        (r) => `${JSON.stringify(r.peers)} ${JSON.stringify(r.ports)}`,
      ),
    ).toEqual([
      '{"kind":"services","ids":["b"]} [[8080,8080]]',
      '{"kind":"services","ids":["c"]} [[9090,9090]]',
    ]);
  });

  it("an unknown name shared by several ingress peers is reported once", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from b, c port web\n  }\n}\n",
    });
    expect(result.withCode("check/unknown-named-port").map(result.underline)).toEqual(["web"]);
  });

  it("a name declared twice in one service is an error at the second", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  port web 80\n  port web 81\n}\n",
    });
    expect(result.summary()).toEqual(["check/duplicate-port-name error «port web 81»"]);
    expect(result.diagnostics[0]?.related?.map((r) => result.underline(r))).toEqual([
      "port web 80",
    ]);
  });

  it("a service without duplicate names compiles", () => {
    const result = compileTexts({ "a.policy": "service a {\n  port web 80\n  port api 81\n}\n" });
    expect(result.summary()).toEqual([]);
  });
});

describe("port numbers", () => {
  it("ports outside 1-65535 and ranges that end first are errors, reported once", () => {
    const result = compileTexts({
      "a.policy":
        "service a {\n  ingress {\n    allow from b ports 0, 65536, 10..5, 1..65535\n  }\n}\n",
    });
    expect(result.ir).toBeNull();
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map(result.underline)).toEqual(["0", "65536", "10..5"]);
  });

  it("the bounds themselves are fine", () => {
    const result = compileTexts({
      "a.policy": `service a {
  ingress {
    allow from a ports 1, 65535
  }
  egress {
    allow to a ports 1, 65535
  }
}
`,
    });
    expect(result.summary()).toEqual([]);
    expect(result.ir?.services[0]?.ingress[0]?.ports).toEqual([
      [1, 1],
      [65535, 65535],
    ]);
  });
});

/** An `orders` NetworkPolicy in YAML with the given `spec` lines. */
function yaml(spec: string): string {
  return `apiVersion: dilmune.com/v1
kind: NetworkPolicy
metadata:
  name: orders
spec:
${spec}`;
}

describe("faults both a front end and the compiler know", () => {
  it("ports on the rule and on a peer at once are reported once, by the front end", () => {
    const dsl = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from b (port 80) port 90\n  }\n}\n",
    });
    expect(dsl.ir).toBeNull();
    expect(dsl.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "parse/ports-on-rule-and-peer",
    ]);
    const fromYaml = compileTexts({
      "a.yaml": yaml(
        `  ingress:
    - from:
        - service: billing
          ports: [80]
      ports: [80]
`,
      ),
    });
    expect(fromYaml.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "yaml/ports-on-rule-and-peer",
    ]);
  });

  it("a YAML range that ends before it starts is reported by the compiler", () => {
    const result = compileTexts({
      "a.yaml": yaml(
        `  ingress:
    - from:
        - service: billing
      ports: [{port: 10, endPort: 5}]
`,
      ),
    });
    expect(
      result.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.code} «${result.underline(d)}»`),
    ).toEqual(["check/empty-port-range «{port: 10, endPort: 5}»"]);
  });

  it("a YAML name the destination does not declare is an error", () => {
    const result = compileTexts({
      "a.yaml": yaml(
        `  ports: {https: 8443}
  ingress:
    - from:
        - service: billing
      ports: [http]
`,
      ),
    });
    expect(result.withCode("check/unknown-named-port").map(result.underline)).toEqual(["http"]);
  });
});
