// Every construct of the policy language parses to the expected tree (spans aside).
import { describe, expect, it } from "vitest";
import type { Expr, PolicyFile, Rule } from "../ast.ts";
import { LineIndex } from "../diagnostic.ts";
import { stripSpans } from "../strip-spans.ts";
import { parseCondition, parseDsl } from "./parse.ts";

/** Parses text that must be free of problems and returns its tree without spans. */
function parseClean(text: string): unknown {
  const result = parseDsl(text, "test.policy");
  expect(result.diagnostics).toEqual([]);
  return stripSpans(result.policy);
}

function onlyRule(text: string, direction: "ingress" | "egress" = "ingress"): unknown {
  const result = parseDsl(`service s {\n  ${direction} {\n    ${text}\n  }\n}\n`, "rule.policy");
  expect(result.diagnostics).toEqual([]);
  const rule = result.policy.services[0]?.[direction][0] as Rule;
  return stripSpans(rule);
}

function conditionOf(text: string): unknown {
  const result = parseCondition(text, "when.policy");
  expect(result.diagnostics).toEqual([]);
  return stripSpans(result.condition);
}

const has = (...claim: string[]) => ({ kind: "Has", claim });

describe("files", () => {
  it("reads an empty file, or one of only comments, as an empty policy", () => {
    expect(parseClean("")).toEqual({ kind: "PolicyFile", trust: [], services: [] });
    expect(parseClean("# nothing here\n   # still nothing\n")).toEqual({
      kind: "PolicyFile",
      trust: [],
      services: [],
    });
  });

  it("keeps the file name on the tree", () => {
    expect(parseDsl("", "dir/a.policy").policy.file).toBe("dir/a.policy");
  });

  it("keeps trust blocks and services in source order, whatever their mix", () => {
    const tree = parseDsl(
      'service b {}\ntrust { issuer "x" }\nservice a {}\ntrust { issuer "y" }\n',
      "mixed.policy",
    ).policy;
    expect(tree.services.map((service) => service.id)).toEqual(["b", "a"]);
    expect(tree.trust.map((trust) => trust.issuer?.value)).toEqual(["x", "y"]);
  });

  it("ignores comments anywhere, and line breaks carry no meaning", () => {
    const spread = parseClean(
      "service s { # the service\n ingress { allow # who\n from a # callers\n port 80 } }",
    );
    const compact = parseClean("service s { ingress { allow from a port 80 } }");
    expect(spread).toEqual(compact);
  });

  it("accepts a byte order mark and Windows line ends", () => {
    expect(parseClean("\uFEFFservice s {\r\n}\r\n")).toEqual(parseClean("service s {}"));
  });
});

describe("trust blocks", () => {
  it("reads every setting", () => {
    const text = `trust {
      issuer "https://idp.example.test"
      algorithms RS256, ES256, EdDSA
      keys "keys/jwks.json"
      max-age 5m
      clock-skew 30s
      multiple-audiences true
    }`;
    expect((parseClean(text) as PolicyFile).trust[0]).toEqual({
      kind: "Trust",
      issuer: { value: "https://idp.example.test" },
      algorithms: [{ value: "RS256" }, { value: "ES256" }, { value: "EdDSA" }],
      keys: { kind: "KeyFile", path: "keys/jwks.json" },
      maxTokenAge: { value: 300 },
      clockSkew: { value: 30 },
      multipleAudiences: { value: true },
    });
  });

  it("leaves unset settings null (the compiler applies defaults)", () => {
    expect((parseClean("trust {}") as PolicyFile).trust[0]).toEqual({
      kind: "Trust",
      issuer: null,
      algorithms: null,
      keys: null,
      maxTokenAge: null,
      clockSkew: null,
      multipleAudiences: null,
    });
  });

  it("reads keys from a URL", () => {
    const tree = parseClean('trust { keys url "https://idp.example.test/jwks.json" }');
    expect((tree as PolicyFile).trust[0]?.keys).toEqual({
      kind: "KeyUrl",
      url: "https://idp.example.test/jwks.json",
    });
  });

  it("reads durations in seconds and minutes as seconds", () => {
    const tree = parseClean("trust { max-age 90s clock-skew 2m multiple-audiences false }");
    const trust = (tree as PolicyFile).trust[0];
    expect([trust?.maxTokenAge, trust?.clockSkew, trust?.multipleAudiences]).toEqual([
      { value: 90 },
      { value: 120 },
      { value: false },
    ]);
  });

  it("still lets contextual keywords name services and ports", () => {
    const tree = parseClean(
      "service keys { port tcp 80 ingress { allow from issuer, url port tcp } }",
    ) as PolicyFile;
    expect(tree.services[0]?.id).toBe("keys");
    expect(tree.services[0]?.ports[0]?.name).toBe("tcp");
    expect(tree.services[0]?.ingress[0]?.peers.map((peer) => peer.kind)).toEqual([
      "ServicePeer",
      "ServicePeer",
    ]);
  });
});

describe("services", () => {
  it("reads named ports, ingress and egress", () => {
    const tree = parseClean(`service orders {
      port https 8443
      port metrics 9090
      ingress { allow from billing port https }
      egress { allow to database port 5432 }
    }`) as PolicyFile;
    expect(tree.services[0]).toEqual({
      kind: "Service",
      id: "orders",
      ports: [
        { kind: "NamedPort", name: "https", port: 8443 },
        { kind: "NamedPort", name: "metrics", port: 9090 },
      ],
      ingress: [
        {
          kind: "Rule",
          direction: "ingress",
          effect: "allow",
          peers: [{ kind: "ServicePeer", id: "billing", ports: null }],
          ports: [{ kind: "PortName", name: "https" }],
          protocols: null,
          scopes: null,
          when: null,
        },
      ],
      egress: [
        {
          kind: "Rule",
          direction: "egress",
          effect: "allow",
          peers: [{ kind: "ServicePeer", id: "database", ports: null }],
          ports: [{ kind: "Port", port: 5432 }],
          protocols: null,
          scopes: null,
          when: null,
        },
      ],
    });
  });

  it("treats an empty or missing block as no rules", () => {
    const empty = parseClean("service s { ingress {} egress {} }") as PolicyFile;
    const missing = parseClean("service s {}") as PolicyFile;
    expect(empty).toEqual(missing);
    expect(missing.services[0]?.ingress).toEqual([]);
  });

  it("accepts service ids with dots, dashes and underscores", () => {
    const tree = parseClean("service api.v2_internal-x {}") as PolicyFile;
    expect(tree.services[0]?.id).toBe("api.v2_internal-x");
  });
});

describe("rules", () => {
  it("reads a deny rule without ports as covering all ports", () => {
    expect(onlyRule("deny from legacy")).toEqual({
      kind: "Rule",
      direction: "ingress",
      effect: "deny",
      peers: [{ kind: "ServicePeer", id: "legacy", ports: null }],
      ports: null,
      protocols: null,
      scopes: null,
      when: null,
    });
  });

  it("reads several peers, a port list with a range, and protocols", () => {
    expect(onlyRule("allow from gateway, admin-panel ports 8000..8010, 9090 protocol tcp")).toEqual(
      {
        kind: "Rule",
        direction: "ingress",
        effect: "allow",
        peers: [
          { kind: "ServicePeer", id: "gateway", ports: null },
          { kind: "ServicePeer", id: "admin-panel", ports: null },
        ],
        ports: [
          { kind: "PortRange", from: 8000, to: 8010 },
          { kind: "Port", port: 9090 },
        ],
        protocols: [{ value: "tcp" }],
        scopes: null,
        when: null,
      },
    );
  });

  it("treats `port` and `ports`, `protocol` and `protocols` as the same", () => {
    expect(onlyRule("allow from a ports 80 protocols udp")).toEqual(
      onlyRule("allow from a port 80 protocol udp"),
    );
  });

  it("reads `any`, with and without exceptions and peer ports", () => {
    expect(
      onlyRule("allow from any except inventory, billing port 9090 protocols tcp, udp"),
    ).toEqual({
      kind: "Rule",
      direction: "ingress",
      effect: "allow",
      peers: [
        {
          kind: "AnyPeer",
          except: [{ value: "inventory" }, { value: "billing" }],
          ports: null,
        },
      ],
      ports: [{ kind: "Port", port: 9090 }],
      protocols: [{ value: "tcp" }, { value: "udp" }],
      scopes: null,
      when: null,
    });
    const anyWithPorts = onlyRule("allow from any (ports 1..65535)") as Rule;
    expect(anyWithPorts.peers).toEqual([
      { kind: "AnyPeer", except: [], ports: [{ kind: "PortRange", from: 1, to: 65535 }] },
    ]);
  });

  it("reads peer-level ports in parentheses", () => {
    const rule = onlyRule("allow to database (port 5432), cache (ports 6379, 6380)", "egress");
    expect((rule as Rule).peers).toEqual([
      { kind: "ServicePeer", id: "database", ports: [{ kind: "Port", port: 5432 }] },
      {
        kind: "ServicePeer",
        id: "cache",
        ports: [
          { kind: "Port", port: 6379 },
          { kind: "Port", port: 6380 },
        ],
      },
    ]);
    expect((rule as Rule).ports).toBeNull();
  });

  it("reads scopes as bare words or quoted strings", () => {
    const rule = onlyRule('allow from billing port https scopes orders:read, "orders=write", a/b*');
    expect((rule as Rule).scopes).toEqual([
      { value: "orders:read" },
      { value: "orders=write" },
      { value: "a/b*" },
    ]);
  });

  it("reads a rule with every clause", () => {
    const rule = onlyRule(
      'allow from billing port https protocol tcp scopes orders:read when token.tenant == "a"',
    ) as Rule;
    expect(rule.when).toEqual({ kind: "Compare", claim: ["tenant"], op: "==", value: "a" });
    expect(rule.scopes).toEqual([{ value: "orders:read" }]);
  });

  it("reads rules one after another without separators", () => {
    const tree = parseClean(
      "service s { ingress { allow from a port 1 deny from b allow from c port 2 } }",
    ) as PolicyFile;
    expect(tree.services[0]?.ingress.map((rule) => rule.effect)).toEqual([
      "allow",
      "deny",
      "allow",
    ]);
  });
});

describe("conditions", () => {
  it("reads comparisons with each kind of literal", () => {
    expect(conditionOf('token.tenant == "acme"')).toEqual({
      kind: "Compare",
      claim: ["tenant"],
      op: "==",
      value: "acme",
    });
    expect(conditionOf("token.level != -3")).toEqual({
      kind: "Compare",
      claim: ["level"],
      op: "!=",
      value: -3,
    });
    expect(conditionOf("token.admin == false")).toEqual({
      kind: "Compare",
      claim: ["admin"],
      op: "==",
      value: false,
    });
  });

  it("reads `in` lists, `has` and sub-claims", () => {
    expect(conditionOf('token.org.tenant in ["a", 2, true]')).toEqual({
      kind: "In",
      claim: ["org", "tenant"],
      values: ["a", 2, true],
    });
    expect(conditionOf("token.x in []")).toEqual({ kind: "In", claim: ["x"], values: [] });
    expect(conditionOf("has token.cognito:groups")).toEqual(has("cognito:groups"));
  });

  it("binds `not` tighter than `and`, and `and` tighter than `or`", () => {
    expect(conditionOf("has token.a or not has token.b and has token.c")).toEqual({
      kind: "Or",
      left: has("a"),
      right: { kind: "And", left: { kind: "Not", operand: has("b") }, right: has("c") },
    });
  });

  it("groups chains from the left and follows parentheses", () => {
    expect(conditionOf("has token.a and has token.b and has token.c")).toEqual({
      kind: "And",
      left: { kind: "And", left: has("a"), right: has("b") },
      right: has("c"),
    });
    expect(conditionOf("has token.a and (has token.b or has token.c)")).toEqual({
      kind: "And",
      left: has("a"),
      right: { kind: "Or", left: has("b"), right: has("c") },
    });
    expect(conditionOf("not not ((has token.a))")).toEqual({
      kind: "Not",
      operand: { kind: "Not", operand: has("a") },
    });
  });

  it("reads the escapes of strings", () => {
    const expr = conditionOf('token.x == "q\\"b\\\\s\\nn\\tt\\rr"') as Expr & { value: string };
    expect(expr.value).toBe('q"b\\s\nn\tt\rr');
  });

  it("accepts 64 levels of parentheses", () => {
    const text = `${"(".repeat(64)}has token.a${")".repeat(64)}`;
    expect(conditionOf(text)).toEqual(has("a"));
  });

  it("places spans of a condition inside a larger file when given an origin", () => {
    const file = 'when: "has token.a"';
    const result = parseCondition("has token.a", "p.yaml", {
      lines: new LineIndex("p.yaml", file),
      offset: 7,
    });
    expect(result.diagnostics).toEqual([]);
    const span = result.condition?.span;
    expect(file.slice(span?.start, span?.end)).toBe("has token.a");
    expect([span?.file, span?.line, span?.column]).toEqual(["p.yaml", 1, 8]);
  });
});
