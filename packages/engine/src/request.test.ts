import type { Condition, Decision, Trust } from "@palisade/ir";
import { beforeAll, describe, expect, test } from "vitest";
import { createEngine, type Engine, type EngineOptions, type RequestQuery } from "./index.ts";
import {
  baselineServices,
  ISSUER,
  makeIr,
  makeTrust,
  type ServiceSpec,
  spanAt,
} from "./testing/policy-fixtures.ts";
import { baselineClaims, makeKey, NOW, nowMs, signToken, type TestKey } from "./testing/tokens.ts";

let rsa: TestKey;
let es: TestKey;
let ed: TestKey;
let hs: TestKey;
let stranger: TestKey;

beforeAll(async () => {
  [rsa, es, ed, hs, stranger] = await Promise.all([
    makeKey("RS256", "k1"),
    makeKey("ES256", "k-es"),
    makeKey("EdDSA", "k-ed"),
    makeKey("HS256", "k-hs"),
    makeKey("RS256", "k1"),
  ]);
});

const publicOf = (key: TestKey) => key.publicJwk as Record<string, unknown>;

function engineFor(
  services: Record<string, ServiceSpec> = baselineServices(),
  trust: Trust | null = makeTrust([publicOf(rsa)]),
  options: EngineOptions = {},
): Engine {
  const engine = createEngine(makeIr(services, trust), { now: nowMs, ...options });
  expect(engine.loadError).toBe(null);
  return engine;
}

const baselineRequest = (
  authorization: string | readonly string[] | null | undefined,
): RequestQuery => ({
  destination: "orders",
  port: 8443,
  action: "orders:read",
  ...(authorization === undefined ? {} : { authorization }),
  source: "billing",
});

const tokenWith = (changes: Record<string, unknown>, key = rsa, header = {}) =>
  signToken(key, { ...baselineClaims(), ...changes }, header);

const reasonOf = async (engine: Engine, query: RequestQuery) =>
  (await engine.request(query)).reason;

const ALLOWED_BASELINE: Decision = {
  decision: "allow",
  reason: "allowed",
  message: "allowed by ingress rule `orders/ingress/0`",
  rule: { id: "orders/ingress/0", span: spanAt(5) },
  side: "ingress",
};

describe("the baseline request", () => {
  test("is allowed, naming the destination's ingress rule", async () => {
    const token = await tokenWith({});
    expect(await engineFor().request(baselineRequest(`Bearer ${token}`))).toEqual(ALLOWED_BASELINE);
  });

  test.each([
    ["ES256", () => es],
    ["EdDSA", () => ed],
    ["RS256", () => rsa],
  ])("a token signed with %s is allowed when the trust settings list it", async (alg, key) => {
    const engine = engineFor(
      baselineServices(),
      makeTrust([publicOf(rsa), publicOf(es), publicOf(ed)], ["RS256", "ES256", "EdDSA"]),
    );
    const token = await tokenWith({}, key());
    expect(await engine.request(baselineRequest(`Bearer ${token}`))).toEqual(ALLOWED_BASELINE);
    expect(alg).toBe(key().alg);
  });

  test("HS256 works only with a local key set that holds the secret", async () => {
    const trust = makeTrust([publicOf(rsa)], ["RS256", "HS256"]);
    const token = await tokenWith({}, hs);
    const withSecret = engineFor(baselineServices(), trust, {
      keys: { keys: [publicOf(rsa), publicOf(hs)] },
    });
    expect(await reasonOf(withSecret, baselineRequest(`Bearer ${token}`))).toBe("allowed");
    expect(
      await reasonOf(engineFor(baselineServices(), trust), baselineRequest(`Bearer ${token}`)),
    ).toBe("token-signature-invalid");
  });

  test("HS256 is refused when only RS256 is allowed, even with the secret known", async () => {
    const engine = engineFor(baselineServices(), makeTrust([publicOf(rsa)]), {
      keys: { keys: [publicOf(rsa), publicOf(hs)] },
    });
    const token = await tokenWith({}, hs);
    expect(await reasonOf(engine, baselineRequest(`Bearer ${token}`))).toBe(
      "token-algorithm-not-allowed",
    );
  });
});

describe("token reason codes", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["expired", { iat: NOW - 250, exp: NOW - 40 }, "token-expired"],
    ["not yet valid", { nbf: NOW + 120 }, "token-not-yet-valid"],
    ["minted to live longer than the max age", { iat: NOW - 10, exp: NOW + 400 }, "token-too-old"],
    ["from another issuer", { iss: "https://idp.example.test/" }, "token-wrong-issuer"],
    ["for another audience", { aud: "inventory" }, "token-wrong-audience"],
    ["for several audiences", { aud: ["orders", "inventory"] }, "token-wrong-audience"],
    ["without exp", { exp: undefined }, "token-malformed"],
    ["without iat", { iat: undefined }, "token-malformed"],
  ])("a token %s", async (_, changes, reason) => {
    const token = await tokenWith(changes);
    const decision = await engineFor().request(baselineRequest(`Bearer ${token}`));
    expect(decision.decision).toBe("deny");
    expect(decision.reason).toBe(reason);
    expect(decision.rule).toBe(null);
  });

  test("a token signed by another key with the same kid is token-signature-invalid", async () => {
    const token = await tokenWith({}, stranger);
    expect(await reasonOf(engineFor(), baselineRequest(`Bearer ${token}`))).toBe(
      "token-signature-invalid",
    );
  });

  test("an algorithm outside the allow-list is token-algorithm-not-allowed", async () => {
    const engine = engineFor(baselineServices(), makeTrust([publicOf(rsa), publicOf(es)]));
    const token = await tokenWith({}, es);
    expect(await reasonOf(engine, baselineRequest(`Bearer ${token}`))).toBe(
      "token-algorithm-not-allowed",
    );
  });

  test("the audience checked is the destination of the request", async () => {
    const token = await tokenWith({});
    const query = { ...baselineRequest(`Bearer ${token}`), destination: "inventory", port: 9000 };
    expect(await reasonOf(engineFor(), query)).toBe("token-wrong-audience");
  });
});

describe("the Authorization header (case 11)", () => {
  let token: string;
  let other: string;
  beforeAll(async () => {
    token = await tokenWith({});
    other = await tokenWith({ aud: "inventory", scope: ["inventory:read"] });
  });

  test("a: the scheme word in any letter case", async () => {
    const engine = engineFor();
    expect(await reasonOf(engine, baselineRequest(`bearer ${token}`))).toBe("allowed");
    expect(await reasonOf(engine, baselineRequest(`BEARER ${token}`))).toBe("allowed");
  });

  test("b-f: anything but one space and one token is token-malformed", async () => {
    const engine = engineFor();
    const values: (string | string[])[] = [
      `Bearer   ${token}`,
      `Bearer\t${token}`,
      `Bearer${token}`,
      `Bearer ${token} extra`,
      "Bearer",
      "Bearer ",
      `Bearer ${token}, Bearer ${other}`,
      [`Bearer ${token}`, `Bearer ${other}`],
      [`Bearer ${token}`, `Bearer ${token}`],
    ];
    for (const value of values) {
      expect(await reasonOf(engine, baselineRequest(value))).toBe("token-malformed");
    }
  });

  test("g: another scheme, or no header at all, is token-missing", async () => {
    const engine = engineFor();
    for (const value of ["Basic dXNlcjpwdw==", null, undefined, []]) {
      const decision = await engine.request(baselineRequest(value));
      expect(decision.reason).toBe("token-missing");
    }
  });

  test("h: one base64url character of the token flipped in case", async () => {
    const engine = engineFor();
    const letterFrom = (start: number) => {
      let at = start;
      while (!/[A-Za-z]/.test(token[at] as string)) at++;
      return at;
    };
    const signatureAt = letterFrom(token.lastIndexOf(".") + 5);
    const payloadAt = letterFrom(token.indexOf(".") + 5);
    for (const at of [signatureAt, payloadAt]) {
      const character = token[at] as string;
      const flipped =
        character === character.toLowerCase() ? character.toUpperCase() : character.toLowerCase();
      expect(flipped).not.toBe(character);
      const mangled = `${token.slice(0, at)}${flipped}${token.slice(at + 1)}`;
      const reason = await reasonOf(engine, baselineRequest(`Bearer ${mangled}`));
      expect(["token-signature-invalid", "token-malformed"]).toContain(reason);
    }
  });
});

describe("caller, rules and scopes", () => {
  test("a named source or transport identity must equal the token's sub", async () => {
    const engine = engineFor();
    const token = await tokenWith({});
    const query = baselineRequest(`Bearer ${token}`);
    expect(await engine.request({ ...query, source: "inventory" })).toEqual({
      decision: "deny",
      reason: "source-mismatch",
      message: "the token's subject `billing` is not the request's source `inventory`",
      rule: null,
    });
    const { source: _omitted, ...withoutSource } = query;
    expect(await reasonOf(engine, { ...withoutSource, transportIdentity: "inventory" })).toBe(
      "source-mismatch",
    );
    expect(await reasonOf(engine, { ...withoutSource, transportIdentity: "billing" })).toBe(
      "allowed",
    );
    expect(await reasonOf(engine, withoutSource)).toBe("allowed");
  });

  test("the caller must be admitted on that port and protocol", async () => {
    const engine = engineFor();
    const token = await tokenWith({});
    const query = baselineRequest(`Bearer ${token}`);
    expect(await engine.request({ ...query, port: 9000 })).toEqual({
      decision: "deny",
      reason: "no-matching-rule",
      message: "no ingress rule allows this",
      rule: null,
      side: "ingress",
    });
    expect(await reasonOf(engine, { ...query, protocol: "udp" })).toBe("no-matching-rule");
    const intruder = await tokenWith({ sub: "inventory" });
    const { source: _omitted, ...withoutSource } = query;
    expect(await reasonOf(engine, { ...withoutSource, authorization: `Bearer ${intruder}` })).toBe(
      "no-matching-rule",
    );
  });

  test("a destination no policy defines has no rules", async () => {
    const token = await tokenWith({ aud: "ghost" });
    const query = { ...baselineRequest(`Bearer ${token}`), destination: "ghost" };
    expect(await reasonOf(engineFor(), query)).toBe("no-matching-rule");
  });

  test("a deny rule for the caller is denied-by-rule", async () => {
    const services = baselineServices();
    services.orders = {
      ingress: [
        { peers: ["billing"], ports: [8443], scopes: ["orders:read"] },
        { effect: "deny", peers: ["billing"], line: 40 },
      ],
    };
    const token = await tokenWith({});
    expect(await engineFor(services).request(baselineRequest(`Bearer ${token}`))).toEqual({
      decision: "deny",
      reason: "denied-by-rule",
      message: "denied by ingress rule `orders/ingress/1`",
      rule: { id: "orders/ingress/1", span: spanAt(40) },
      side: "ingress",
    });
  });

  test.each<[string, unknown, string]>([
    ["an array", ["orders:read"], "allowed"],
    ["a space-separated string", "inventory:read orders:read", "allowed"],
    ["another scope only", ["inventory:read"], "token-scope-missing"],
    ["a prefix of the action", ["orders:rea"], "token-scope-missing"],
    ["the action with other letter case", "Orders:Read", "token-scope-missing"],
    ["an empty string", "", "token-scope-missing"],
    ["no scope claim", undefined, "token-scope-missing"],
  ])("scope as %s", async (_, scope, reason) => {
    const token = await tokenWith({ scope });
    expect(await reasonOf(engineFor(), baselineRequest(`Bearer ${token}`))).toBe(reason);
  });

  test("`scp` is never read", async () => {
    const token = await tokenWith({ scope: undefined, scp: ["orders:read"] });
    const decision = await engineFor().request(baselineRequest(`Bearer ${token}`));
    expect(decision).toEqual({
      decision: "deny",
      reason: "token-scope-missing",
      message: "the token's scope does not include `orders:read`",
      rule: { id: "orders/ingress/0", span: spanAt(5) },
      side: "ingress",
    });
  });

  test("an action in the token but not in the rule's scopes is action-not-permitted", async () => {
    const token = await tokenWith({ scope: ["orders:read", "orders:write"] });
    const query = { ...baselineRequest(`Bearer ${token}`), action: "orders:write" };
    expect(await engineFor().request(query)).toEqual({
      decision: "deny",
      reason: "action-not-permitted",
      message: "ingress rule `orders/ingress/0` does not permit `orders:write`",
      rule: { id: "orders/ingress/0", span: spanAt(5) },
      side: "ingress",
    });
  });

  test("of several matching allows, any that lists the action permits it", async () => {
    const services = baselineServices();
    services.orders = {
      ingress: [
        { peers: ["billing"], ports: [8443], scopes: ["orders:read"], line: 10 },
        {
          peers: ["billing", "inventory"],
          ports: [[8000, 9000]],
          scopes: ["orders:write"],
          line: 20,
        },
      ],
    };
    const engine = engineFor(services);
    const token = await tokenWith({ scope: ["orders:read", "orders:write", "orders:delete"] });
    const query = baselineRequest(`Bearer ${token}`);
    const write = await engine.request({ ...query, action: "orders:write" });
    expect(write.reason).toBe("allowed");
    expect(write.rule?.span.line).toBe(20);
    expect((await engine.request(query)).rule?.span.line).toBe(10);
    const remove = await engine.request({ ...query, action: "orders:delete" });
    expect(remove.reason).toBe("action-not-permitted");
    expect(remove.rule?.span.line).toBe(10);
  });

  test("a rule that lists no scopes permits any action the token carries", async () => {
    const services = baselineServices();
    services.orders = { ingress: [{ peers: ["billing"], ports: [8443] }] };
    const token = await tokenWith({ scope: "orders:read orders:purge" });
    const query = { ...baselineRequest(`Bearer ${token}`), action: "orders:purge" };
    expect(await reasonOf(engineFor(services), query)).toBe("allowed");
    expect(await reasonOf(engineFor(services), { ...query, action: "orders:other" })).toBe(
      "token-scope-missing",
    );
  });
});

describe("conditions on claims (case 24)", () => {
  const tenantIn: Condition = { kind: "in", claim: ["tenant"], values: ["a", "b"] };
  const withDeny = (): Record<string, ServiceSpec> => {
    const services = baselineServices();
    services.orders = {
      ingress: [
        { peers: ["billing"], ports: [8443], scopes: ["orders:read"] },
        { effect: "deny", peers: ["billing"], when: tenantIn, line: 30 },
      ],
    };
    return services;
  };

  test("a: a deny whose claim has another type matches", async () => {
    const token = await tokenWith({ tenant: 7 });
    const decision = await engineFor(withDeny()).request(baselineRequest(`Bearer ${token}`));
    expect(decision.reason).toBe("denied-by-rule");
    expect(decision.rule?.span.line).toBe(30);
  });

  test("b: a deny whose claim is missing matches", async () => {
    const token = await tokenWith({});
    expect(await reasonOf(engineFor(withDeny()), baselineRequest(`Bearer ${token}`))).toBe(
      "denied-by-rule",
    );
  });

  test("a deny whose condition holds matches; one that does not hold is skipped", async () => {
    const engine = engineFor(withDeny());
    const inList = await tokenWith({ tenant: "b" });
    const outside = await tokenWith({ tenant: "z" });
    expect(await reasonOf(engine, baselineRequest(`Bearer ${inList}`))).toBe("denied-by-rule");
    expect(await reasonOf(engine, baselineRequest(`Bearer ${outside}`))).toBe("allowed");
  });

  test("c: the only admitting allow has an erroring condition and grants nothing", async () => {
    const services = baselineServices();
    services.orders = {
      ingress: [{ peers: ["billing"], ports: [8443], scopes: ["orders:read"], when: tenantIn }],
    };
    const engine = engineFor(services);
    const numeric = await tokenWith({ tenant: 7 });
    expect(await reasonOf(engine, baselineRequest(`Bearer ${numeric}`))).toBe("no-matching-rule");
    const explained = await engine.explain({
      type: "request",
      destination: "orders",
      port: 8443,
      action: "orders:read",
      headers: { authorization: `Bearer ${numeric}` },
    });
    const ruleStep = explained.steps.find((step) => step.kind === "rule");
    expect(ruleStep).toMatchObject({
      id: "orders/ingress/0",
      matched: false,
      outcome: "condition-unevaluable",
      message:
        "claim `token.tenant` is a number, unlike every listed value, so this allow grants nothing",
    });
    const holds = await tokenWith({ tenant: "a" });
    expect(await reasonOf(engine, baselineRequest(`Bearer ${holds}`))).toBe("allowed");
  });

  test("d: one bad rule does not break other decisions", async () => {
    const engine = engineFor(withDeny());
    const numeric = await tokenWith({ tenant: 7 });
    expect(await reasonOf(engine, baselineRequest(`Bearer ${numeric}`))).toBe("denied-by-rule");
    const forInventory = await tokenWith({
      aud: "inventory",
      scope: ["inventory:read"],
      tenant: 7,
    });
    const query = {
      ...baselineRequest(`Bearer ${forInventory}`),
      destination: "inventory",
      port: 9000,
      action: "inventory:read",
    };
    expect(await reasonOf(engine, query)).toBe("allowed");
  });

  test("hostile claims nested 3 000 deep are denied, not crashed on", async () => {
    let nested: unknown = "a";
    for (let level = 0; level < 3_000; level++) nested = [nested];
    const token = await tokenWith({ tenant: nested });
    expect(await reasonOf(engineFor(withDeny()), baselineRequest(`Bearer ${token}`))).toBe(
      "denied-by-rule",
    );
  });
});

describe("request-malformed and missing trust", () => {
  test.each<[string, unknown, string]>([
    ["not an object", "orders", "the query must be a JSON object"],
    [
      "a misspelt field",
      { ...baselineRequest(null), sorce: "billing" },
      "unknown field `sorce` in the query",
    ],
    [
      "no action",
      { ...baselineRequest(null), action: "" },
      "`action` must be a string of 1 to 1024 characters",
    ],
    [
      "a port as text",
      { ...baselineRequest(null), port: "8443" },
      "`port` must be an integer from 1 to 65535",
    ],
    [
      "a header of numbers",
      { ...baselineRequest(null), authorization: [1] },
      "`authorization` must be a string, a list of strings or absent",
    ],
    [
      "a bad transport identity",
      { ...baselineRequest(null), transportIdentity: 5 },
      "`transportIdentity` must be a service id of 1 to 253 characters",
    ],
  ])("%s", async (_, query, message) => {
    const decision = await engineFor().request(query as RequestQuery);
    expect(decision).toEqual({
      decision: "deny",
      reason: "request-malformed",
      message,
      rule: null,
    });
  });

  test("a policy without trust settings denies every request", async () => {
    const token = await tokenWith({});
    expect(
      await engineFor(baselineServices(), null).request(baselineRequest(`Bearer ${token}`)),
    ).toEqual({
      decision: "deny",
      reason: "policy-unavailable",
      message: "the policy has no trust settings, so no request token can be verified",
      rule: null,
    });
  });

  test("a key URL whose fetch throws or rejects denies, and never throws", async () => {
    const trust: Trust = {
      ...makeTrust([]),
      keys: { kind: "url", url: "https://idp.example.test/jwks.json" },
    };
    const token = await tokenWith({});
    const fetchers = [
      () => {
        throw new Error("network down");
      },
      () => Promise.reject(new Error("network down")),
      () => Promise.resolve({ keys: "not a list" }),
    ];
    for (const fetchJwks of fetchers) {
      const engine = engineFor(baselineServices(), trust, { fetchJwks });
      expect(await reasonOf(engine, baselineRequest(`Bearer ${token}`))).toBe(
        "token-signature-invalid",
      );
    }
    const served = engineFor(baselineServices(), trust, {
      fetchJwks: () => Promise.resolve({ keys: [publicOf(rsa)] }),
    });
    expect(await reasonOf(served, baselineRequest(`Bearer ${token}`))).toBe("allowed");
  });

  test("the issuer constant matches the shared cases", () => {
    expect(ISSUER).toBe("https://idp.example.test");
  });
});
