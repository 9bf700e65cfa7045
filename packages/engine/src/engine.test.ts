import { type Condition, type Ir, REASON_CODES, serializeIr, type Trust } from "@palisade/ir";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { createEngine, type DecisionRecord, type Engine } from "./index.ts";
import { baselineServices, makeIr, makeTrust, rehash, spanAt } from "./testing/policy-fixtures.ts";
import { baselineClaims, makeKey, NOW, nowMs, signToken, type TestKey } from "./testing/tokens.ts";

let rsa: TestKey;
let token: string;
let trust: Trust;
let ir: Ir;

beforeAll(async () => {
  rsa = await makeKey("RS256", "k1");
  token = await signToken(rsa, baselineClaims());
  trust = makeTrust([rsa.publicJwk as Record<string, unknown>]);
  ir = makeIr(baselineServices(), trust);
});

const CONNECTION = { source: "billing", destination: "orders", port: 8443 };
const requestInput = (authorization: string) => ({
  type: "request",
  source: "billing",
  destination: "orders",
  port: 8443,
  action: "orders:read",
  headers: { authorization },
});

/** Every way of asking, so fail-closed checks cover them all. */
async function askEverything(engine: Engine) {
  return [
    engine.connection(CONNECTION),
    engine.ingress(CONNECTION),
    engine.egress(CONNECTION),
    await engine.request({
      destination: "orders",
      port: 8443,
      action: "orders:read",
      authorization: `Bearer ${token}`,
    }),
    await engine.decide({ type: "connection", ...CONNECTION }),
    await engine.decide(requestInput(`Bearer ${token}`)),
    (await engine.explain(requestInput(`Bearer ${token}`))).decision,
  ];
}

describe("loading", () => {
  test("a valid IR, as a value or as the text `compile` writes", async () => {
    for (const input of [ir, serializeIr(ir)]) {
      const engine = createEngine(input, { now: nowMs });
      expect(engine.loadError).toBe(null);
      expect(engine.hash).toBe(ir.hash);
      expect((await askEverything(engine)).map((decision) => decision.reason)).toEqual(
        Array(7).fill("allowed"),
      );
    }
  });

  const corrupt: [string, () => unknown, string][] = [
    ["text that is not JSON", () => "{not json", "ir/not-json"],
    ["an unknown format", () => ({ ...ir, format: "palisade-ir/2" }), "ir/unknown-format"],
    ["a bad shape", () => ({ ...ir, services: "all" }), "ir/invalid"],
    ["null", () => null, "ir/invalid"],
    [
      "content that does not match its hash",
      () => ({ ...ir, services: ir.services.map((service) => ({ ...service, egress: [] })) }),
      "ir/hash-mismatch",
    ],
    [
      "an embedded private key",
      () =>
        rehash({
          ...ir,
          trust: { ...trust, keys: { kind: "jwks", keys: [{ kty: "oct", k: "c2VjcmV0" }] } },
        }),
      "ir/private-key",
    ],
    [
      "a service defined twice",
      () => rehash({ ...ir, services: [...ir.services, ...ir.services.slice(0, 1)] }),
      "engine/duplicate-service",
    ],
    [
      "clock skew not below the max token age",
      () => rehash({ ...ir, trust: { ...trust, maxTokenAge: 30, clockSkew: 30 } }),
      "engine/trust-unusable",
    ],
  ];

  test.each(corrupt)("%s gives an engine that denies everything", async (_, input, code) => {
    const engine = createEngine(input(), { now: nowMs });
    expect(engine.loadError?.code).toBe(code);
    expect(engine.hash).toBe(null);
    for (const decision of await askEverything(engine)) {
      expect(decision).toEqual({
        decision: "deny",
        reason: "policy-unavailable",
        message: `no policy is loaded: ${engine.loadError?.message}`,
        rule: null,
      });
    }
  });

  test("a condition nested 20 000 deep in the IR fails to load instead of throwing", () => {
    let when: Condition = { kind: "has", claim: ["x"] };
    for (let level = 0; level < 20_000; level++) when = { kind: "not", operand: when };
    const deep = structuredClone(ir) as Ir;
    const rule = deep.services.find((service) => service.id === "orders")?.ingress[0];
    if (rule === undefined) throw new Error("fixture changed");
    rule.when = when;
    const engine = createEngine(deep);
    expect(engine.loadError?.code).toMatch(/^(ir\/invalid|ir\/hash-mismatch|engine\/load-failed)$/);
    expect(engine.connection(CONNECTION).reason).toBe("policy-unavailable");
  });

  test("options of the wrong type are a TypeError", () => {
    expect(() => createEngine(ir, null as never)).toThrow(TypeError);
    expect(() => createEngine(ir, { sink: "log" } as never)).toThrow(
      "engine option `sink` must be a function",
    );
    expect(() => createEngine(ir, { now: 5 } as never)).toThrow(TypeError);
    expect(() => createEngine(ir, { keys: { keys: "k1" } } as never)).toThrow(
      "engine option `keys` must be a JWKS: an object with a `keys` array",
    );
  });
});

describe("hot reload", () => {
  const closed = () => {
    const services = baselineServices();
    services.orders = { ingress: [{ effect: "deny", peers: ["billing"], line: 77 }] };
    return makeIr(services, trust);
  };

  test("a valid IR takes effect at once", async () => {
    const engine = createEngine(ir, { now: nowMs });
    expect(engine.reload(closed())).toEqual({ ok: true });
    expect(engine.hash).toBe(closed().hash);
    expect(engine.connection(CONNECTION).reason).toBe("denied-by-rule");
    expect((await engine.decide(requestInput(`Bearer ${token}`))).rule?.span).toEqual(spanAt(77));
  });

  test("a failing IR is refused with its reason and the old policy stays", async () => {
    const engine = createEngine(ir, { now: nowMs });
    const result = engine.reload({ ...closed(), hash: ir.hash });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "ir/hash-mismatch",
        message: "the compiled policy's hash does not match its content",
      },
    });
    expect(engine.hash).toBe(ir.hash);
    expect(engine.loadError).toBe(null);
    expect((await askEverything(engine)).map((decision) => decision.reason)).toEqual(
      Array(7).fill("allowed"),
    );
  });

  test("an engine that started without a policy recovers on reload", () => {
    const engine = createEngine("garbage");
    expect(engine.connection(CONNECTION).reason).toBe("policy-unavailable");
    expect(engine.reload(ir)).toEqual({ ok: true });
    expect(engine.loadError).toBe(null);
    expect(engine.connection(CONNECTION).reason).toBe("allowed");
  });

  test("a request awaiting its keys finishes under the policy it started with", async () => {
    let release: (jwks: unknown) => void = () => {};
    const parked = new Promise((resolve) => {
      release = resolve;
    });
    const urlTrust: Trust = { ...trust, keys: { kind: "url", url: "https://idp.example.test/k" } };
    const records: DecisionRecord[] = [];
    const engine = createEngine(makeIr(baselineServices(), urlTrust), {
      now: nowMs,
      fetchJwks: () => parked,
      sink: (record) => records.push(record),
    });
    const before = engine.hash;
    const pending = engine.request({
      destination: "orders",
      port: 8443,
      action: "orders:read",
      authorization: `Bearer ${token}`,
    });
    expect(engine.reload(makeIr(baselineServicesClosed(), urlTrust))).toEqual({ ok: true });
    release({ keys: [rsa.publicJwk] });
    expect((await pending).reason).toBe("allowed");
    expect(records.map((record) => record.policyHash)).toEqual([before]);
    expect(engine.connection(CONNECTION).reason).toBe("denied-by-rule");
  });

  function baselineServicesClosed() {
    const services = baselineServices();
    services.orders = { ingress: [{ effect: "deny", peers: ["billing"] }] };
    return services;
  }
});

describe("the decision sink", () => {
  test("receives each decision with its inputs, minus the token's signature", async () => {
    const records: DecisionRecord[] = [];
    const engine = createEngine(ir, { now: nowMs, sink: (record) => records.push(record) });
    engine.connection({ ...CONNECTION, protocol: "tcp" });
    await engine.request({
      destination: "orders",
      port: 8443,
      action: "orders:read",
      authorization: `Bearer ${token}`,
      transportIdentity: "billing",
    });
    await engine.request({
      destination: "orders",
      port: 8443,
      action: "orders:read",
      authorization: "Basic dXNlcjpwdw==",
    });
    await engine.decide({ type: "ingress", ...CONNECTION });
    await engine.decide(42);

    const [header, payload, signature] = token.split(".");
    expect(records).toEqual([
      {
        time: new Date(NOW * 1000).toISOString(),
        policyHash: ir.hash,
        input: { type: "connection", ...CONNECTION, protocol: "tcp" },
        subject: null,
        decision: "allow",
        reason: "allowed",
        message: "allowed by ingress rule `orders/ingress/0`",
        rule: { id: "orders/ingress/0", span: spanAt(5) },
        side: "ingress",
      },
      {
        time: "2023-11-14T22:13:20.000Z",
        policyHash: ir.hash,
        input: {
          type: "request",
          destination: "orders",
          port: 8443,
          protocol: "tcp",
          action: "orders:read",
          authorization: [`Bearer ${header}.${payload}`],
          transportIdentity: "billing",
        },
        subject: "billing",
        decision: "allow",
        reason: "allowed",
        message: "allowed by ingress rule `orders/ingress/0`",
        rule: { id: "orders/ingress/0", span: spanAt(5) },
        side: "ingress",
      },
      expect.objectContaining({
        input: expect.objectContaining({ authorization: ["Basic [redacted]"] }),
        subject: null,
        reason: "token-missing",
      }),
      expect.objectContaining({
        input: { type: "ingress", ...CONNECTION, protocol: "tcp" },
        reason: "allowed",
      }),
      expect.objectContaining({ input: null, reason: "request-malformed" }),
    ]);
    expect(JSON.stringify(records)).not.toContain(signature);
    expect(JSON.stringify(records)).not.toContain("dXNlcjpwdw");
    expect(records.every((record) => Object.isFrozen(record))).toBe(true);
  });

  test("a sink that throws, rejects or edits the record changes nothing", async () => {
    const sinks = [
      () => {
        throw new Error("disk full");
      },
      () => Promise.reject(new Error("disk full")),
      (record: DecisionRecord) => {
        (record as { reason: string }).reason = "allowed";
      },
      () => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is tested
        get then(): never {
          throw new Error("hostile thenable");
        },
      }),
    ];
    for (const sink of sinks) {
      const engine = createEngine(ir, { now: nowMs, sink: sink as never });
      expect((await askEverything(engine)).map((decision) => decision.reason)).toEqual(
        Array(7).fill("allowed"),
      );
      const denied = engine.connection({ ...CONNECTION, port: 1 });
      expect(denied.reason).toBe("no-matching-rule");
    }
  });

  test("a clock that throws cannot break a connection decision", () => {
    const engine = createEngine(ir, {
      now: () => {
        throw new Error("no clock");
      },
      sink: () => {},
    });
    expect(engine.connection(CONNECTION).reason).toBe("allowed");
  });
});

describe("decide and explain take the CLI's JSON shape", () => {
  test("each type of question", async () => {
    const engine = createEngine(ir, { now: nowMs });
    expect((await engine.decide({ type: "connection", ...CONNECTION })).reason).toBe("allowed");
    expect((await engine.decide({ type: "egress", ...CONNECTION, port: 9000 })).reason).toBe(
      "no-matching-rule",
    );
    expect((await engine.decide(requestInput(`Bearer ${token}`))).reason).toBe("allowed");
    const { source: _omitted, ...noSource } = requestInput(`Bearer ${token}`);
    expect(
      (await engine.decide({ ...noSource, headers: { Authorization: `Bearer ${token}` } })).reason,
    ).toBe("allowed");
    expect((await engine.decide({ ...noSource, headers: {} })).reason).toBe("token-missing");
    expect((await engine.decide({ ...noSource, headers: undefined })).reason).toBe("token-missing");
  });

  test("two authorization headers in any letter case are token-malformed", async () => {
    const engine = createEngine(ir, { now: nowMs });
    const input = {
      ...requestInput(`Bearer ${token}`),
      headers: { authorization: `Bearer ${token}`, AUTHORIZATION: `Bearer ${token}` },
    };
    expect((await engine.decide(input)).reason).toBe("token-malformed");
    const listed = { ...requestInput(""), headers: { authorization: [`Bearer ${token}`] } };
    expect((await engine.decide(listed)).reason).toBe("allowed");
  });

  test.each<[string, unknown, string]>([
    ["no type", { ...CONNECTION }, "`type` must be `connection`, `ingress`, `egress` or `request`"],
    [
      "an unknown type",
      { type: "http", ...CONNECTION },
      "`type` must be `connection`, `ingress`, `egress` or `request`",
    ],
    [
      "a misspelt field",
      { type: "connection", ...CONNECTION, prot: "udp" },
      "unknown field `prot` in the query",
    ],
    [
      "a request field on a connection",
      { type: "connection", ...CONNECTION, action: "x" },
      "unknown field `action` in the query",
    ],
    [
      "headers that are not an object",
      { ...requestInput(""), headers: "Bearer x" },
      "`headers` must be an object whose values are strings or lists of strings",
    ],
    [
      "a header value that is a number",
      { ...requestInput(""), headers: { "x-id": 5 } },
      "`headers` must be an object whose values are strings or lists of strings",
    ],
    ["an array", [], "the query must be a JSON object"],
  ])("%s is request-malformed", async (_, input, message) => {
    const engine = createEngine(ir, { now: nowMs });
    expect(await engine.decide(input)).toEqual({
      decision: "deny",
      reason: "request-malformed",
      message,
      rule: null,
    });
  });

  test("explain traces a connection rule by rule", async () => {
    const engine = createEngine(ir, { now: nowMs });
    const explained = await engine.explain({ type: "connection", ...CONNECTION, port: 9000 });
    expect(explained.decision.reason).toBe("no-matching-rule");
    expect(
      explained.steps.map((step) =>
        step.kind === "check"
          ? `check ${step.check} ${step.passed ? "passed" : `failed ${step.reason}`}`
          : `rule ${step.id} line ${step.span.line} ${step.matched ? "matched" : step.outcome}`,
      ),
    ).toEqual([
      "check policy passed",
      "check input passed",
      "rule billing/egress/0 line 2 port-not-covered",
      "rule billing/egress/1 line 3 peer-not-listed",
      "check egress failed no-matching-rule",
      "rule orders/ingress/0 line 5 port-not-covered",
      "check ingress failed no-matching-rule",
    ]);
    const portStep = explained.steps[2];
    expect(portStep).toEqual({
      kind: "rule",
      side: "egress",
      id: "billing/egress/0",
      span: spanAt(2),
      effect: "allow",
      matched: false,
      outcome: "port-not-covered",
      message: "the rule does not cover port 9000",
      index: 0,
    });
  });

  test("explain traces a request through each check to the one that failed", async () => {
    const engine = createEngine(ir, { now: nowMs });
    const writer = await signToken(rsa, { ...baselineClaims(), scope: "orders:write" });
    const explained = await engine.explain(requestInput(`Bearer ${writer}`));
    expect(explained.decision.reason).toBe("token-scope-missing");
    expect(
      explained.steps.map((step) =>
        step.kind === "check"
          ? `${step.check}: ${step.passed ? "passed" : step.reason} (${step.message})`
          : `${step.id}: ${step.outcome}`,
      ),
    ).toEqual([
      `policy: passed (policy \`${ir.hash}\` is loaded)`,
      "input: passed (the query is well formed)",
      "authorization: passed (the request carries one bearer token)",
      "token: passed (the token is valid for `orders`)",
      "source: passed (the caller is the token's subject `billing`)",
      "orders/ingress/0: matched",
      "ingress: passed (an ingress rule admits the caller)",
      "token-scope: token-scope-missing (the token's scope does not include `orders:read`)",
    ]);
    const expired = await signToken(rsa, { ...baselineClaims(), iat: NOW - 200, exp: NOW - 100 });
    const failed = await engine.explain(requestInput(`Bearer ${expired}`));
    expect(failed.steps.at(-1)).toMatchObject({
      check: "token",
      passed: false,
      reason: "token-expired",
    });
    expect(failed.decision.reason).toBe("token-expired");
  });
});

describe("nothing throws past the caller, nothing allows", () => {
  const reasons = new Set<string>(REASON_CODES);

  test("arbitrary JSON into every entry point", async () => {
    const engine = createEngine(ir, { now: nowMs });
    await fc.assert(
      fc.asyncProperty(
        fc.anything({ withNullPrototype: true, withObjectString: true }),
        async (input) => {
          for (const decision of [
            engine.connection(input as never),
            engine.ingress(input as never),
            engine.egress(input as never),
            await engine.request(input as never),
            await engine.decide(input),
            (await engine.explain(input)).decision,
          ]) {
            expect(decision.decision).toBe("deny");
            expect(reasons.has(decision.reason)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test("near-miss questions: valid shapes with arbitrary values", async () => {
    const engine = createEngine(ir, { now: nowMs });
    const value = fc.oneof(
      fc.constantFrom("billing", "orders", "", "tcp", "udp", 8443, 0, -1, 1.5, null, true),
      fc.anything(),
    );
    const inputArb = fc.record(
      {
        type: fc.constantFrom("connection", "ingress", "egress", "request", "other"),
        source: value,
        destination: value,
        port: value,
        protocol: value,
        action: value,
        headers: fc.oneof(value, fc.dictionary(fc.string(), value)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(inputArb, async (input) => {
        const decision = await engine.decide(input);
        const isBaselineEdge =
          input.source === "billing" &&
          input.destination === "orders" &&
          input.port === 8443 &&
          (input.protocol === undefined || input.protocol === "tcp") &&
          input.type !== "request" &&
          !("action" in input) &&
          !("headers" in input);
        expect(decision.decision).toBe(isBaselineEdge && input.type !== "other" ? "allow" : "deny");
        expect(reasons.has(decision.reason)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
