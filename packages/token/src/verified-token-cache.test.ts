import { describe, expect, it, vi } from "vitest";
import { createVerifier } from "./create-verifier.ts";
import { claimsWith, frozenClock, K2, NOW, signToken, trustWith } from "./token-fixture.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";

function countSignatureChecks() {
  return vi.spyOn(crypto.subtle, "verify");
}

describe("the verified-token cache", () => {
  it("answers a repeated token without checking its signature again", async () => {
    const checks = countSignatureChecks();
    const verifier = createVerifier(trustWith(), { now: frozenClock().now });
    const token = await signToken();
    const first = await verifier.verify(token, "orders");
    const second = await verifier.verify(token, "orders");
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(checks).toHaveBeenCalledTimes(1);
    expect(verifier.cachedTokens).toBe(1);
  });

  it("lets no other token hit an entry", async () => {
    const verifier = createVerifier(trustWith(), { now: frozenClock().now });
    const token = await signToken();
    expect((await verifier.verify(token, "orders")).ok).toBe(true);
    const [header, payload, signature = ""] = token.split(".");
    const tail = signature.endsWith("AA") ? "BA" : "AA";
    const other = `${header}.${payload}.${signature.slice(0, -2)}${tail}`;
    expect(await verifier.verify(other, "orders")).toMatchObject({
      code: "token-signature-invalid",
    });
    const forged = await signToken(claimsWith(), { key: K2.privateKey });
    expect(await verifier.verify(forged, "orders")).toMatchObject({
      code: "token-signature-invalid",
    });
  });

  it("still checks the audience on a hit", async () => {
    const verifier = createVerifier(trustWith(), { now: frozenClock().now });
    const token = await signToken();
    await verifier.verify(token, "orders");
    expect(await verifier.verify(token, "inventory")).toEqual({
      ok: false,
      code: "token-wrong-audience",
      message: "the token is not meant for `inventory`",
    });
  });

  it("drops an entry once the token expires by the injected clock", async () => {
    const clock = frozenClock();
    const verifier = createVerifier(trustWith(), { now: clock.now });
    const token = await signToken(claimsWith({ iat: NOW - 10, exp: NOW + 60 }));
    expect((await verifier.verify(token, "orders")).ok).toBe(true);
    clock.set(NOW + 89);
    expect((await verifier.verify(token, "orders")).ok).toBe(true);
    clock.set(NOW + 90);
    expect(await verifier.verify(token, "orders")).toMatchObject({ code: "token-expired" });
    expect(verifier.cachedTokens).toBe(0);
  });

  it("does not serve a token before its validity when the clock goes back", async () => {
    const clock = frozenClock();
    const verifier = createVerifier(trustWith(), { now: clock.now });
    const token = await signToken(claimsWith({ nbf: NOW + 20 }));
    expect((await verifier.verify(token, "orders")).ok).toBe(true);
    clock.set(NOW - 20);
    expect(await verifier.verify(token, "orders")).toMatchObject({ code: "token-not-yet-valid" });
  });

  it("holds at most cacheSize tokens, and none with size 0", async () => {
    const bounded = createVerifier(trustWith(), { now: frozenClock().now, cacheSize: 2 });
    const off = createVerifier(trustWith(), { now: frozenClock().now, cacheSize: 0 });
    for (const sub of ["a", "b", "c"]) {
      const token = await signToken(claimsWith({ sub }));
      expect((await bounded.verify(token, "orders")).ok).toBe(true);
      expect((await off.verify(token, "orders")).ok).toBe(true);
    }
    expect(bounded.cachedTokens).toBe(2);
    expect(off.cachedTokens).toBe(0);
  });

  it("never caches a failure", async () => {
    const verifier = createVerifier(trustWith(), { now: frozenClock().now });
    await verifier.verify(await signToken(claimsWith({ aud: "inventory" })), "orders");
    await verifier.verify("a.b.c", "orders");
    expect(verifier.cachedTokens).toBe(0);
  });
});

describe("VerifiedTokenCache", () => {
  const result = { ok: true as const, claims: {} as never };
  const entry = { result, validFrom: 100, expiresAt: 200, oldestAt: 150 };

  it("serves an entry only inside its time span", () => {
    const cache = new VerifiedTokenCache(4);
    cache.set("t", entry);
    expect(cache.get("t", 99)).toBeUndefined();
    cache.set("t", entry);
    expect(cache.get("t", 100)).toBe(entry);
    expect(cache.get("t", 150)).toBe(entry);
    expect(cache.get("t", 151)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set("t", { ...entry, oldestAt: 300 });
    expect(cache.get("t", 199)?.oldestAt).toBe(300);
    expect(cache.get("t", 200)).toBeUndefined();
  });

  it("evicts the oldest entry when full", () => {
    const cache = new VerifiedTokenCache(2);
    cache.set("a", entry);
    cache.set("b", entry);
    cache.set("c", entry);
    expect(cache.get("a", 120)).toBeUndefined();
    expect(cache.get("b", 120)).toBe(entry);
    expect(cache.get("c", 120)).toBe(entry);
    expect(cache.size).toBe(2);
  });
});
