import type { Decision } from "@palisade/ir";
import { describe, expect, test } from "vitest";
import { createEngine, type Engine } from "./index.ts";
import {
  baselineServices,
  makeIr,
  type RuleSpec,
  type ServiceSpec,
  spanAt,
} from "./testing/policy-fixtures.ts";

const engineFor = (services: Record<string, ServiceSpec>): Engine => {
  const engine = createEngine(makeIr(services, null));
  expect(engine.loadError).toBe(null);
  return engine;
};

/** The parts of a decision a test pins: reason, deciding rule id and line, side. */
const summary = (decision: Decision) => ({
  decision: decision.decision,
  reason: decision.reason,
  rule: decision.rule === null ? null : `${decision.rule.id}@${decision.rule.span.line}`,
  side: decision.side ?? null,
});

describe("both ends of a connection (case 16)", () => {
  test("the baseline edge is allowed, naming the destination's rule", () => {
    const engine = engineFor(baselineServices());
    const query = { source: "billing", destination: "orders", port: 8443 };
    const decision = engine.connection(query);
    expect(decision).toEqual({
      decision: "allow",
      reason: "allowed",
      message: "allowed by ingress rule `orders/ingress/0`",
      rule: { id: "orders/ingress/0", span: spanAt(5) },
      side: "ingress",
    });
    expect(summary(engine.egress(query))).toEqual({
      decision: "allow",
      reason: "allowed",
      rule: "billing/egress/0@2",
      side: "egress",
    });
  });

  test("a: ingress admits billing but billing has no egress section", () => {
    const services = baselineServices();
    services.billing = {};
    const engine = engineFor(services);
    const query = { source: "billing", destination: "orders", port: 8443 };
    expect(summary(engine.connection(query))).toEqual({
      decision: "deny",
      reason: "no-matching-rule",
      rule: null,
      side: "egress",
    });
    expect(engine.ingress(query).reason).toBe("allowed");
    expect(engine.egress(query).message).toBe("no egress rule allows this");
  });

  test("b: billing's egress admits orders but orders has no ingress section", () => {
    const services = baselineServices();
    services.orders = {};
    const engine = engineFor(services);
    expect(
      summary(engine.connection({ source: "billing", destination: "orders", port: 8443 })),
    ).toEqual({ decision: "deny", reason: "no-matching-rule", rule: null, side: "ingress" });
  });

  test("c: a service no policy mentions has no rules at either end", () => {
    const engine = engineFor(baselineServices());
    for (const query of [
      { source: "billing", destination: "ghost", port: 6379 },
      { source: "ghost", destination: "orders", port: 8443 },
    ]) {
      expect(engine.connection(query).reason).toBe("no-matching-rule");
    }
    expect(engine.ingress({ source: "billing", destination: "ghost", port: 6379 }).side).toBe(
      "ingress",
    );
  });

  test("an explicit deny at either end outranks a default deny at the other", () => {
    const engine = engineFor({
      a: { egress: [{ effect: "deny", peers: ["b", "c"] }] },
      b: { ingress: [{ effect: "deny", peers: ["a", "c"] }] },
      c: {},
    });
    expect(summary(engine.connection({ source: "a", destination: "c", port: 1 }))).toEqual({
      decision: "deny",
      reason: "denied-by-rule",
      rule: "a/egress/0@2",
      side: "egress",
    });
    expect(summary(engine.connection({ source: "c", destination: "b", port: 1 }))).toEqual({
      decision: "deny",
      reason: "denied-by-rule",
      rule: "b/ingress/0@3",
      side: "ingress",
    });
    expect(engine.connection({ source: "a", destination: "b", port: 1 }).side).toBe("egress");
  });
});

describe("ports and protocols (cases 17 and 19)", () => {
  const mesh = (rule: Omit<RuleSpec, "peers">, egress: Omit<RuleSpec, "peers"> = rule) =>
    engineFor({
      billing: { egress: [{ ...egress, peers: ["orders", "dns"] }] },
      orders: { ingress: [{ ...rule, peers: ["billing"] }] },
      dns: { ingress: [{ ...rule, peers: ["billing"] }] },
    });

  test("19a: a range covers both of its ends and nothing beyond", () => {
    const engine = mesh({ ports: [[8000, 8010]] });
    const at = (port: number) =>
      engine.connection({ source: "billing", destination: "orders", port }).reason;
    expect([8000, 8005, 8010].map(at)).toEqual(["allowed", "allowed", "allowed"]);
    expect([8011, 7999].map(at)).toEqual(["no-matching-rule", "no-matching-rule"]);
  });

  test("19c: a named port is its number on the destination only", () => {
    const engine = mesh({ ports: [8443] });
    const at = (port: number) =>
      engine.connection({ source: "billing", destination: "orders", port }).reason;
    expect(at(8443)).toBe("allowed");
    expect(at(9443)).toBe("no-matching-rule");
  });

  test("the lowest and highest ports and an all-ports rule", () => {
    const engine = mesh({ ports: [1, 65535] });
    const at = (port: number) =>
      engine.connection({ source: "billing", destination: "orders", port }).reason;
    expect([1, 2, 65534, 65535].map(at)).toEqual([
      "allowed",
      "no-matching-rule",
      "no-matching-rule",
      "allowed",
    ]);
    const all = mesh({});
    expect(all.connection({ source: "billing", destination: "orders", port: 31337 }).reason).toBe(
      "allowed",
    );
  });

  test("17b: a rule without protocols is tcp only; listing both admits udp", () => {
    const tcpOnly = mesh({ ports: [53] });
    const dns = (engine: Engine, protocol: "tcp" | "udp") =>
      engine.connection({ source: "billing", destination: "dns", port: 53, protocol }).reason;
    expect(dns(tcpOnly, "udp")).toBe("no-matching-rule");
    expect(dns(tcpOnly, "tcp")).toBe("allowed");
    expect(tcpOnly.connection({ source: "billing", destination: "dns", port: 53 }).reason).toBe(
      "allowed",
    );
    const both = mesh({ ports: [53], protocols: ["udp", "tcp"] });
    expect(dns(both, "udp")).toBe("allowed");
    const udpIngressOnly = mesh({ ports: [53], protocols: ["udp"] }, { ports: [53] });
    expect(dns(udpIngressOnly, "udp")).toBe("no-matching-rule");
  });

  test("17c: no service-port translation, the reported port is the one checked", () => {
    expect(
      mesh({ ports: [53] }).connection({ source: "billing", destination: "dns", port: 5353 })
        .reason,
    ).toBe("no-matching-rule");
    expect(
      mesh({ ports: [5353] }).connection({ source: "billing", destination: "dns", port: 5353 })
        .reason,
    ).toBe("allowed");
  });

  test("17a: egress rules that do not name dns leave dns closed", () => {
    const engine = engineFor({
      billing: baselineServices().billing as ServiceSpec,
      dns: { ingress: [{ peers: ["billing"], ports: [53], protocols: ["udp", "tcp"] }] },
    });
    const query = { source: "billing", destination: "dns", port: 53, protocol: "udp" } as const;
    expect(summary(engine.connection(query))).toEqual({
      decision: "deny",
      reason: "no-matching-rule",
      rule: null,
      side: "egress",
    });
  });
});

describe("allows are a union, except is not a deny, deny wins (case 20)", () => {
  test("a: an allow for inventory still applies when another rule excepts it", () => {
    const engine = engineFor({
      orders: {
        ingress: [
          { peers: { except: ["inventory"] }, ports: [8443] },
          { peers: ["inventory"], ports: [8443] },
        ],
      },
    });
    expect(
      summary(engine.ingress({ source: "inventory", destination: "orders", port: 8443 })),
    ).toEqual({
      decision: "allow",
      reason: "allowed",
      rule: "orders/ingress/1@3",
      side: "ingress",
    });
  });

  test("`any except` admits unnamed peers and refuses the excepted one", () => {
    const engine = engineFor({
      dns: { ingress: [{ peers: { except: ["metrics"] }, ports: [53] }] },
    });
    const from = (source: string) => engine.ingress({ source, destination: "dns", port: 53 });
    expect(summary(from("anyone-at-all"))).toEqual({
      decision: "allow",
      reason: "allowed",
      rule: "dns/ingress/0@2",
      side: "ingress",
    });
    expect(from("metrics").reason).toBe("no-matching-rule");
    expect(from("dns").reason).toBe("allowed");
  });

  const denyAndAllow: RuleSpec[] = [
    { effect: "deny", peers: ["inventory"], line: 10 },
    { peers: { except: [] }, ports: [8443], line: 20 },
  ];

  test("b: deny inventory plus allow any, in both declaration orders", () => {
    for (const rules of [denyAndAllow, [...denyAndAllow].reverse()]) {
      const engine = engineFor({ orders: { ingress: rules } });
      const decision = engine.ingress({ source: "inventory", destination: "orders", port: 8443 });
      expect(decision.reason).toBe("denied-by-rule");
      expect(decision.rule?.span.line).toBe(10);
      expect(engine.ingress({ source: "billing", destination: "orders", port: 8443 }).reason).toBe(
        "allowed",
      );
    }
  });

  test("c: a deny on one port leaves the allow's other port open", () => {
    const engine = engineFor({
      orders: {
        ingress: [
          { effect: "deny", peers: ["inventory"], ports: [9000] },
          { peers: ["inventory"], ports: [8443, 9000] },
        ],
      },
    });
    const at = (port: number) =>
      engine.ingress({ source: "inventory", destination: "orders", port }).reason;
    expect(at(8443)).toBe("allowed");
    expect(at(9000)).toBe("denied-by-rule");
  });

  test("d: every order of the same rules gives the same decisions", () => {
    const rules: RuleSpec[] = [
      { effect: "deny", peers: ["a"], ports: [[100, 200]], line: 1 },
      { peers: ["a", "b"], ports: [[150, 300]], line: 2 },
      { peers: { except: ["b"] }, ports: [[250, 400]], line: 3 },
      { effect: "deny", peers: { except: ["a"] }, ports: [350], line: 4 },
    ];
    const permutations = (list: RuleSpec[]): RuleSpec[][] =>
      list.length <= 1
        ? [list]
        : list.flatMap((item, at) =>
            permutations([...list.slice(0, at), ...list.slice(at + 1)]).map((rest) => [
              item,
              ...rest,
            ]),
          );
    const probe = (engine: Engine) =>
      ["a", "b", "c"].flatMap((source) =>
        [99, 100, 149, 150, 200, 201, 249, 250, 300, 301, 350, 351, 400, 401].map((port) => {
          const decision = engine.ingress({ source, destination: "svc", port });
          return `${source}:${port}:${decision.reason}:${decision.rule?.span.line ?? "-"}`;
        }),
      );
    const orders = permutations(rules);
    expect(orders).toHaveLength(24);
    const expected = probe(engineFor({ svc: { ingress: rules } }));
    for (const order of orders)
      expect(probe(engineFor({ svc: { ingress: order } }))).toEqual(expected);
    expect(expected.filter((line) => line.startsWith("a:"))).toEqual([
      "a:99:no-matching-rule:-",
      "a:100:denied-by-rule:1",
      "a:149:denied-by-rule:1",
      "a:150:denied-by-rule:1",
      "a:200:denied-by-rule:1",
      "a:201:allowed:2",
      "a:249:allowed:2",
      "a:250:allowed:2",
      "a:300:allowed:2",
      "a:301:allowed:3",
      "a:350:allowed:3",
      "a:351:allowed:3",
      "a:400:allowed:3",
      "a:401:no-matching-rule:-",
    ]);
    expect(expected.filter((line) => line.startsWith("b:3"))).toEqual([
      "b:300:allowed:2",
      "b:301:no-matching-rule:-",
      "b:350:denied-by-rule:4",
      "b:351:no-matching-rule:-",
    ]);
  });
});

describe("conditions without a token", () => {
  test("a conditional deny matches and a conditional allow grants nothing", () => {
    const when = { kind: "has" as const, claim: ["trial"] };
    const engine = engineFor({
      orders: {
        ingress: [
          { peers: ["billing"], ports: [8443], when },
          { effect: "deny", peers: ["billing"], ports: [9000], when },
          { peers: ["billing"], ports: [9000] },
        ],
      },
    });
    const at = (port: number) =>
      summary(engine.ingress({ source: "billing", destination: "orders", port }));
    expect(at(8443)).toEqual({
      decision: "deny",
      reason: "no-matching-rule",
      rule: null,
      side: "ingress",
    });
    expect(at(9000)).toEqual({
      decision: "deny",
      reason: "denied-by-rule",
      rule: "orders/ingress/1@3",
      side: "ingress",
    });
  });
});

describe("malformed connection questions", () => {
  const engine = engineFor(baselineServices());
  test.each([
    [null, "the query must be a JSON object"],
    ["billing", "the query must be a JSON object"],
    [{ destination: "orders", port: 8443 }, "`source` must be a service id of 1 to 253 characters"],
    [
      { source: "", destination: "orders", port: 8443 },
      "`source` must be a service id of 1 to 253 characters",
    ],
    [
      { source: "billing", destination: 7, port: 8443 },
      "`destination` must be a service id of 1 to 253 characters",
    ],
    [
      { source: "billing", destination: "orders", port: "8443" },
      "`port` must be an integer from 1 to 65535",
    ],
    [
      { source: "billing", destination: "orders", port: 0 },
      "`port` must be an integer from 1 to 65535",
    ],
    [
      { source: "billing", destination: "orders", port: 65536 },
      "`port` must be an integer from 1 to 65535",
    ],
    [
      { source: "billing", destination: "orders", port: 8443.5 },
      "`port` must be an integer from 1 to 65535",
    ],
    [
      { source: "billing", destination: "orders", port: 8443, protocol: "TCP" },
      "`protocol` must be `tcp` or `udp`",
    ],
  ])("%j", (query, message) => {
    const decision = engine.connection(query as never);
    expect(decision).toEqual({
      decision: "deny",
      reason: "request-malformed",
      message,
      rule: null,
    });
  });

  test("a query whose fields throw when read is a deny, not an exception", () => {
    const hostile = {
      get source(): string {
        throw new Error("boom");
      },
    };
    expect(engine.connection(hostile as never)).toEqual({
      decision: "deny",
      reason: "request-malformed",
      message: "the query cannot be read: `boom`",
      rule: null,
    });
  });

  test("decisions are frozen, so no caller can edit a shared one", () => {
    const decision = engine.connection({ source: "billing", destination: "orders", port: 8443 });
    expect(Object.isFrozen(decision)).toBe(true);
    expect(Object.isFrozen(decision.rule)).toBe(true);
    expect(Object.isFrozen(decision.rule?.span)).toBe(true);
  });
});
