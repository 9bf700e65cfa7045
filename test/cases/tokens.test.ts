/**
 * Cases 1, 2, 4, 5, 6, 8, 10 and 11 of the shared cases file: token verification, through the
 * public engine API, with real tokens signed in the test and the clock frozen.
 */
import { createEngine } from "@palisade/engine";
import { describe, expect, it } from "vitest";
import {
  baselineSources,
  claims,
  compileCase,
  decideRequest,
  engineFor,
  ISS,
  jwks,
  K1,
  mustCompile,
  NOW,
  SERVICES_DSL,
  T,
  token,
  UNTRUSTED,
} from "./fixture.ts";

const baseline = engineFor(mustCompile(baselineSources()));
const withSkew = (skew: number) => engineFor(mustCompile(baselineSources({ skew })));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("baseline", () => {
  it("allows T from billing to orders:8443", async () => {
    const decision = await decideRequest(baseline, `Bearer ${T()}`);
    expect(decision.decision).toBe("allow");
    expect(decision.reason).toBe("allowed");
    expect(decision.rule?.span.line).toBeGreaterThan(0);
  });
});

describe("case 1: alg none is never accepted", () => {
  it("1a: alg none with an empty signature", async () => {
    const unsigned = `${b64({ alg: "none" })}.${b64(claims())}.`;
    const decision = await decideRequest(baseline, `Bearer ${unsigned}`);
    expect(decision).toMatchObject({ decision: "deny", reason: "token-algorithm-not-allowed" });
  });

  it.each(["None", "NONE", "nOnE"])("1b: alg %s", async (alg) => {
    const unsigned = `${b64({ alg })}.${b64(claims())}.`;
    const decision = await decideRequest(baseline, `Bearer ${unsigned}`);
    expect(decision).toMatchObject({ decision: "deny", reason: "token-algorithm-not-allowed" });
  });

  it("1c: a two-segment token is malformed", async () => {
    const twoParts = `${b64({ alg: "none" })}.${b64(claims())}`;
    const decision = await decideRequest(baseline, `Bearer ${twoParts}`);
    expect(decision).toMatchObject({ decision: "deny", reason: "token-malformed" });
  });

  it("1d: a key set with zero keys refuses T", async () => {
    const ir = mustCompile(baselineSources());
    const emptyKeys = createEngine(ir, { now: () => NOW * 1000, keys: { keys: [] } });
    expect(await decideRequest(emptyKeys, `Bearer ${T()}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });

  it("1d: no key source at all is a warning, and every token is refused", async () => {
    const trust = `trust {\n  issuer "${ISS}"\n  algorithms RS256\n}\n`;
    const result = compileCase([{ file: "cases/no-keys.policy", text: trust + SERVICES_DSL }]);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((d) => d.code)).toContain("check/no-key-source");
    const engine = engineFor(
      mustCompile([{ file: "cases/no-keys.policy", text: trust + SERVICES_DSL }]),
    );
    expect(await decideRequest(engine, `Bearer ${T()}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });

  it("1d: an empty JWKS file is a compile error, not an open door", () => {
    const result = compileCase(baselineSources(), JSON.stringify({ keys: [] }));
    expect(result.ir).toBeNull();
    expect(result.errors.length).toBeGreaterThan(0);
  });
});

describe("case 2: algorithm confusion", () => {
  it("2a: HS256 signed with the PEM text of k1's public key", async () => {
    const forged = token({ header: { alg: "HS256", kid: "k1" }, hmacSecret: K1.publicPem });
    expect(await decideRequest(baseline, `Bearer ${forged}`)).toMatchObject({
      decision: "deny",
      reason: "token-algorithm-not-allowed",
    });
  });

  it("2b: HS256 signed with the JSON text of k1's public JWK", async () => {
    const secret = JSON.stringify(K1.publicJwk);
    const forged = token({ header: { alg: "HS256", kid: "k1" }, hmacSecret: secret });
    expect(await decideRequest(baseline, `Bearer ${forged}`)).toMatchObject({
      decision: "deny",
      reason: "token-algorithm-not-allowed",
    });
  });

  it.each(["RS512", "PS256"])("2c: %s correctly signed with k1 (pinning is exact)", async (alg) => {
    const other = token({ header: { alg, kid: "k1" } });
    expect(await decideRequest(baseline, `Bearer ${other}`)).toMatchObject({
      decision: "deny",
      reason: "token-algorithm-not-allowed",
    });
  });

  it("2d: ES256 naming an RSA kid", async () => {
    const other = token({ header: { alg: "ES256", kid: "k1" } });
    expect(await decideRequest(baseline, `Bearer ${other}`)).toMatchObject({
      decision: "deny",
      reason: "token-algorithm-not-allowed",
    });
  });
});

describe("case 4: required claims and the lifetime cap", () => {
  it.each([
    ["4a: without exp", { exp: undefined }],
    ["4b: without iat", { iat: undefined }],
    ["4c: without sub", { sub: undefined }],
    ["4c: without iss", { iss: undefined }],
  ])("%s is malformed", async (_name, overrides) => {
    const t = token({ payload: claims(overrides) });
    expect(await decideRequest(baseline, `Bearer ${t}`)).toMatchObject({
      decision: "deny",
      reason: "token-malformed",
    });
  });

  it("4d: exp ten years out is too old", async () => {
    const t = token({ payload: claims({ exp: NOW + 10 * 365 * 24 * 3600 }) });
    expect(await decideRequest(baseline, `Bearer ${t}`)).toMatchObject({
      decision: "deny",
      reason: "token-too-old",
    });
  });
});

describe("case 5: max age and lifetime (skew 0)", () => {
  const engine = withSkew(0);
  const decide = (iat: number, exp: number) =>
    decideRequest(
      engine,
      `Bearer ${token({ payload: claims({ iat: NOW + iat, exp: NOW + exp }) })}`,
    );

  it("5a: iat now-400, exp now+3600", async () => {
    expect(await decide(-400, 3600)).toMatchObject({ decision: "deny", reason: "token-too-old" });
  });
  it("5b: lifetime exactly 300 s is allowed", async () => {
    expect(await decide(-290, 10)).toMatchObject({ decision: "allow", reason: "allowed" });
  });
  it("5c: lifetime 301 s", async () => {
    expect(await decide(-291, 10)).toMatchObject({ decision: "deny", reason: "token-too-old" });
  });
  it("5d: age within 300 s but lifetime 360 s", async () => {
    expect(await decide(-300, 60)).toMatchObject({ decision: "deny", reason: "token-too-old" });
  });
  it("5e: expired", async () => {
    expect(await decide(-10, -1)).toMatchObject({ decision: "deny", reason: "token-expired" });
  });
  it("5f: too old and expired are different codes", async () => {
    const old = await decide(-400, 3600);
    const expired = await decide(-10, -1);
    expect(old.reason).not.toBe(expired.reason);
  });
});

describe("case 6: future nbf/iat and clock skew (skew 30)", () => {
  const decide = (overrides: Record<string, unknown>) =>
    decideRequest(baseline, `Bearer ${token({ payload: claims(overrides) })}`);

  it("6a: nbf 20 s ahead is within skew", async () => {
    expect(await decide({ nbf: NOW + 20 })).toMatchObject({ decision: "allow" });
  });
  it("6b: nbf 120 s ahead", async () => {
    expect(await decide({ nbf: NOW + 120 })).toMatchObject({
      decision: "deny",
      reason: "token-not-yet-valid",
    });
  });
  it("6c: iat 20 s ahead is within skew", async () => {
    expect(await decide({ iat: NOW + 20, exp: NOW + 280 })).toMatchObject({ decision: "allow" });
  });
  it("6d: iat an hour ahead", async () => {
    expect(await decide({ iat: NOW + 3600, exp: NOW + 3900 })).toMatchObject({
      decision: "deny",
      reason: "token-not-yet-valid",
    });
  });
  it("6e: clock skew at or above the max age is a compile error", () => {
    for (const skew of [300, 600]) {
      const result = compileCase(baselineSources({ skew }));
      expect(result.ir).toBeNull();
      expect(result.errors.map((d) => d.message).join("\n")).toMatch(
        /clock skew must be smaller than the max token age/,
      );
    }
  });
});

describe("case 8: crit header extensions are refused", () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      "8a: an unknown extension",
      { alg: "RS256", kid: "k1", crit: ["urn:example:pop"], "urn:example:pop": { x: 1 } },
    ],
    ["8b: crit []", { alg: "RS256", kid: "k1", crit: [] }],
    ["8c: crit [alg]", { alg: "RS256", kid: "k1", crit: ["alg"] }],
    ["8d: crit [b64] with b64 false", { alg: "RS256", kid: "k1", crit: ["b64"], b64: false }],
  ];
  it.each(cases)("%s", async (_name, header) => {
    const t = token({ header });
    expect(await decideRequest(baseline, `Bearer ${t}`)).toMatchObject({
      decision: "deny",
      reason: "token-malformed",
    });
  });
});

describe("case 10: scope forms and exact matching", () => {
  const decide = (overrides: Record<string, unknown>) =>
    decideRequest(baseline, `Bearer ${token({ payload: claims(overrides) })}`);

  it("10a: scope array", async () => {
    expect(await decide({ scope: ["orders:read", "orders:write"] })).toMatchObject({
      decision: "allow",
    });
  });
  it("10b: space-separated string", async () => {
    expect(await decide({ scope: "orders:read orders:write" })).toMatchObject({
      decision: "allow",
    });
  });
  it("10c: a longer scope in a string is not a match", async () => {
    expect(await decide({ scope: "orders:readonly" })).toMatchObject({
      decision: "deny",
      reason: "token-scope-missing",
    });
  });
  it("10d: a longer scope in an array is not a match", async () => {
    expect(await decide({ scope: ["orders:readonly"] })).toMatchObject({
      decision: "deny",
      reason: "token-scope-missing",
    });
  });
  it("10e: a non-string scope element is malformed", async () => {
    expect(await decide({ scope: ["orders:read", 42] })).toMatchObject({
      decision: "deny",
      reason: "token-malformed",
    });
  });
  it("10f: matching is case-sensitive", async () => {
    expect(await decide({ scope: ["ORDERS:READ"] })).toMatchObject({
      decision: "deny",
      reason: "token-scope-missing",
    });
  });
  it("10g: scp is never read", async () => {
    expect(await decide({ scope: undefined, scp: ["orders:read"] })).toMatchObject({
      decision: "deny",
      reason: "token-scope-missing",
    });
  });
});

describe("case 11: the Authorization header", () => {
  it.each(["bearer", "BEARER"])("11a: scheme %s is accepted", async (scheme) => {
    expect(await decideRequest(baseline, `${scheme} ${T()}`)).toMatchObject({
      decision: "allow",
    });
  });
  it.each([
    ["11b: three spaces", () => `Bearer   ${T()}`],
    ["11c: a tab", () => `Bearer\t${T()}`],
    ["11d: no space", () => `Bearer${T()}`],
    ["11d: trailing text", () => `Bearer ${T()} extra`],
    ["11d: the scheme alone", () => "Bearer"],
    ["11d: the scheme and a space", () => "Bearer "],
    ["11e: comma-joined values", () => `Bearer ${T()}, Bearer ${token()}`],
  ])("%s is malformed", async (_name, value) => {
    expect(await decideRequest(baseline, value())).toMatchObject({
      decision: "deny",
      reason: "token-malformed",
    });
  });
  it("11f: two header values", async () => {
    expect(await decideRequest(baseline, [`Bearer ${T()}`, `Bearer ${T()}`])).toMatchObject({
      decision: "deny",
      reason: "token-malformed",
    });
  });
  it.each([
    ["11g: Basic credentials", "Basic dXNlcjpwdw=="],
    ["11g: no header", null],
  ])("%s is a missing token", async (_name, value) => {
    expect(await decideRequest(baseline, value)).toMatchObject({
      decision: "deny",
      reason: "token-missing",
    });
  });
  it("11h: one base64url character case-flipped", async () => {
    const t = T();
    // Flip a letter inside the payload segment, where a change always alters the bytes.
    const dot = t.indexOf(".") + 5;
    let at = dot;
    while (!/[a-zA-Z]/.test(t[at] ?? "")) at += 1;
    const ch = t[at] ?? "a";
    const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    const mutated = t.slice(0, at) + flipped + t.slice(at + 1);
    const decision = await decideRequest(baseline, `Bearer ${mutated}`);
    expect(decision.decision).toBe("deny");
    expect(["token-signature-invalid", "token-malformed"]).toContain(decision.reason);
  });
});

describe("untrusted signer", () => {
  it("a token signed by a key with the trusted kid but other material is refused", async () => {
    const forged = token({ key: UNTRUSTED });
    expect(await decideRequest(baseline, `Bearer ${forged}`)).toMatchObject({
      decision: "deny",
      reason: "token-signature-invalid",
    });
  });
  it("the JWKS helper writes public keys only", () => {
    expect(jwks(K1)).not.toMatch(/"d"/);
  });
});
