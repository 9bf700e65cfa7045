// The YAML loader against the gotchas of real-world cases 15, 16, 25, 27, 28, 29 and 30: each
// test states the diagnostic code and the source text it underlines.
import { describe, expect, it } from "vitest";
import type { Rule, ServiceDecl } from "../ast.ts";
import { stripSpans } from "../strip-spans.ts";
import { parseYaml } from "./load.ts";

const FILE = "policy.yaml";

/** A NetworkPolicy document for `orders` whose `spec:` holds `spec` (already indented). */
function service(spec: string, name = "orders"): string {
  const header = "apiVersion: dilmune.com/v1\nkind: NetworkPolicy\n";
  return `${header}metadata:\n  name: ${name}\nspec:\n${spec}`;
}

/** A TrustPolicy document whose `spec:` holds `spec`. */
function trust(spec: string): string {
  return `apiVersion: dilmune.com/v1\nkind: TrustPolicy\nmetadata: {name: mesh}\nspec:\n${spec}`;
}

/** Each diagnostic as its code and the text it underlines. */
function problems(text: string): { code: string; underline: string }[] {
  return parseYaml(text, FILE).diagnostics.map((d) => ({
    code: d.code,
    underline: text.slice(d.span.start, d.span.end),
  }));
}

function onlyService(text: string): ServiceDecl {
  const result = parseYaml(text, FILE);
  expect(result.policy.services).toHaveLength(1);
  return result.policy.services[0] as ServiceDecl;
}

function firstIngress(text: string): Rule {
  return onlyService(text).ingress[0] as Rule;
}

const BILLING_RULE = "  ingress:\n    - from: [{service: billing}]\n";

describe("case 15: empty list, absent, one empty rule", () => {
  it.each([
    ["an empty list", "  ingress: []\n"],
    ["no ingress key", "  egress: []\n"],
    ["null", "  ingress: null\n"],
    ["a tilde", "  ingress: ~\n"],
    ["no value at all", "  ingress:\n"],
  ])("reads %s as no ingress rules, without a diagnostic", (_, spec) => {
    const text = service(spec);
    expect(problems(text)).toEqual([]);
    expect(onlyService(text).ingress).toEqual([]);
  });

  it("refuses one empty rule in flow style", () => {
    expect(problems(service("  ingress: [{}]\n"))).toEqual([
      { code: "yaml/empty-rule", underline: "{}" },
    ]);
  });

  it("refuses one empty rule in block style", () => {
    expect(problems(service("  ingress:\n    - {}\n"))).toEqual([
      { code: "yaml/empty-rule", underline: "{}" },
    ]);
  });

  it("refuses a rule item with nothing after its dash, pointing at where it should be", () => {
    const text = service("  ingress:\n    -\n");
    const [diagnostic] = parseYaml(text, FILE).diagnostics;
    expect(diagnostic?.code).toBe("yaml/empty-rule");
    expect([diagnostic?.span.line, diagnostic?.span.column]).toEqual([7, 6]);
  });

  it("refuses an empty peer list", () => {
    expect(problems(service("  ingress: [{from: [], ports: [8443]}]\n"))).toEqual([
      { code: "yaml/empty-peer-list", underline: "from: []" },
    ]);
  });

  it("refuses an empty port list, on the rule and on a peer", () => {
    expect(problems(service("  ingress: [{from: [{service: billing}], ports: []}]\n"))).toEqual([
      { code: "yaml/empty-port-list", underline: "ports: []" },
    ]);
    expect(problems(service("  egress: [{to: [{service: db, ports: []}]}]\n"))).toEqual([
      { code: "yaml/empty-port-list", underline: "ports: []" },
    ]);
  });

  it("refuses a port list left without a value", () => {
    const text = service(`${BILLING_RULE}      ports:\n`);
    expect(problems(text)).toEqual([{ code: "yaml/empty-port-list", underline: "ports" }]);
  });
});

describe("case 16: K8s-style fields", () => {
  it("refuses `policyTypes` as an unknown field and says why", () => {
    const text = service(`  policyTypes: [Ingress]\n${BILLING_RULE}      ports: [8443]\n`);
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/unknown-field", underline: "policyTypes" }]);
    expect(result.diagnostics[0]?.help).toBe(
      "there is no `policyTypes`: a missing `ingress` or `egress` already means no connections " +
        "in that direction",
    );
  });
});

describe("case 25: unknown fields and values are errors, never ignored", () => {
  it.each([
    ["prots", "  ingress: [{from: [{service: billing}], prots: [8443]}]\n", "ports"],
    ["From", "  ingress: [{From: [{service: billing}], ports: [8443]}]\n", "from"],
    ["scope", `${BILLING_RULE}      ports: [8443]\n      scope: ["orders:read"]\n`, "scopes"],
    ["ingres", "  ingres: [{from: [{service: billing}], ports: [8443]}]\n", "ingress"],
    ["servce", "  ingress: [{from: [{servce: billing}], ports: [8443]}]\n", "service"],
    ["endport", `${BILLING_RULE}      ports: [{port: 1, endport: 9}]\n`, "endPort"],
  ])("reports `%s` once, with a did-you-mean", (field, spec, suggestion) => {
    const result = parseYaml(service(spec), FILE);
    expect(problems(service(spec))).toEqual([{ code: "yaml/unknown-field", underline: field }]);
    expect(result.diagnostics[0]?.message).toBe(`unknown field \`${field}\``);
    expect(result.diagnostics[0]?.help).toBe(`did you mean \`${suggestion}\`?`);
  });

  it("lists the known fields when nothing is close", () => {
    const result = parseYaml(service("  colour: blue\n"), FILE);
    expect(result.diagnostics[0]?.help).toBe("expected one of `ports`, `ingress`, `egress`");
  });

  it("says scopes belong to ingress rules when an egress rule has them", () => {
    const text = service(
      '  egress:\n    - to: [{service: db}]\n      ports: [1]\n      scopes: ["a"]\n',
    );
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/unknown-field", underline: "scopes" }]);
    expect(result.diagnostics[0]?.help).toBe("scopes apply to ingress rules only");
  });

  it.each([
    ["dney", "deny"],
    ["Allow", "allow"],
    ['"allow "', "allow"],
  ])("refuses the action %s", (written, suggestion) => {
    const text = service(`${BILLING_RULE}      ports: [8443]\n      action: ${written}\n`);
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/invalid-action", underline: written }]);
    expect(result.diagnostics[0]?.help).toBe(
      `did you mean \`${suggestion}\`? expected \`allow\` or \`deny\``,
    );
  });

  it("refuses an unknown protocol and a scope with a space", () => {
    const text = service(
      `${BILLING_RULE}      ports: [1]\n      protocols: [TCP]\n      scopes: ["a b"]\n`,
    );
    expect(problems(text)).toEqual([
      { code: "yaml/invalid-protocol", underline: "TCP" },
      { code: "yaml/invalid-scope", underline: '"a b"' },
    ]);
  });

  it("refuses an unknown kind with a suggestion, and a foreign apiVersion", () => {
    const kind = "apiVersion: dilmune.com/v1\nkind: NetworkPolcy\n";
    expect(problems(kind)).toEqual([{ code: "yaml/unknown-kind", underline: "NetworkPolcy" }]);
    expect(parseYaml(kind, FILE).diagnostics[0]?.help).toBe(
      "did you mean `NetworkPolicy`? expected `NetworkPolicy` or `TrustPolicy`",
    );
    const k8s = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n";
    expect(problems(k8s)).toEqual([
      { code: "yaml/api-version", underline: "networking.k8s.io/v1" },
    ]);
  });

  it("names a missing `kind` and the near miss that was meant", () => {
    const text = "apiVersion: dilmune.com/v1\nKind: NetworkPolicy\n";
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([
      { code: "yaml/missing-field", underline: "apiVersion: dilmune.com/v1" },
    ]);
    expect(result.diagnostics[0]?.help).toBe("did you mean `kind` instead of `Kind`?");
  });

  it("refuses a rule without peers and a peer without a service", () => {
    expect(problems(service("  ingress: [{ports: [1]}]\n"))).toEqual([
      { code: "yaml/missing-field", underline: "{ports: [1]}" },
    ]);
    expect(problems(service("  ingress: [{from: [{ports: [1]}]}]\n"))).toEqual([
      { code: "yaml/missing-field", underline: "{ports: [1]}" },
    ]);
  });

  it("refuses a peer written as a bare id", () => {
    const text = service("  ingress: [{from: [billing], ports: [1]}]\n");
    expect(problems(text)).toEqual([{ code: "yaml/invalid-peer", underline: "billing" }]);
  });

  it("reports wrong kinds of values in the language's words", () => {
    const text = service("  ingress: 5\n  egress:\n    - to: [{service: db}]\n      when: 7\n");
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([
      { code: "yaml/wrong-type", underline: "5" },
      { code: "yaml/wrong-type", underline: "7" },
    ]);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "`ingress` must be a list",
      "`when` must be text",
    ]);
  });
});

describe("case 27: YAML 1.1 and 1.2 scalars", () => {
  it.each(["no", "on", "yes", "off", "y", "null", "true", "No", "OFF"])(
    "refuses the unquoted service id %s, as a service and as a peer",
    (id) => {
      expect(problems(service("", id))).toEqual([
        { code: "yaml/reserved-service-id", underline: id },
      ]);
      const peer = service(`  ingress: [{from: [{service: ${id}}], ports: [1]}]\n`);
      expect(problems(peer)).toEqual([{ code: "yaml/reserved-service-id", underline: id }]);
    },
  );

  it("refuses `~` and a number as service ids", () => {
    expect(problems(service("", "~"))).toEqual([
      { code: "yaml/invalid-service-id", underline: "~" },
    ]);
    expect(problems(service("", "123"))).toEqual([
      { code: "yaml/invalid-service-id", underline: "123" },
    ]);
  });

  it("explains what YAML tools make of an ambiguous id", () => {
    const result = parseYaml(service("", "no"), FILE);
    expect(result.diagnostics[0]?.message).toBe(
      "`no` is reserved or ambiguous and cannot name a service",
    );
    expect(result.diagnostics[0]?.help).toBe(
      "YAML 1.1 tools read `no` as a boolean; choose another name for the service",
    );
  });

  it.each(["22:22", "2122:22"])("refuses the base-60 port %s", (port) => {
    const result = parseYaml(service(`${BILLING_RULE}      ports: [${port}]\n`), FILE);
    expect(problems(service(`${BILLING_RULE}      ports: [${port}]\n`))).toEqual([
      { code: "yaml/port-not-integer", underline: port },
    ]);
    expect(result.diagnostics[0]?.message).toBe("port must be a plain decimal integer");
  });

  it.each(["010", "0o10", "0x20FB", "8_443", "8443.0", "1e3", "+80", ".inf"])(
    "refuses the port %s in every place a port goes",
    (port) => {
      const places = [
        `${BILLING_RULE}      ports: [${port}]\n`,
        `${BILLING_RULE}      ports: [{port: ${port}}]\n`,
        `${BILLING_RULE}      ports: [{port: 1, endPort: ${port}}]\n`,
        `  ports: {https: ${port}}\n`,
        `  egress: [{to: [{service: db, ports: [${port}]}]}]\n`,
      ];
      for (const spec of places) {
        const result = parseYaml(service(spec), FILE);
        expect(problems(service(spec))).toEqual([
          { code: "yaml/port-not-integer", underline: port },
        ]);
        expect(result.diagnostics[0]?.message).toBe("port must be a plain decimal integer");
      }
    },
  );

  it.each(['"8443"', "'8443'"])("refuses the quoted port %s", (port) => {
    const text = service(`${BILLING_RULE}      ports: [${port}]\n`);
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/port-not-integer", underline: port }]);
    expect(result.diagnostics[0]?.message).toBe("port must be an integer, not a string");
    expect(result.diagnostics[0]?.help).toBe("write `8443` without quotes");
  });

  it("refuses ports outside 1 to 65535", () => {
    const text = service(`${BILLING_RULE}      ports: [70000, 0, -1]\n`);
    expect(problems(text)).toEqual([
      { code: "yaml/port-out-of-range", underline: "70000" },
      { code: "yaml/port-out-of-range", underline: "0" },
      { code: "yaml/port-out-of-range", underline: "-1" },
    ]);
  });

  it("refuses booleans, null and malformed names as port list items", () => {
    const text = service(`${BILLING_RULE}      ports: [true, ~, "a b"]\n`);
    expect(problems(text)).toEqual([
      { code: "yaml/invalid-port", underline: "true" },
      { code: "yaml/invalid-port", underline: "~" },
      { code: "yaml/invalid-port-name", underline: '"a b"' },
    ]);
  });

  it.each(["yes", "no", "on", "off", "True", "FALSE", '"true"'])(
    "refuses the boolean %s",
    (written) => {
      const text = trust(`  multipleAudiences: ${written}\n`);
      const result = parseYaml(text, FILE);
      expect(problems(text)).toEqual([{ code: "yaml/not-boolean", underline: written }]);
      expect(result.diagnostics[0]?.message).toBe(
        `expected \`true\` or \`false\`, not \`${written.replace(/"/g, "")}\``,
      );
    },
  );

  it("refuses durations that are not plain whole seconds", () => {
    const text = trust('  maxTokenAge: 5m\n  clockSkew: "30"\n');
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([
      { code: "yaml/not-integer", underline: "5m" },
      { code: "yaml/not-integer", underline: '"30"' },
    ]);
    expect(result.diagnostics[0]?.help).toBe(
      "durations are whole seconds in the YAML form: `5m` is written `300`",
    );
  });

  it("refuses tags, whatever they claim", () => {
    const text = service(`${BILLING_RULE}      ports: [!!int "8443"]\n`);
    expect(problems(text)).toContainEqual({ code: "yaml/tag-not-allowed", underline: '"8443"' });
  });
});

describe("case 28: duplicate keys", () => {
  it("reports the second `ports` with its line and column, and points at the first", () => {
    const text = service(
      "  ingress:\n    - from: [{service: billing}]\n      ports: [8443]\n      ports: [1]\n",
    );
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/duplicate-key", underline: "ports" }]);
    const [duplicate] = result.diagnostics;
    expect([duplicate?.span.line, duplicate?.span.column]).toEqual([9, 7]);
    expect(duplicate?.related?.map((r) => [r.message, r.span.line, r.span.column])).toEqual([
      ["`ports` first written here", 8, 7],
    ]);
    expect(firstIngress(text).ports).toEqual([
      { kind: "Port", port: 8443, span: expect.objectContaining({ line: 8 }) },
    ]);
  });

  it("keeps two documents for the same service apart, for the compiler to report", () => {
    const first = service(`${BILLING_RULE}      ports: [1]\n`);
    const text = `${first}---\n${service(`${BILLING_RULE}      ports: [2]\n`)}`;
    const result = parseYaml(text, FILE);
    expect(result.diagnostics).toEqual([]);
    expect(result.policy.services.map((s) => [s.id, s.idSpan.line])).toEqual([
      ["orders", 4],
      ["orders", 13],
    ]);
  });
});

describe("case 29: aliases are allowed, their expansion is bounded", () => {
  it("refuses a nine-level alias bomb in a `from:` list", () => {
    let anchors = "x-anchors:\n  a0: &a0 [{service: billing}]\n";
    for (let level = 1; level <= 9; level++) {
      anchors += `  a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(", ")}]\n`;
    }
    const text = `${anchors}${service("  ingress: [{from: *a9, ports: [1]}]\n")}`;
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/alias-budget", underline: "*a3" }]);
    expect(result.policy.services).toEqual([]);
  });

  it.each([
    ["a list", "a: &a [*a]\n"],
    ["a mapping", "a: &a {b: *a}\n"],
  ])("refuses an alias inside %s it refers to", (_, text) => {
    expect(problems(text)).toEqual([{ code: "yaml/alias-cycle", underline: "*a" }]);
  });

  it("refuses an alias to no anchor", () => {
    const text = service("  ingress: *rules\n");
    expect(problems(text)).toEqual([{ code: "yaml/unknown-anchor", underline: "*rules" }]);
  });

  it("reads one anchor used three times for a shared port list", () => {
    const text = service(
      "  ingress:\n" +
        "    - from: [{service: a}]\n      ports: &web [80, 443]\n" +
        "    - from: [{service: b}]\n      ports: *web\n" +
        "    - from: [{service: c}]\n      ports: *web\n",
    );
    expect(problems(text)).toEqual([]);
    const ports = onlyService(text).ingress.map((rule) => stripSpans(rule.ports));
    const web = [
      { kind: "Port", port: 80 },
      { kind: "Port", port: 443 },
    ];
    expect(ports).toEqual([web, web, web]);
  });
});

describe("case 30: deep nesting", () => {
  it("refuses 10 000 nested flow sequences in a rule with one diagnostic", () => {
    const text = service(`  ingress: [{from: ${"[".repeat(10_000)}${"]".repeat(10_000)}}]\n`);
    const result = parseYaml(text, FILE);
    expect(
      result.diagnostics.map((d) => [d.code, d.message, text.slice(d.span.start, d.span.end)]),
    ).toEqual([["yaml/too-deep", "collections are nested more than 64 levels deep", "["]]);
  });

  it("refuses deep block nesting", () => {
    const text = `${"- ".repeat(70)}x\n`;
    expect(problems(text)).toEqual([{ code: "yaml/too-deep", underline: "-" }]);
  });

  it("reads nesting up to the limit", () => {
    const text = `${"[".repeat(64)}${"]".repeat(64)}\n`;
    expect(problems(text)).toEqual([{ code: "yaml/not-a-mapping", underline: text.trim() }]);
    const deeper = `${"[".repeat(65)}${"]".repeat(65)}\n`;
    expect(problems(deeper)).toEqual([{ code: "yaml/too-deep", underline: "[" }]);
  });
});

describe("the syntax tree", () => {
  it("puts peer-level ports on the peer and rule-level ports on the rule", () => {
    const text = service(
      "  egress:\n    - to:\n        - service: db\n          ports: [5432]\n" +
        "    - to: [{service: dns}]\n      ports: [53]\n      protocols: [udp, tcp]\n",
    );
    expect(problems(text)).toEqual([]);
    expect(stripSpans(onlyService(text).egress)).toEqual([
      {
        kind: "Rule",
        direction: "egress",
        effect: "allow",
        peers: [{ kind: "ServicePeer", id: "db", ports: [{ kind: "Port", port: 5432 }] }],
        ports: null,
        protocols: null,
        scopes: null,
        when: null,
      },
      {
        kind: "Rule",
        direction: "egress",
        effect: "allow",
        peers: [{ kind: "ServicePeer", id: "dns", ports: null }],
        ports: [{ kind: "Port", port: 53 }],
        protocols: [{ value: "udp" }, { value: "tcp" }],
        scopes: null,
        when: null,
      },
    ]);
  });

  it("reads any service, exceptions, names, ranges, scopes and deny", () => {
    const text = service(
      "  ports: {https: 8443}\n  ingress:\n" +
        '    - from: [{service: "*", except: [inventory]}, {service: "*"}]\n' +
        "      ports: [https, {port: 8000, endPort: 8010}, {port: 9000}]\n" +
        '      scopes: ["orders:read"]\n' +
        "      action: deny\n",
    );
    expect(problems(text)).toEqual([]);
    const decl = onlyService(text);
    expect(stripSpans(decl.ports)).toEqual([{ kind: "NamedPort", name: "https", port: 8443 }]);
    expect(stripSpans(decl.ingress[0])).toEqual({
      kind: "Rule",
      direction: "ingress",
      effect: "deny",
      peers: [
        { kind: "AnyPeer", except: [{ value: "inventory" }], ports: null },
        { kind: "AnyPeer", except: [], ports: null },
      ],
      ports: [
        { kind: "PortName", name: "https" },
        { kind: "PortRange", from: 8000, to: 8010 },
        { kind: "Port", port: 9000 },
      ],
      protocols: null,
      scopes: [{ value: "orders:read" }],
      when: null,
    });
  });

  it("places spans on what they name", () => {
    const text = service(
      "  ports: {https: 8443}\n  ingress:\n" +
        "    - from: [{service: billing}]\n      ports: [https]\n",
    );
    const decl = onlyService(text);
    const under = (span: { start: number; end: number }) => text.slice(span.start, span.end);
    expect(under(decl.idSpan)).toBe("orders");
    expect(under(decl.span)).toBe(text.trimEnd());
    expect(under((decl.ports[0] as { span: { start: number; end: number } }).span)).toBe(
      "https: 8443",
    );
    const rule = decl.ingress[0] as Rule;
    expect(under(rule.span)).toBe("from: [{service: billing}]\n      ports: [https]");
    expect(under((rule.peers[0] as { span: { start: number; end: number } }).span)).toBe(
      "{service: billing}",
    );
    expect(rule.span.file).toBe(FILE);
  });

  it("reads a trust document, with absent fields as null", () => {
    const text = trust(
      "  issuer: https://idp.example.test\n  keys: {url: https://idp.example.test/jwks}\n",
    );
    const result = parseYaml(text, FILE);
    expect(result.diagnostics).toEqual([]);
    expect(stripSpans(result.policy.trust)).toEqual([
      {
        kind: "Trust",
        issuer: { value: "https://idp.example.test" },
        algorithms: null,
        keys: { kind: "KeyUrl", url: "https://idp.example.test/jwks" },
        maxTokenAge: null,
        clockSkew: null,
        multipleAudiences: null,
      },
    ]);
  });

  it("refuses `keys` that is not exactly one of a file and a URL", () => {
    expect(problems(trust("  keys: jwks.json\n"))).toEqual([
      { code: "yaml/invalid-keys", underline: "jwks.json" },
    ]);
    expect(problems(trust("  keys: {file: a, url: b}\n"))).toEqual([
      { code: "yaml/invalid-keys", underline: "{file: a, url: b}" },
    ]);
    expect(problems(trust("  keys: {fiel: a}\n"))).toEqual([
      { code: "yaml/unknown-field", underline: "fiel" },
    ]);
  });

  it("refuses ports on a rule and on one of its peers at once", () => {
    const text = service(
      "  ingress:\n    - from: [{service: a, ports: [1]}, {service: b}]\n      ports: [2]\n",
    );
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([{ code: "yaml/ports-on-rule-and-peer", underline: "ports" }]);
    expect(result.diagnostics[0]?.span.line).toBe(7);
    expect(result.diagnostics[0]?.related?.[0]?.span.line).toBe(8);
  });

  it("refuses `except` on a named service", () => {
    const text = service("  ingress: [{from: [{service: a, except: [b]}], ports: [1]}]\n");
    expect(problems(text)).toEqual([{ code: "yaml/except-without-any", underline: "except" }]);
  });
});

describe("conditions", () => {
  it("reads `when:` with the DSL's condition syntax and spans inside the YAML", () => {
    const text = service(
      `${BILLING_RULE}      action: deny\n` +
        '      when: token.tenant in ["a", "b"] and not has token.trial\n',
    );
    expect(problems(text)).toEqual([]);
    const when = firstIngress(text).when;
    expect(stripSpans(when)).toEqual({
      kind: "And",
      left: { kind: "In", claim: ["tenant"], values: ["a", "b"] },
      right: { kind: "Not", operand: { kind: "Has", claim: ["trial"] } },
    });
    const span = when?.kind === "And" ? when.right.span : undefined;
    expect(span === undefined ? "" : text.slice(span.start, span.end)).toBe("not has token.trial");
    expect(span?.line).toBe(9);
  });

  it("places a condition's syntax error inside a quoted scalar", () => {
    const text = service(`${BILLING_RULE}      ports: [1]\n      when: 'token.tenant == == "a"'\n`);
    const result = parseYaml(text, FILE);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]?.code.startsWith("parse/")).toBe(true);
    const span = result.diagnostics[0]?.span;
    expect(span === undefined ? "" : text.slice(span.start, span.end)).toBe("==");
    expect([span?.line, span?.column]).toEqual([9, 30]);
    expect(firstIngress(text).when).toBeNull();
  });

  it("spans the whole scalar when escapes make positions unmappable", () => {
    const text = service(
      `${BILLING_RULE}      ports: [1]\n      when: "token.tenant == \\"a\\""\n`,
    );
    expect(problems(text)).toEqual([]);
    const when = firstIngress(text).when;
    expect(stripSpans(when)).toEqual({ kind: "Compare", claim: ["tenant"], op: "==", value: "a" });
    expect(when === null ? "" : text.slice(when.span.start, when.span.end)).toBe(
      '"token.tenant == \\"a\\""',
    );
  });
});

describe("files as a whole", () => {
  it("reads several documents, skipping empty ones", () => {
    const second = trust("  clockSkew: 30\n");
    const text = `---\n${service("")}\n---\n# only a comment\n---\n${second}---\n`;
    const result = parseYaml(text, FILE);
    expect(result.diagnostics).toEqual([]);
    expect(result.policy.services.map((s) => s.id)).toEqual(["orders"]);
    expect(result.policy.trust).toHaveLength(1);
    expect(result.policy.span).toMatchObject({ start: 0, end: text.length });
  });

  it("reads an empty file as an empty policy", () => {
    const result = parseYaml("", FILE);
    expect(result.diagnostics).toEqual([]);
    expect(stripSpans(result.policy)).toEqual({ kind: "PolicyFile", trust: [], services: [] });
  });

  it("reports a syntax error and still reads the other documents", () => {
    const text = `a: [1, 2\n---\n${service("")}`;
    const result = parseYaml(text, FILE);
    expect(result.diagnostics.map((d) => d.code)).toContain("yaml/syntax");
    expect(result.diagnostics.every((d) => d.span.line === 1 || d.span.line === 2)).toBe(true);
    expect(result.policy.services.map((s) => s.id)).toEqual(["orders"]);
  });

  it("refuses a document that is not a mapping", () => {
    expect(problems("- a\n- b\n")).toEqual([{ code: "yaml/not-a-mapping", underline: "- a" }]);
  });

  it("does not read `<<` merge keys", () => {
    const text = service(
      "  ingress:\n    - &base\n      from: [{service: b}]\n      ports: [1]\n" +
        "    - <<: *base\n      action: deny\n",
    );
    const result = parseYaml(text, FILE);
    expect(problems(text)).toEqual([
      { code: "yaml/missing-field", underline: "<<: *base" },
      { code: "yaml/unknown-field", underline: "<<" },
    ]);
    expect(result.diagnostics[1]?.help).toBe(
      "merge keys (`<<`) are not read; write the fields out, or alias a whole value with `*name`",
    );
  });

  it("refuses keys that are not plain text", () => {
    expect(problems("? [a]\n: 1\n")).toContainEqual({ code: "yaml/complex-key", underline: "[a]" });
  });

  it("caps the diagnostics of one file", () => {
    const text = service(`  ingress:\n${"    - {}\n".repeat(500)}`);
    const result = parseYaml(text, FILE);
    expect(result.diagnostics).toHaveLength(101);
    expect(result.diagnostics[100]?.code).toBe("yaml/too-many-diagnostics");
    expect(result.diagnostics[100]?.message).toBe("400 more problems in this file were not listed");
  });

  it("throws a TypeError when not given strings", () => {
    expect(() => parseYaml(42 as unknown as string, FILE)).toThrow(TypeError);
    expect(() => parseYaml("", null as unknown as string)).toThrow(TypeError);
  });
});
