import { beforeAll, describe, expect, test } from "vitest";
import { createEngine, type Engine, guardFetch } from "../index.ts";
import { baselineServices, makeIr, makeTrust } from "../testing/policy-fixtures.ts";
import { baselineClaims, makeKey, nowMs, signToken, type TestKey } from "../testing/tokens.ts";

let rsa: TestKey;
let engine: Engine;
let reader: string;

beforeAll(async () => {
  rsa = await makeKey("RS256", "k1");
  engine = createEngine(makeIr(baselineServices(), makeTrust([rsa.publicJwk as never])), {
    now: nowMs,
  });
  reader = await signToken(rsa, baselineClaims());
});

const options = {
  service: "orders",
  port: 8443,
  action: (incoming: Request) => (incoming.method === "GET" ? "orders:read" : "orders:write"),
};
const at = (init: RequestInit = {}) => new Request("http://127.0.0.1/orders", init);

describe("guardFetch", () => {
  test("an allowed request resolves to null", async () => {
    const guard = guardFetch(engine, options);
    expect(await guard(at({ headers: { authorization: `Bearer ${reader}` } }))).toBe(null);
  });

  test("a denied request resolves to a 401 or 403 response with the reason", async () => {
    const guard = guardFetch(engine, options);
    const missing = await guard(at());
    expect(missing?.status).toBe(401);
    expect(missing?.headers.get("x-palisade-reason")).toBe("token-missing");
    expect(await missing?.json()).toEqual({ decision: "deny", reason: "token-missing" });

    const write = await guard(
      at({ method: "POST", headers: { authorization: `Bearer ${reader}` } }),
    );
    expect(write?.status).toBe(403);
    expect(await write?.text()).toBe('{"decision":"deny","reason":"token-scope-missing"}');
  });

  test("appended Authorization headers arrive joined and are token-malformed", async () => {
    const headers = new Headers();
    headers.append("authorization", `Bearer ${reader}`);
    headers.append("Authorization", `Bearer ${reader}`);
    const response = await guardFetch(engine, options)(at({ headers }));
    expect(response?.status).toBe(401);
    expect(response?.headers.get("x-palisade-reason")).toBe("token-malformed");
  });

  test("a transport identity other than the token's subject is source-mismatch", async () => {
    const guard = guardFetch(engine, { ...options, transportIdentity: () => "inventory" });
    const response = await guard(at({ headers: { authorization: `Bearer ${reader}` } }));
    expect(response?.status).toBe(403);
    expect(response?.headers.get("x-palisade-reason")).toBe("source-mismatch");
    const same = guardFetch(engine, { ...options, transportIdentity: () => "billing" });
    expect(await same(at({ headers: { authorization: `Bearer ${reader}` } }))).toBe(null);
  });

  test("a guard for a service the policy does not define answers unknown-service", async () => {
    const guard = guardFetch(engine, { ...options, service: "ghost" });
    const response = await guard(at({ headers: { authorization: `Bearer ${reader}` } }));
    expect(response?.status).toBe(403);
    expect(await response?.json()).toEqual({ decision: "deny", reason: "unknown-service" });
  });

  test("an action that is not a string is 403 request-malformed", async () => {
    const guard = guardFetch(engine, { ...options, action: () => 42 as never });
    const response = await guard(at({ headers: { authorization: `Bearer ${reader}` } }));
    expect(response?.status).toBe(403);
    expect(response?.headers.get("x-palisade-reason")).toBe("request-malformed");
  });
});
