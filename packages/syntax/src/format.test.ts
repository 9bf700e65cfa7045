// The canonical printer: its exact output, and parse(format(tree)) == tree (spans aside).
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  Expr,
  KeySource,
  Literal,
  NamedPort,
  Peer,
  PolicyFile,
  PortSpec,
  Rule,
  ServiceDecl,
  Span,
  TrustBlock,
} from "./ast.ts";
import { parseDsl } from "./dsl/parse.ts";
import { formatDsl } from "./format.ts";
import { stripSpans } from "./strip-spans.ts";

const examples = new URL("../../../examples/", import.meta.url);

function examplePolicies(): { name: string; text: string }[] {
  const mesh = new URL("mesh/policy/", examples);
  return [
    {
      name: "api-service.policy",
      text: readFileSync(new URL("api-service.policy", examples), "utf8"),
    },
    ...readdirSync(mesh)
      .filter((name) => name.endsWith(".policy"))
      .sort()
      .map((name) => ({ name: `mesh/${name}`, text: readFileSync(new URL(name, mesh), "utf8") })),
  ];
}

function parseClean(text: string, file = "f.policy"): PolicyFile {
  const result = parseDsl(text, file);
  expect(result.diagnostics).toEqual([]);
  return result.policy;
}

/** Formats a policy given as text, which must parse cleanly. */
const reformat = (text: string) => formatDsl(parseClean(text));

describe("formatDsl", () => {
  it("prints the canonical form", () => {
    const messy = `service orders { ingress { allow from billing ports https scopes orders:read
      deny from legacy } port https 8443 egress { allow to db (ports 5432) } }
      trust { clock-skew 60s max-age 300s issuer "https://idp" algorithms RS256,ES256
      keys url "https://idp/jwks" multiple-audiences false }`;
    expect(reformat(messy)).toBe(
      [
        "trust {",
        '  issuer "https://idp"',
        "  algorithms RS256, ES256",
        '  keys url "https://idp/jwks"',
        "  max-age 5m",
        "  clock-skew 1m",
        "  multiple-audiences false",
        "}",
        "",
        "service orders {",
        "  port https 8443",
        "",
        "  ingress {",
        "    allow from billing port https scopes orders:read",
        "    deny from legacy",
        "  }",
        "",
        "  egress {",
        "    allow to db (port 5432)",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes `port` for one port or name and `ports` for ranges and lists", () => {
    const text =
      "service s { ingress { allow from a ports 80 allow from b port 1..65535 allow from c port 1, 2 } }";
    expect(reformat(text)).toBe(
      [
        "service s {",
        "  ingress {",
        "    allow from a port 80",
        "    allow from b ports 1..65535",
        "    allow from c ports 1, 2",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes `protocol` for one and `protocols` for several, and `any except`", () => {
    expect(
      reformat("service s { ingress { allow from any except x,z (port 53) protocols udp } }"),
    ).toBe(
      [
        "service s {",
        "  ingress {",
        "    allow from any except x, z (port 53) protocol udp",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("prints empty blocks and empty files compactly", () => {
    expect(reformat("service a { ingress { } }\ntrust { }")).toBe("trust {}\n\nservice a {}\n");
    expect(reformat("# only a comment\n")).toBe("");
  });

  it("writes seconds as minutes only when whole", () => {
    expect(reformat("trust { max-age 90s clock-skew 0s }")).toBe(
      "trust {\n  max-age 90s\n  clock-skew 0s\n}\n",
    );
  });

  it("quotes scopes that would not read back as one plain word", () => {
    const text =
      'service s { ingress { allow from a port 1 scopes "port", "a=b", "token.x", ok:read } }';
    expect(reformat(text)).toContain('scopes "port", "a=b", "token.x", ok:read');
  });

  it("escapes strings so they read back", () => {
    const text = 'trust { issuer "a\\"b\\\\c\\td" }';
    expect(reformat(text)).toBe('trust {\n  issuer "a\\"b\\\\c\\td"\n}\n');
  });

  it("puts parentheses exactly where grouping needs them", () => {
    const text = `service s { ingress { deny from a when
      (has token.a or has token.b) and not (has token.c and has token.d)
      and (has token.e and (has token.f or (has token.g))) } }`;
    expect(reformat(text)).toContain(
      "when (has token.a or has token.b) and not (has token.c and has token.d) and " +
        "(has token.e and (has token.f or has token.g))",
    );
    expect(
      reformat(
        "service s { ingress { deny from a when has token.a or (has token.b or has token.c) } }",
      ),
    ).toContain("when has token.a or (has token.b or has token.c)");
  });

  it("writes an `any except` peer last, so the names after it stay peers", () => {
    const tree = parseClean("service s { ingress { allow from any except x, billing port 80 } }");
    const rule = tree.services[0]?.ingress[0] as Rule;
    const [any] = rule.peers;
    const billing: Peer = { kind: "ServicePeer", id: "billing", ports: null, span: SPAN };
    const reordered = { ...rule, peers: [{ ...(any as Peer), except: [located("x")] }, billing] };
    const printed = formatDsl({
      ...tree,
      services: [{ ...(tree.services[0] as ServiceDecl), ingress: [reordered] }],
    });
    expect(printed).toContain("allow from billing, any except x port 80");
  });

  it("drops comments: they are not part of the tree (a known limit)", () => {
    const text = "# who may call orders\nservice orders { # nobody yet\n}\n";
    expect(reformat(text)).toBe("service orders {}\n");
  });

  it.each(examplePolicies())("round-trips $name and is stable", ({ name, text }) => {
    const tree = parseClean(text, name);
    const printed = formatDsl(tree);
    const again = parseClean(printed, name);
    expect(stripSpans(again)).toEqual(stripSpans(tree));
    expect(formatDsl(again)).toBe(printed);
  });
});

// Arbitrary trees of the shapes the language can express, to check the round trip broadly.

const SPAN: Span = { file: "t", start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
const located = <T>(value: T) => ({ value, span: SPAN });

const serviceId = fc.constantFrom(
  "orders",
  "billing",
  "api.v2",
  "admin-panel",
  "keys",
  "udp",
  "x_1",
);
const portName = fc.constantFrom("http", "https", "metrics", "grpc-web", "tcp");
const claimPath = fc.array(fc.constantFrom("sub", "tenant", "org", "cognito:groups", "a-b", "_x"), {
  minLength: 1,
  maxLength: 3,
});
const printable = fc.constantFrom(..."abcXYZ019:/*._-=+\"\\'#,()[]{}!?@$%^&|~`<>;");
const scope = fc.string({ unit: printable, minLength: 1, maxLength: 10 });
const anyText = fc.string({ unit: "binary", maxLength: 12 });
const portNumber = fc.integer({ min: 1, max: 65535 });

const portSpec: fc.Arbitrary<PortSpec> = fc.oneof(
  portNumber.map((port) => ({ kind: "Port" as const, port, span: SPAN })),
  fc.tuple(portNumber, portNumber).map(([a, b]) => ({
    kind: "PortRange" as const,
    from: Math.min(a, b),
    to: Math.max(a, b),
    span: SPAN,
  })),
  portName.map((name) => ({ kind: "PortName" as const, name, span: SPAN })),
);
const portList = fc.array(portSpec, { minLength: 1, maxLength: 3 });

const literal: fc.Arbitrary<Literal> = fc.oneof(anyText, fc.integer(), fc.boolean());

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    claimPath.map((claim) => ({ kind: "Has" as const, claim, span: SPAN })),
    fc.record({
      kind: fc.constant("Compare" as const),
      claim: claimPath,
      op: fc.constantFrom("==" as const, "!=" as const),
      value: literal,
      span: fc.constant(SPAN),
    }),
    fc.record({
      kind: fc.constant("In" as const),
      claim: claimPath,
      values: fc.array(literal, { maxLength: 3 }),
      span: fc.constant(SPAN),
    }),
    fc.record({ kind: fc.constant("Not" as const), operand: tie("expr"), span: fc.constant(SPAN) }),
    fc.record({
      kind: fc.constantFrom("And" as const, "Or" as const),
      left: tie("expr"),
      right: tie("expr"),
      span: fc.constant(SPAN),
    }),
  ),
}));

/** An `any except` peer without ports can only be written last (see the formatter). */
function writable(peers: readonly Peer[]): boolean {
  const swallowing = peers.map(
    (peer) => peer.kind === "AnyPeer" && peer.except.length > 0 && peer.ports === null,
  );
  return swallowing.every((swallows, index) => !swallows || index === peers.length - 1);
}

function peerArbitrary(withPorts: boolean): fc.Arbitrary<Peer> {
  const ports = withPorts ? portList : fc.constant(null);
  return fc.oneof(
    fc.record({
      kind: fc.constant("ServicePeer" as const),
      id: serviceId,
      ports,
      span: fc.constant(SPAN),
    }),
    fc.record({
      kind: fc.constant("AnyPeer" as const),
      except: fc.array(serviceId.map(located), { maxLength: 2 }),
      ports,
      span: fc.constant(SPAN),
    }),
  );
}

function ruleArbitrary(direction: "ingress" | "egress"): fc.Arbitrary<Rule> {
  return fc.boolean().chain((portsOnPeers) =>
    fc.record({
      kind: fc.constant("Rule" as const),
      direction: fc.constant(direction),
      effect: fc.constantFrom("allow" as const, "deny" as const),
      peers: fc.array(peerArbitrary(portsOnPeers), { minLength: 1, maxLength: 3 }).filter(writable),
      ports: portsOnPeers ? fc.constant(null) : fc.option(portList),
      protocols: fc.option(
        fc.array(fc.constantFrom("tcp" as const, "udp" as const).map(located), {
          minLength: 1,
          maxLength: 2,
        }),
      ),
      scopes:
        direction === "egress"
          ? fc.constant(null)
          : fc.option(fc.array(scope.map(located), { minLength: 1, maxLength: 3 })),
      when: fc.option(expr),
      span: fc.constant(SPAN),
    }),
  );
}

const namedPort: fc.Arbitrary<NamedPort> = fc.record({
  kind: fc.constant("NamedPort" as const),
  name: portName,
  port: portNumber,
  span: fc.constant(SPAN),
});

const service: fc.Arbitrary<ServiceDecl> = fc.record({
  kind: fc.constant("Service" as const),
  id: serviceId,
  idSpan: fc.constant(SPAN),
  ports: fc.array(namedPort, { maxLength: 2 }),
  ingress: fc.array(ruleArbitrary("ingress"), { maxLength: 3 }),
  egress: fc.array(ruleArbitrary("egress"), { maxLength: 2 }),
  span: fc.constant(SPAN),
});

const keySource: fc.Arbitrary<KeySource> = fc.oneof(
  anyText.map((path) => ({ kind: "KeyFile" as const, path, span: SPAN })),
  anyText.map((url) => ({ kind: "KeyUrl" as const, url, span: SPAN })),
);
const seconds = fc.integer({ min: 0, max: 100_000 });

const trust: fc.Arbitrary<TrustBlock> = fc.record({
  kind: fc.constant("Trust" as const),
  issuer: fc.option(anyText.map(located)),
  algorithms: fc.option(
    fc.array(fc.constantFrom("RS256", "ES256", "EdDSA", "PS512").map(located), {
      minLength: 1,
      maxLength: 3,
    }),
  ),
  keys: fc.option(keySource),
  maxTokenAge: fc.option(seconds.map(located)),
  clockSkew: fc.option(seconds.map(located)),
  multipleAudiences: fc.option(fc.boolean().map(located)),
  span: fc.constant(SPAN),
});

const policyFile: fc.Arbitrary<PolicyFile> = fc.record({
  kind: fc.constant("PolicyFile" as const),
  file: fc.constant("t"),
  trust: fc.array(trust, { maxLength: 2 }),
  services: fc.array(service, { maxLength: 3 }),
  span: fc.constant(SPAN),
});

describe("formatDsl on arbitrary trees", () => {
  it("prints text that parses back to the same tree", () => {
    fc.assert(
      fc.property(policyFile, (tree) => {
        const printed = formatDsl(tree);
        const result = parseDsl(printed, "t");
        expect(result.diagnostics).toEqual([]);
        expect(stripSpans(result.policy)).toEqual(stripSpans(tree));
      }),
      { numRuns: 300, seed: 20_250_101 },
    );
  });
});
