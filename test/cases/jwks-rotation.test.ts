/**
 * Case 9 of the shared cases file: key rotation against a JWKS endpoint served by a stub on
 * loopback, refetch on an unknown kid under a cooldown, and hostile kids.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createEngine, type Engine } from "@palisade/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baselineSources,
  claims,
  decideRequest,
  engineFor,
  ISS,
  jwks,
  K1,
  K2,
  mustCompile,
  NOW,
  SERVICES_DSL,
  type TestKey,
  token,
} from "./fixture.ts";

interface Stub {
  server: Server;
  url: string;
  fetches: number;
  keys: TestKey[];
}

async function startStub(keys: TestKey[]): Promise<Stub> {
  const stub: Stub = { server: createServer(), url: "", fetches: 0, keys };
  stub.server.on("request", (_req, res) => {
    stub.fetches += 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(jwks(...stub.keys));
  });
  await new Promise<void>((resolve) => stub.server.listen(0, "127.0.0.1", resolve));
  const { port } = stub.server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}/jwks.json`;
  return stub;
}

function remoteTrust(url: string): string {
  return `trust {\n  issuer "${ISS}"\n  algorithms RS256\n  keys url "${url}"\n  max-age 300s\n  clock-skew 30s\n}\n`;
}

function engineAt(url: string, clock: { offset: number }): Engine {
  const ir = mustCompile([{ file: "cases/remote.policy", text: remoteTrust(url) + SERVICES_DSL }]);
  return createEngine(ir, { now: () => (NOW + clock.offset) * 1000 });
}

/** T as it would be minted at the current test time. */
function freshToken(clock: { offset: number }, key: TestKey): string {
  const at = NOW + clock.offset;
  return token({
    header: { alg: "RS256", kid: key.kid, typ: "JWT" },
    payload: claims({ iat: at - 10, exp: at + 240 }),
    key,
  });
}

describe("case 9: JWKS rotation", () => {
  let stub: Stub;

  beforeAll(async () => {
    stub = await startStub([K1]);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => stub.server.close(() => resolve()));
  });

  it("9a: a token from a rotated-in key is allowed after exactly one refetch", async () => {
    stub.keys = [K1];
    stub.fetches = 0;
    const clock = { offset: 0 };
    const engine = engineAt(stub.url, clock);

    expect(await decideRequest(engine, `Bearer ${freshToken(clock, K1)}`)).toMatchObject({
      decision: "allow",
    });
    const afterFirstUse = stub.fetches;
    expect(afterFirstUse).toBe(1);

    stub.keys = [K1, K2];
    clock.offset = 60;
    expect(await decideRequest(engine, `Bearer ${freshToken(clock, K2)}`)).toMatchObject({
      decision: "allow",
      reason: "allowed",
    });
    expect(stub.fetches - afterFirstUse).toBe(1);
  });

  it("9b: 500 random kids within 10 s cause at most one fetch and are all refused", async () => {
    stub.keys = [K1];
    stub.fetches = 0;
    const clock = { offset: 0 };
    const engine = engineAt(stub.url, clock);
    await decideRequest(engine, `Bearer ${freshToken(clock, K1)}`);
    const loaded = stub.fetches;

    for (let i = 0; i < 500; i += 1) {
      clock.offset = (i / 500) * 10;
      const forged = token({
        header: { alg: "RS256", kid: `random-${i}-${Math.random()}`, typ: "JWT" },
        payload: claims({ iat: NOW + clock.offset - 10, exp: NOW + clock.offset + 240 }),
      });
      const decision = await decideRequest(engine, `Bearer ${forged}`);
      expect(decision).toMatchObject({ decision: "deny", reason: "token-signature-invalid" });
    }
    expect(stub.fetches - loaded).toBeLessThanOrEqual(1);
  });

  it.each([
    ["a path", "../../../../dev/null"],
    ["an injection string", "' OR '1'='1"],
    ["a 10 KB string", "k".repeat(10 * 1024)],
  ])("9c: kid as %s is refused", async (_name, kid) => {
    const engine = engineFor(mustCompile(baselineSources()));
    const forged = token({ header: { alg: "RS256", kid, typ: "JWT" } });
    expect(await decideRequest(engine, `Bearer ${forged}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });

  it("9d: an unreachable endpoint on first use refuses the token", async () => {
    const closed = await startStub([K1]);
    const url = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const clock = { offset: 0 };
    const engine = engineAt(url, clock);
    expect(await decideRequest(engine, `Bearer ${freshToken(clock, K1)}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });

  it("9e: no kid while the set holds two RSA keys is refused, not tried key by key", async () => {
    const engine = engineFor(mustCompile(baselineSources(), jwks(K1, K2)));
    const noKid = token({ header: { alg: "RS256", typ: "JWT" } });
    expect(await decideRequest(engine, `Bearer ${noKid}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });

  it("two keys live at once: tokens from either verify", async () => {
    const engine = engineFor(mustCompile(baselineSources(), jwks(K1, K2)));
    for (const key of [K1, K2]) {
      const t = token({ header: { alg: "RS256", kid: key.kid, typ: "JWT" }, key });
      expect(await decideRequest(engine, `Bearer ${t}`)).toMatchObject({ decision: "allow" });
    }
  });
});
