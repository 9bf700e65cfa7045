/**
 * Cases 24, 25, 27, 28, 29 and 30 of the shared cases file: conditions that cannot be evaluated,
 * typos that would widen a rule, YAML 1.1 scalars, duplicate keys, alias bombs and deep nesting.
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
  TRUST_DSL,
  TRUST_YAML,
  token,
  underlined,
} from "./fixture.ts";

/** A YAML policy set: the trust document plus one NetworkPolicy document for `name`. */
function yamlSet(name: string, spec: string, trust: string = TRUST_YAML): CaseSource[] {
  const doc = `apiVersion: dilmune.com/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
  return [{ file: "cases/set.yaml", text: `${trust}---\n${doc}` }];
}

function expectCompileError(sources: readonly CaseSource[], pattern?: RegExp): void {
  const result = compileCase(sources);
  expect(result.ir).toBeNull();
  expect(result.errors.length).toBeGreaterThan(0);
  if (pattern) expect(result.errors.map((d) => d.message).join("\n")).toMatch(pattern);
}

describe("case 24: a deny that cannot be evaluated still denies", () => {
  const services = SERVICES_DSL.replace(
    "allow from billing port 8443 scopes orders:read",
    'allow from billing port 8443 scopes orders:read\n    deny from billing when token.tenant in ["a", "b"]',
  );
  const engine = engineFor(mustCompile(baselineSources({ services })));

  it("24a: a tenant of the wrong type makes the deny match", async () => {
    const t = token({ payload: claims({ tenant: 7 }) });
    expect(await decideRequest(engine, `Bearer ${t}`)).toMatchObject({
      decision: "deny",
      reason: "denied-by-rule",
    });
  });

  it("24b: a missing tenant makes the deny match", async () => {
    const t = token({ payload: claims() });
    expect(await decideRequest(engine, `Bearer ${t}`)).toMatchObject({
      decision: "deny",
      reason: "denied-by-rule",
    });
  });

  it("24b: a tenant outside the list is not denied by the rule", async () => {
    const t = token({ payload: claims({ tenant: "c" }) });
    expect(await decideRequest(engine, `Bearer ${t}`)).toMatchObject({ decision: "allow" });
  });

  it("24c: an allow whose condition cannot be evaluated grants nothing", async () => {
    const conditional = SERVICES_DSL.replace(
      "allow from billing port 8443 scopes orders:read",
      'allow from billing port 8443 scopes orders:read when token.tenant == "a"',
    );
    const conditionalEngine = engineFor(mustCompile(baselineSources({ services: conditional })));
    const t = token({ payload: claims({ tenant: ["a"] }) });
    const query = {
      type: "request",
      source: "billing",
      destination: "orders",
      port: 8443,
      action: "orders:read",
      headers: { authorization: `Bearer ${t}` },
    };
    expect(await conditionalEngine.decide(query)).toMatchObject({
      decision: "deny",
      reason: "no-matching-rule",
    });
    const explanation = JSON.stringify(await conditionalEngine.explain(query));
    expect(explanation).toContain("tenant");
    const fine = token({ payload: claims({ tenant: "a" }) });
    expect(await decideRequest(conditionalEngine, `Bearer ${fine}`)).toMatchObject({
      decision: "allow",
    });
  });

  it("24d: one bad rule does not break unrelated decisions", async () => {
    await decideRequest(engine, `Bearer ${token({ payload: claims({ tenant: 7 }) })}`);
    const t = token({ payload: claims({ aud: "inventory", scope: ["inventory:read"] }) });
    expect(
      await decideRequest(engine, `Bearer ${t}`, {
        destination: "inventory",
        port: 9000,
        action: "inventory:read",
      }),
    ).toMatchObject({ decision: "allow", reason: "allowed" });
  });
});

describe("case 25: typos and unknown fields are errors", () => {
  const rule = (fields: string) => `  ingress:\n    - ${fields}\n`;

  it("25a: prots", () => {
    const sources = yamlSet("orders", rule("from: [{service: billing}]\n      prots: [8443]"));
    expectCompileError(sources);
    expect(underlined(sources, compileCase(sources).errors)).toContain("prots");
  });

  it("25b: From", () => {
    const sources = yamlSet("orders", rule("From: [{service: billing}]\n      ports: [8443]"));
    expectCompileError(sources);
    expect(underlined(sources, compileCase(sources).errors)).toContain("From");
  });

  it.each(["dney", "Allow", '"allow "'])("25c: action %s", (action) => {
    const sources = yamlSet(
      "orders",
      rule(`from: [{service: billing}]\n      ports: [8443]\n      action: ${action}`),
    );
    expectCompileError(sources);
  });

  it("25d: scope where the schema says scopes", () => {
    const sources = yamlSet(
      "orders",
      rule('from: [{service: billing}]\n      ports: [8443]\n      scope: ["orders:read"]'),
    );
    expectCompileError(sources);
    expect(underlined(sources, compileCase(sources).errors)).toContain("scope");
  });

  it("25e: a DSL typo is reported with its line and column", () => {
    const services = SERVICES_DSL.replace(
      "allow from billing port 8443 scopes orders:read",
      "allow from billing prot 8443",
    );
    const sources = baselineSources({ services });
    const result = compileCase(sources);
    expect(result.ir).toBeNull();
    const first = result.errors[0];
    const text = sources[0]?.text ?? "";
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes("prot 8443")) + 1;
    expect(first?.span.line).toBe(line);
    expect(first?.span.column).toBe((lines[line - 1] ?? "").indexOf("prot") + 1);
  });
});

describe("case 27: YAML 1.1 scalars", () => {
  it.each(["no", "on", "yes", "off", "y", "null", "true"])(
    "27a: a service named %s (unquoted)",
    (name) => {
      expectCompileError(yamlSet(name, "  ingress: []\n"));
    },
  );

  const portRule = (port: string) =>
    `  ingress:\n    - from: [{service: billing}]\n      ports: [${port}]\n`;

  it("27b: ports: [22:22]", () => {
    expectCompileError(yamlSet("orders", portRule("22:22")), /integer/);
  });

  it.each(["010", "0x20FB", "8_443", "8443.0", "1e3"])("27c: port %s", (port) => {
    expectCompileError(yamlSet("orders", portRule(port)), /plain decimal integer/);
  });

  it("27d: a quoted port", () => {
    expectCompileError(yamlSet("orders", portRule('"8443"')), /not a string/);
  });

  it.each(["yes", "no", "on", "off"])("27e: a boolean written %s", (value) => {
    const trust = TRUST_YAML.replace(
      "clockSkew: 30",
      `clockSkew: 30\n  multipleAudiences: ${value}`,
    );
    expectCompileError(
      yamlSet("orders", "  ingress: []\n", trust),
      /expected `?true`? or `?false`?/,
    );
  });
});

describe("case 28: duplicate keys and duplicate services", () => {
  it("28a: a second ports key is an error at its own line and column", () => {
    const spec =
      "  ingress:\n    - from: [{service: billing}]\n      ports: [8443]\n      ports: [{port: 1, endPort: 65535}]\n";
    const sources = yamlSet("orders", spec);
    const result = compileCase(sources);
    expect(result.ir).toBeNull();
    const text = sources[0]?.text ?? "";
    const second = text.lastIndexOf("ports:");
    expect(result.errors.some((d) => d.span.start === second)).toBe(true);
    expect(result.errors.map((d) => d.message).join("\n")).toMatch(/duplicate/i);
  });

  it("28a: duplicate keys in flow mappings are errors too", () => {
    const spec = "  ingress:\n    - {from: [{service: billing}], ports: [8443], ports: [9000]}\n";
    expectCompileError(yamlSet("orders", spec), /duplicate/i);
  });

  it("28b: two orders services in one file", () => {
    const sources: CaseSource[] = [
      {
        file: "cases/twice.policy",
        text: `${TRUST_DSL()}service orders {\n}\nservice orders {\n}\n`,
      },
    ];
    expectCompileError(sources, /orders/);
  });

  it("28b: two orders documents in one YAML file", () => {
    const doc =
      "apiVersion: dilmune.com/v1\nkind: NetworkPolicy\nmetadata:\n  name: orders\nspec:\n  ingress: []\n";
    expectCompileError([{ file: "cases/twice.yaml", text: `${TRUST_YAML}---\n${doc}---\n${doc}` }]);
  });

  it("28c: the same service in two files names both places", () => {
    const sources: CaseSource[] = [
      { file: "cases/a.policy", text: `${TRUST_DSL()}service orders {\n}\n` },
      { file: "cases/b.policy", text: "\n\nservice orders {\n}\n" },
    ];
    const result = compileCase(sources);
    expect(result.ir).toBeNull();
    const duplicate = result.errors.find((d) => /orders/.test(d.message));
    const places = [duplicate?.span, ...(duplicate?.related ?? []).map((r) => r.span)];
    const files = places.map((span) => span?.file).sort();
    expect(files).toEqual(["cases/a.policy", "cases/b.policy"]);
    const text = `${duplicate?.message} ${(duplicate?.related ?? []).map((r) => r.message).join(" ")}`;
    expect(text).toMatch(/cases\/(a|b)\.policy:\d+:\d+/);
  });

  it("28d: the YAML loader never tolerates duplicates (merge keys included)", () => {
    const spec =
      "  ingress:\n    - &r {from: [{service: billing}], ports: [8443]}\n    - <<: *r\n      ports: [9000]\n";
    const result = compileCase(yamlSet("orders", spec));
    expect(result.ir).toBeNull();
  });
});

describe("case 29: alias bombs", () => {
  function bomb(levels: number, fanOut: number): string {
    const lines = ["a0: &a0 [billing]"];
    for (let level = 1; level < levels; level += 1) {
      const refs = Array.from({ length: fanOut }, () => `*a${level - 1}`).join(", ");
      lines.push(`a${level}: &a${level} [${refs}]`);
    }
    return lines.join("\n");
  }

  it("29a: nine levels of nine aliases are refused by the expansion budget", () => {
    const anchors = bomb(9, 9)
      .split("\n")
      .map((line) => `  x-${line}`)
      .join("\n");
    const spec = `${anchors}\n  ingress:\n    - from: *a8\n      ports: [8443]\n`;
    const result = compileCase(yamlSet("orders", spec));
    expect(result.ir).toBeNull();
    expect(result.errors.map((d) => d.message).join("\n")).toMatch(/alias/i);
  });

  it("29b: a self-referential alias is an error", () => {
    expectCompileError(yamlSet("orders", "  ingress: &a [*a]\n"));
  });

  it("29c: one anchor reused three times compiles", () => {
    const text = `${TRUST_YAML}---
apiVersion: dilmune.com/v1
kind: NetworkPolicy
metadata:
  name: orders
spec:
  ingress:
    - from: [{service: billing}]
      ports: &shared [8443, 9000]
    - from: [{service: inventory}]
      ports: *shared
    - from: [{service: cache}]
      ports: *shared
    - from: [{service: dns}]
      ports: *shared
`;
    const ir = mustCompile([{ file: "cases/shared.yaml", text }]);
    const orders = ir.services.find((s) => s.id === "orders");
    expect(orders?.ingress.map((r) => r.ports)).toEqual([
      [
        [8443, 8443],
        [9000, 9000],
      ],
      [
        [8443, 8443],
        [9000, 9000],
      ],
      [
        [8443, 8443],
        [9000, 9000],
      ],
      [
        [8443, 8443],
        [9000, 9000],
      ],
    ]);
  });
});

describe("case 30: deep nesting", () => {
  it("30a: 100 000 nested parentheses in a condition", () => {
    const condition = `${"(".repeat(100_000)}token.tenant == "a"${")".repeat(100_000)}`;
    const services = SERVICES_DSL.replace(
      "allow from billing port 8443 scopes orders:read",
      `deny from billing when ${condition}`,
    );
    expectCompileError(baselineSources({ services }), /nest/i);
  });

  it("30b: 10 000 nested flow sequences in YAML", () => {
    const nested = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    expectCompileError(yamlSet("orders", `  ingress: ${nested}\n`), /nest/i);
  });

  it("30c: a claim nested 3 000 arrays deep is harmless", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 3000; i += 1) deep = [deep];
    const engine = engineFor(mustCompile(baselineSources()));
    const t = token({ payload: claims({ nested: deep }) });
    expect(await decideRequest(engine, `Bearer ${t}`)).toMatchObject({
      decision: "allow",
      reason: "allowed",
    });
  });
});
