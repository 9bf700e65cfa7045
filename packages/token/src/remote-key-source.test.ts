import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Jwk } from "@palisade/ir";
import { afterEach, describe, expect, it } from "vitest";
import { createVerifier, type VerifierOptions } from "./create-verifier.ts";
import { fetchJwksOverHttp } from "./fetch-jwks.ts";
import {
  claimsWith,
  frozenClock,
  H1_JWK,
  HMAC_SECRET,
  K1,
  K2,
  NOW,
  signToken,
  trustWith,
} from "./token-fixture.ts";

/** A JWKS stub on loopback that counts requests; the test swaps its keys or its answer. */
interface JwksStub {
  readonly url: string;
  readonly paths: string[];
  keys: Jwk[];
  status: number;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function startStub(keys: Jwk[]): Promise<JwksStub> {
  const server = createServer((request, response) => {
    stub.paths.push(request.url ?? "");
    response.writeHead(stub.status, { "content-type": "application/json" });
    response.end(stub.status === 200 ? JSON.stringify({ keys: stub.keys }) : "{}");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stub: JwksStub = {
    url: `http://127.0.0.1:${port}/jwks.json`,
    paths: [],
    keys,
    status: 200,
    close: () => close(server),
  };
  return stub;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .filter((server) => server.listening)
      .map(close),
  );
});

function remoteVerifier(url: string, clock: { now: () => number }, options: VerifierOptions = {}) {
  return createVerifier(trustWith({ keys: { kind: "url", url } }), { now: clock.now, ...options });
}

async function codeOf(result: Promise<{ ok: boolean; code?: string }>): Promise<string> {
  const settled = await result;
  return settled.ok ? "ALLOW" : (settled.code ?? "");
}

describe("case 9: remote key set", () => {
  it("9a: a rotated-in key is found after exactly one refetch", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock);

    expect(await codeOf(verifier.verify(await signToken(), "orders"))).toBe("ALLOW");
    expect(stub.paths).toEqual(["/jwks.json"]);

    stub.keys = [K1.jwk, K2.jwk];
    clock.set(NOW + 60);
    const byK2 = await signToken(claimsWith({}, NOW + 60), { kid: "k2", key: K2.privateKey });
    expect(await codeOf(verifier.verify(byK2, "orders"))).toBe("ALLOW");
    expect(stub.paths).toEqual(["/jwks.json", "/jwks.json"]);

    const byK1 = await signToken(claimsWith({}, NOW + 60));
    expect(await codeOf(verifier.verify(byK1, "orders"))).toBe("ALLOW");
    expect(stub.paths.length).toBe(2);
  });

  it("9b: 500 tokens with random kids within 10 s cause at most one fetch", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock, { cacheSize: 0 });
    const codes = new Set<string>();
    for (let index = 0; index < 500; index += 1) {
      clock.set(NOW + index / 50);
      const kid = Math.random().toString(36).slice(2);
      codes.add(await codeOf(verifier.verify(await signToken(claimsWith(), { kid }), "orders")));
    }
    expect([...codes]).toEqual(["token-signature-invalid"]);
    expect(stub.paths.length).toBe(1);
  });

  it("9b: concurrent tokens with unknown kids share one fetch", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, index) => signToken(claimsWith(), { kid: `x${index}` })),
    );
    const codes = await Promise.all(
      tokens.map((token) => codeOf(verifier.verify(token, "orders"))),
    );
    expect(new Set(codes)).toEqual(new Set(["token-signature-invalid"]));
    expect(stub.paths.length).toBe(1);
  });

  it("9c: hostile kids are only looked up in the fetched set", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock);
    for (const kid of ["../../../../dev/null", "' OR '1'='1", "k".repeat(10 * 1024)]) {
      const token = await signToken(claimsWith(), { kid });
      const result = await verifier.verify(token, "orders");
      expect(result.ok ? "ALLOW" : result.code).toBe("token-signature-invalid");
      expect(result.ok ? "" : result.message.length).toBeLessThan(120);
    }
    expect(stub.paths).toEqual(["/jwks.json"]);
  });

  it("9d: an unreachable endpoint on first use", async () => {
    const stub = await startStub([K1.jwk]);
    await stub.close();
    const verifier = remoteVerifier(stub.url, frozenClock(NOW));
    expect(await codeOf(verifier.verify(await signToken(), "orders"))).toBe(
      "token-signature-invalid",
    );
  });

  it("9d: an error status from the endpoint", async () => {
    const stub = await startStub([K1.jwk]);
    stub.status = 500;
    const verifier = remoteVerifier(stub.url, frozenClock(NOW));
    expect(await codeOf(verifier.verify(await signToken(), "orders"))).toBe(
      "token-signature-invalid",
    );
    expect(stub.paths.length).toBe(1);
  });

  it("9e: a token with no kid while the set holds two RSA keys", async () => {
    const stub = await startStub([K1.jwk, K2.jwk]);
    const verifier = remoteVerifier(stub.url, frozenClock(NOW));
    const token = await signToken(claimsWith(), { kid: null });
    expect(await codeOf(verifier.verify(token, "orders"))).toBe("token-signature-invalid");
  });
});

describe("remote key set: timing and failures", () => {
  it("waits out the cooldown after a fetch before refetching", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock);
    await verifier.verify(await signToken(), "orders");

    stub.keys = [K1.jwk, K2.jwk];
    clock.set(NOW + 29);
    const early = await signToken(claimsWith({}, NOW + 29), { kid: "k2", key: K2.privateKey });
    expect(await codeOf(verifier.verify(early, "orders"))).toBe("token-signature-invalid");
    expect(stub.paths.length).toBe(1);

    clock.set(NOW + 30);
    const later = await signToken(claimsWith({}, NOW + 30), { kid: "k2", key: K2.privateKey });
    expect(await codeOf(verifier.verify(later, "orders"))).toBe("ALLOW");
    expect(stub.paths.length).toBe(2);
  });

  it("retries an unreachable endpoint only after the cooldown", async () => {
    const stub = await startStub([K1.jwk]);
    stub.status = 503;
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock);
    expect(await codeOf(verifier.verify(await signToken(), "orders"))).toBe(
      "token-signature-invalid",
    );
    clock.set(NOW + 10);
    expect(await codeOf(verifier.verify(await signToken(claimsWith({}, NOW + 10)), "orders"))).toBe(
      "token-signature-invalid",
    );
    expect(stub.paths.length).toBe(1);

    stub.status = 200;
    clock.set(NOW + 31);
    expect(await codeOf(verifier.verify(await signToken(claimsWith({}, NOW + 31)), "orders"))).toBe(
      "ALLOW",
    );
    expect(stub.paths.length).toBe(2);
  });

  it("keeps the set when a refetch fails, and refetches a set past its max age", async () => {
    const stub = await startStub([K1.jwk]);
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier(stub.url, clock, { cacheSize: 0, jwksMaxAgeMs: 120_000 });
    await verifier.verify(await signToken(), "orders");

    stub.status = 500;
    clock.set(NOW + 40);
    const unknown = await signToken(claimsWith({}, NOW + 40), { kid: "k9" });
    expect(await codeOf(verifier.verify(unknown, "orders"))).toBe("token-signature-invalid");
    expect(await codeOf(verifier.verify(await signToken(claimsWith({}, NOW + 40)), "orders"))).toBe(
      "ALLOW",
    );
    expect(stub.paths.length).toBe(2);

    clock.set(NOW + 121);
    expect(
      await codeOf(verifier.verify(await signToken(claimsWith({}, NOW + 121)), "orders")),
    ).toBe("token-signature-invalid");
    expect(stub.paths.length).toBe(3);

    stub.status = 200;
    stub.keys = [K2.jwk];
    clock.set(NOW + 160);
    expect(
      await codeOf(verifier.verify(await signToken(claimsWith({}, NOW + 160)), "orders")),
    ).toBe("token-signature-invalid");
    const byK2 = await signToken(claimsWith({}, NOW + 160), { kid: "k2", key: K2.privateKey });
    expect(await codeOf(verifier.verify(byK2, "orders"))).toBe("ALLOW");
    expect(stub.paths.length).toBe(4);
  });

  it("runs one fetch for concurrent refreshes after the cooldown", async () => {
    let calls = 0;
    let release: (body: unknown) => void = () => undefined;
    const fetchJwks = (): Promise<unknown> => {
      calls += 1;
      return calls === 1
        ? Promise.resolve({ keys: [K1.jwk] })
        : new Promise((resolve) => {
            release = resolve;
          });
    };
    const clock = frozenClock(NOW);
    const verifier = remoteVerifier("https://idp.example.test/jwks.json", clock, { fetchJwks });
    await verifier.verify(await signToken(), "orders");

    clock.set(NOW + 60);
    const byK2 = await signToken(claimsWith({}, NOW + 60), { kid: "k2", key: K2.privateKey });
    const byK3 = await signToken(claimsWith({}, NOW + 60), { kid: "k3", key: K2.privateKey });
    const pending = [byK2, byK3, byK2].map((token) => codeOf(verifier.verify(token, "orders")));
    await new Promise((resolve) => setImmediate(resolve));
    release({ keys: [K1.jwk, K2.jwk] });
    expect(await Promise.all(pending)).toEqual(["ALLOW", "token-signature-invalid", "ALLOW"]);
    expect(calls).toBe(2);
  });

  it("never takes a symmetric key from a URL", async () => {
    const stub = await startStub([H1_JWK]);
    const trust = trustWith({ algorithms: ["HS256"], keys: { kind: "url", url: stub.url } });
    const verifier = createVerifier(trust, { now: frozenClock(NOW).now });
    const token = await signToken(claimsWith(), { alg: "HS256", kid: "h1", key: HMAC_SECRET });
    expect(await codeOf(verifier.verify(token, "orders"))).toBe("token-signature-invalid");
  });
});

describe("fetchJwksOverHttp", () => {
  it("fetches and parses a key set from loopback", async () => {
    const stub = await startStub([K1.jwk]);
    expect(await fetchJwksOverHttp(stub.url)).toEqual({ keys: [K1.jwk] });
  });

  it("refuses plain http to a host other than loopback, before any request", async () => {
    await expect(fetchJwksOverHttp("http://idp.example.test/jwks.json")).rejects.toThrow(
      "a key set is fetched only over https",
    );
  });
});
