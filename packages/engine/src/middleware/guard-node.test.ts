import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type Engine, guardNode } from "../index.ts";
import { baselineServices, makeIr, makeTrust } from "../testing/policy-fixtures.ts";
import { baselineClaims, makeKey, NOW, nowMs, signToken, type TestKey } from "../testing/tokens.ts";

let rsa: TestKey;
let engine: Engine;
let reader: string;
const servers: Server[] = [];

beforeAll(async () => {
  rsa = await makeKey("RS256", "k1");
  engine = createEngine(makeIr(baselineServices(), makeTrust([rsa.publicJwk as never])), {
    now: nowMs,
  });
  reader = await signToken(rsa, baselineClaims());
});

afterAll(async () => {
  await Promise.all(
    servers.map((server) => new Promise((resolve) => server.close(() => resolve(null)))),
  );
});

const actionOf = (incoming: IncomingMessage) =>
  incoming.method === "GET" ? "orders:read" : "orders:write";

/** Starts a guarded server on loopback; the handler behind the guard answers 200 `ok`. */
async function serve(
  guard: ReturnType<typeof guardNode>,
  handler: () => void = () => {},
): Promise<string> {
  const server = createServer((incoming, response) => {
    guard(incoming, response, () => {
      handler();
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends a request with node:http so a header can be sent twice (an array value). */
function rawRequest(
  url: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; reason: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "GET", headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          reason: response.headers["x-palisade-reason"] as string | undefined,
          body,
        }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("guardNode on a real server", () => {
  let url: string;
  beforeAll(async () => {
    url = await serve(guardNode(engine, { service: "orders", port: 8443, action: actionOf }));
  });

  test("an allowed request reaches the handler", async () => {
    const response = await fetch(`${url}/orders`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(response.headers.get("x-palisade-reason")).toBe(null);
  });

  test("no token is 401 token-missing with a bearer challenge", async () => {
    const response = await fetch(`${url}/orders`);
    expect(response.status).toBe(401);
    expect(response.headers.get("x-palisade-reason")).toBe("token-missing");
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ decision: "deny", reason: "token-missing" });
  });

  test("a bad token is 401 and the answer repeats neither token nor claims", async () => {
    const expired = await signToken(rsa, { ...baselineClaims(), iat: NOW - 250, exp: NOW - 40 });
    const response = await fetch(`${url}/orders`, {
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const body = await response.text();
    expect(body).toBe('{"decision":"deny","reason":"token-expired"}');
    let everything = body;
    response.headers.forEach((value, name) => {
      everything += `${name}: ${value}\n`;
    });
    for (const secret of [expired, ...expired.split("."), "billing", "orders:read"]) {
      expect(everything).not.toContain(secret);
    }
  });

  test("a valid token without the action's scope is 403", async () => {
    const response = await fetch(`${url}/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-palisade-reason")).toBe("token-scope-missing");
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
    expect(await response.json()).toEqual({ decision: "deny", reason: "token-scope-missing" });
  });

  test("a valid token for a caller the policy does not admit is 403", async () => {
    const intruder = await signToken(rsa, { ...baselineClaims(), sub: "inventory" });
    const response = await fetch(`${url}/orders`, {
      headers: { authorization: `Bearer ${intruder}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-palisade-reason")).toBe("no-matching-rule");
    expect(response.headers.get("www-authenticate")).toBe(null);
  });

  test("two Authorization headers are read from rawHeaders and refused", async () => {
    const intruder = await signToken(rsa, { ...baselineClaims(), sub: "inventory" });
    for (const pair of [
      [`Bearer ${reader}`, `Bearer ${intruder}`],
      [`Bearer ${intruder}`, `Bearer ${reader}`],
      [`Bearer ${reader}`, `Bearer ${reader}`],
      [`Bearer ${reader}`, "Basic dXNlcjpwdw=="],
    ]) {
      const answer = await rawRequest(`${url}/orders`, { authorization: pair });
      expect(answer).toEqual({
        status: 401,
        reason: "token-malformed",
        body: '{"decision":"deny","reason":"token-malformed"}',
      });
    }
    const single = await rawRequest(`${url}/orders`, { authorization: `Bearer ${reader}` });
    expect(single).toEqual({ status: 200, reason: undefined, body: "ok" });
  });
});

describe("guardNode failures", () => {
  test("a guard bound to a service the policy does not define denies everything", async () => {
    const url = await serve(guardNode(engine, { service: "ghost", port: 8443, action: actionOf }));
    for (const headers of [{}, { authorization: `Bearer ${reader}` }]) {
      const response = await fetch(url, { headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ decision: "deny", reason: "unknown-service" });
    }
  });

  test("the guard follows a reload that defines its service", async () => {
    const local = createEngine(makeIr({ billing: {} }, makeTrust([rsa.publicJwk as never])), {
      now: nowMs,
    });
    const url = await serve(guardNode(local, { service: "orders", port: 8443, action: actionOf }));
    const ask = () => fetch(url, { headers: { authorization: `Bearer ${reader}` } });
    expect((await ask()).headers.get("x-palisade-reason")).toBe("unknown-service");
    expect(local.reload(makeIr(baselineServices(), makeTrust([rsa.publicJwk as never])))).toEqual({
      ok: true,
    });
    expect((await ask()).status).toBe(200);
  });

  test("an action callback that throws is 403 request-malformed", async () => {
    const url = await serve(
      guardNode(engine, {
        service: "orders",
        port: 8443,
        action: () => {
          throw new Error("no route");
        },
      }),
    );
    const response = await fetch(url, { headers: { authorization: `Bearer ${reader}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-palisade-reason")).toBe("request-malformed");
  });

  test("a handler that throws after an allow gets a bare 500", async () => {
    const url = await serve(
      guardNode(engine, { service: "orders", port: 8443, action: actionOf }),
      () => {
        throw new Error("handler bug");
      },
    );
    const response = await fetch(url, { headers: { authorization: `Bearer ${reader}` } });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("");
  });

  test("options of the wrong type are a TypeError", () => {
    expect(() => guardNode(engine, { service: "", port: 8443, action: actionOf })).toThrow(
      "guard option `service` must be a service id",
    );
    expect(() => guardNode(engine, { service: "orders", port: 0, action: actionOf })).toThrow(
      TypeError,
    );
    expect(() => guardNode(engine, { service: "orders", port: 8443 } as never)).toThrow(
      "guard option `action` must be a function",
    );
    expect(() =>
      guardNode({ ...engine }, { service: "orders", port: 8443, action: actionOf }),
    ).toThrow("the engine must come from `createEngine`");
  });
});
