// Every node's span covers exactly the text it was read from.
import { describe, expect, it } from "vitest";
import type { Expr, PolicyFile, Rule, Span } from "../ast.ts";
import { LineIndex } from "../diagnostic.ts";
import { parseDsl } from "./parse.ts";
import { SpanMaker } from "./span-maker.ts";

const text = `# spans
trust {
  issuer "https://idp.example.test"
  algorithms RS256, ES256
  keys url "https://idp.example.test/jwks"
  max-age 5m
  clock-skew 30s
  multiple-audiences false
}

service orders {
  port https 8443

  ingress {
    allow from billing, gateway ports https, 8000..8010 protocols tcp, udp scopes orders:read, "a=b"
    deny from any except legacy (port 9000) when token.org.tenant in ["a", 2] and not has token.trial
  }

  egress {
    allow to database (port 5432)
  }
}
`;

const policy: PolicyFile = (() => {
  const result = parseDsl(text, "spans.policy");
  expect(result.diagnostics).toEqual([]);
  return result.policy;
})();

const underlined = (span: Span | undefined) => text.slice(span?.start, span?.end);

describe("spans", () => {
  it("cover the whole file", () => {
    expect(underlined(policy.span)).toBe(text);
    expect(policy.span.file).toBe("spans.policy");
  });

  it("cover trust blocks and each setting's value", () => {
    const trust = policy.trust[0];
    expect(underlined(trust?.span).startsWith("trust {")).toBe(true);
    expect(underlined(trust?.span).endsWith("multiple-audiences false\n}")).toBe(true);
    expect(underlined(trust?.issuer?.span)).toBe('"https://idp.example.test"');
    expect(trust?.algorithms?.map((name) => underlined(name.span))).toEqual(["RS256", "ES256"]);
    expect(underlined(trust?.keys?.span)).toBe('"https://idp.example.test/jwks"');
    expect(underlined(trust?.maxTokenAge?.span)).toBe("5m");
    expect(underlined(trust?.clockSkew?.span)).toBe("30s");
    expect(underlined(trust?.multipleAudiences?.span)).toBe("false");
  });

  it("cover services, their ids and named ports", () => {
    const service = policy.services[0];
    expect(underlined(service?.span).startsWith("service orders {")).toBe(true);
    expect(underlined(service?.span).endsWith("(port 5432)\n  }\n}")).toBe(true);
    expect(underlined(service?.idSpan)).toBe("orders");
    expect(underlined(service?.ports[0]?.span)).toBe("port https 8443");
    expect([service?.idSpan.line, service?.idSpan.column]).toEqual([11, 9]);
  });

  it("cover rules, peers, ports, protocols and scopes", () => {
    const [allow, deny] = policy.services[0]?.ingress ?? [];
    expect(underlined(allow?.span)).toBe(
      'allow from billing, gateway ports https, 8000..8010 protocols tcp, udp scopes orders:read, "a=b"',
    );
    expect(allow?.peers.map((peer) => underlined(peer.span))).toEqual(["billing", "gateway"]);
    expect(allow?.ports?.map((port) => underlined(port.span))).toEqual(["https", "8000..8010"]);
    expect(allow?.protocols?.map((protocol) => underlined(protocol.span))).toEqual(["tcp", "udp"]);
    expect(allow?.scopes?.map((scope) => underlined(scope.span))).toEqual(["orders:read", '"a=b"']);
    expect(underlined(deny?.peers[0]?.span)).toBe("any except legacy (port 9000)");
    const any = deny?.peers[0];
    expect(any?.kind === "AnyPeer" ? any.except.map((id) => underlined(id.span)) : []).toEqual([
      "legacy",
    ]);
    expect(underlined(any?.ports?.[0]?.span)).toBe("9000");
    const egress = policy.services[0]?.egress[0] as Rule;
    expect(underlined(egress.span)).toBe("allow to database (port 5432)");
  });

  it("cover each part of a condition", () => {
    const when = policy.services[0]?.ingress[1]?.when as Expr & { kind: "And" };
    expect(underlined(when.span)).toBe('token.org.tenant in ["a", 2] and not has token.trial');
    expect(underlined(when.left.span)).toBe('token.org.tenant in ["a", 2]');
    expect(underlined(when.right.span)).toBe("not has token.trial");
    const not = when.right as Expr & { kind: "Not" };
    expect(underlined(not.operand.span)).toBe("has token.trial");
  });

  it("of a parenthesised condition include the parentheses", () => {
    const source = "service s { ingress { deny from a when (has token.x or has token.y) } }";
    const rule = parseDsl(source, "p.policy").policy.services[0]?.ingress[0];
    expect(source.slice(rule?.when?.span.start, rule?.when?.span.end)).toBe(
      "(has token.x or has token.y)",
    );
  });
});

describe("SpanMaker", () => {
  it("gives the same spans as LineIndex, in any order of requests", () => {
    const source = "ab\ncd\r\n\nefg\n";
    const index = new LineIndex("f", source);
    const maker = new SpanMaker("f", source.length, source);
    const offsets = [0, 1, 2, 3, 4, 7, 8, 9, 12, 13, 40, 5, 0, 11, 2];
    for (const start of offsets) {
      for (const end of [start, start + 1, source.length]) {
        expect(maker.span(start, end)).toEqual(index.span(start, end));
      }
    }
  });
});
