import { createPublicKey } from "node:crypto";
import type { Jwk, Trust } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { createVerifier, type VerifierOptions } from "./create-verifier.ts";
import { parseAuthorization } from "./parse-authorization.ts";
import {
  claimsWith,
  D1,
  E1,
  forgeToken,
  H1_JWK,
  HMAC_SECRET,
  hmacSigner,
  ISS,
  K1,
  K2,
  NOW,
  NOW_MS,
  rs256Signer,
  signToken,
  trustWith,
  without,
} from "./token-fixture.ts";

/** Verifies at the baseline clock for `orders`; "ALLOW" or the reason code. */
async function outcome(
  token: string,
  trust: Trust = trustWith(),
  options: VerifierOptions = {},
  audience = "orders",
): Promise<string> {
  const verifier = createVerifier(trust, { now: () => NOW_MS, ...options });
  const result = await verifier.verify(token, audience);
  return result.ok ? "ALLOW" : result.code;
}

const SKEW_0 = trustWith({ clockSkew: 0 });

describe("createVerifier: baseline", () => {
  it("accepts T and returns its claims", async () => {
    const claims = claimsWith();
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const result = await verifier.verify(await signToken(claims), "orders");
    expect(result).toEqual({
      ok: true,
      claims: {
        sub: "billing",
        aud: "orders",
        iss: ISS,
        iat: NOW - 10,
        exp: NOW + 240,
        scopes: ["orders:read"],
        claims,
      },
    });
    expect(result.ok && Object.isFrozen(result.claims.claims)).toBe(true);
  });

  it("returns nbf when the token carries it", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const result = await verifier.verify(await signToken(claimsWith({ nbf: NOW - 5 })), "orders");
    expect(result.ok && result.claims.nbf).toBe(NOW - 5);
  });

  it("signs and verifies with ES256, EdDSA and HS256 where the settings allow them", async () => {
    const es = trustWith({ algorithms: ["ES256"], keys: { kind: "jwks", keys: [E1.jwk] } });
    expect(
      await outcome(
        await signToken(claimsWith(), { alg: "ES256", kid: "e1", key: E1.privateKey }),
        es,
      ),
    ).toBe("ALLOW");
    const ed = trustWith({ algorithms: ["EdDSA"], keys: { kind: "jwks", keys: [D1.jwk] } });
    expect(
      await outcome(
        await signToken(claimsWith(), { alg: "EdDSA", kid: "d1", key: D1.privateKey }),
        ed,
      ),
    ).toBe("ALLOW");
    const hs = trustWith({ algorithms: ["HS256"] });
    const hsToken = await signToken(claimsWith(), { alg: "HS256", kid: "h1", key: HMAC_SECRET });
    expect(await outcome(hsToken, hs, { keys: { keys: [H1_JWK] } })).toBe("ALLOW");
  });

  it("accepts two live keys at once (rotation)", async () => {
    const trust = trustWith({ keys: { kind: "jwks", keys: [K1.jwk, K2.jwk] } });
    expect(await outcome(await signToken(), trust)).toBe("ALLOW");
    expect(
      await outcome(await signToken(claimsWith(), { kid: "k2", key: K2.privateKey }), trust),
    ).toBe("ALLOW");
  });
});

describe("createVerifier: one test per reason code it returns", () => {
  it("token-malformed", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    expect(await verifier.verify("abc.def", "orders")).toEqual({
      ok: false,
      code: "token-malformed",
      message: "the token has 2 segments; a signed token has three",
    });
  });

  it("token-signature-invalid", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const forged = await signToken(claimsWith(), { key: K2.privateKey });
    expect(await verifier.verify(forged, "orders")).toEqual({
      ok: false,
      code: "token-signature-invalid",
      message: "the token signature does not verify",
    });
  });

  it("token-algorithm-not-allowed", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const token = await signToken(claimsWith(), { alg: "ES256", key: E1.privateKey });
    expect(await verifier.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-algorithm-not-allowed",
      message: "algorithm `ES256` is not allowed by the trust settings",
    });
  });

  it("token-expired", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const token = await signToken(claimsWith({ iat: NOW - 100, exp: NOW - 31 }));
    expect(await verifier.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-expired",
      message: "the token has expired",
    });
  });

  it("token-not-yet-valid", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const token = await signToken(claimsWith({ nbf: NOW + 31 }));
    expect(await verifier.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-not-yet-valid",
      message: "the token is not valid yet (`nbf`)",
    });
  });

  it("token-too-old", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const token = await signToken(claimsWith({ iat: NOW - 331, exp: NOW + 10 }));
    expect(await verifier.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-too-old",
      message: "the token was issued longer ago than the max token age",
    });
  });

  it("token-wrong-issuer", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const token = await signToken(claimsWith({ iss: "https://idp.example.test/" }));
    expect(await verifier.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-wrong-issuer",
      message: "the token was issued by an issuer the policy does not trust",
    });
  });

  it("token-wrong-audience", async () => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    expect(await verifier.verify(await signToken(), "inventory")).toEqual({
      ok: false,
      code: "token-wrong-audience",
      message: "the token is not meant for `inventory`",
    });
  });
});

describe("case 1: alg none", () => {
  const unsigned = (alg: string) => forgeToken({ alg, typ: "JWT" }, claimsWith());

  it("1a: refuses `none` with an empty signature", async () => {
    expect(unsigned("none").endsWith(".")).toBe(true);
    expect(await outcome(unsigned("none"))).toBe("token-algorithm-not-allowed");
  });

  it("1b: refuses `none` in any letter case, even if the settings list it", async () => {
    for (const alg of ["None", "NONE", "nOnE"]) {
      expect(await outcome(unsigned(alg))).toBe("token-algorithm-not-allowed");
      expect(await outcome(unsigned(alg), trustWith({ algorithms: ["RS256", alg] }))).toBe(
        "token-algorithm-not-allowed",
      );
    }
  });

  it("1c: refuses a two-segment token", async () => {
    const token = await signToken();
    const [header, payload] = token.split(".");
    expect(await outcome(`${header}.${payload}`)).toBe("token-malformed");
  });

  it("1d: an empty key set verifies nothing", async () => {
    const empty = trustWith({ keys: { kind: "jwks", keys: [] } });
    expect(await outcome(await signToken(), empty)).toBe("token-signature-invalid");
    expect(await outcome(await signToken(claimsWith(), { kid: null }), empty)).toBe(
      "token-signature-invalid",
    );
  });

  it("1d: a failed key fetch verifies nothing", async () => {
    const remote = trustWith({ keys: { kind: "url", url: "https://idp.example.test/jwks.json" } });
    const fetchJwks = () => Promise.reject(new Error("unreachable"));
    expect(await outcome(await signToken(), remote, { fetchJwks })).toBe("token-signature-invalid");
  });

  it("refuses an allowed algorithm with an empty signature", async () => {
    const token = forgeToken({ alg: "RS256", kid: "k1" }, claimsWith());
    expect(await outcome(token)).toBe("token-signature-invalid");
  });
});

describe("case 2: algorithm confusion", () => {
  const pem = K1.publicKey.export({ format: "pem", type: "spki" }).toString();
  const jwkText = JSON.stringify(K1.jwk);
  const both = trustWith({ algorithms: ["RS256", "HS256"] });

  it("2a: HS256 keyed with the PEM text of k1", async () => {
    const token = forgeToken({ alg: "HS256", kid: "k1" }, claimsWith(), hmacSigner(pem));
    expect(await outcome(token)).toBe("token-algorithm-not-allowed");
    expect(await outcome(token, both)).toBe("token-algorithm-not-allowed");
  });

  it("2b: HS256 keyed with the JSON text of k1's JWK", async () => {
    const token = forgeToken({ alg: "HS256", kid: "k1" }, claimsWith(), hmacSigner(jwkText));
    expect(await outcome(token)).toBe("token-algorithm-not-allowed");
    expect(await outcome(token, both)).toBe("token-algorithm-not-allowed");
  });

  it("2a, 2b without a kid: an HMAC token against a set of public keys", async () => {
    for (const secret of [pem, jwkText]) {
      const token = forgeToken({ alg: "HS256" }, claimsWith(), hmacSigner(secret));
      expect(await outcome(token, both)).toBe("token-algorithm-not-allowed");
    }
  });

  it("2c: RS512 and PS256 signed with k1 when only RS256 is allowed", async () => {
    for (const alg of ["RS512", "PS256"]) {
      expect(await outcome(await signToken(claimsWith(), { alg }))).toBe(
        "token-algorithm-not-allowed",
      );
    }
  });

  it("2d: ES256 naming the RSA key k1", async () => {
    const token = await signToken(claimsWith(), { alg: "ES256", kid: "k1", key: E1.privateKey });
    expect(await outcome(token)).toBe("token-algorithm-not-allowed");
    const es = trustWith({
      algorithms: ["RS256", "ES256"],
      keys: { kind: "jwks", keys: [K1.jwk, E1.jwk] },
    });
    expect(await outcome(token, es)).toBe("token-algorithm-not-allowed");
  });

  it("pins algorithm names exactly", async () => {
    const token = forgeToken({ alg: "rs256", kid: "k1" }, claimsWith(), rs256Signer());
    expect(await outcome(token)).toBe("token-algorithm-not-allowed");
  });

  it("uses a key only with the algorithm it declares", async () => {
    const declared = trustWith({
      algorithms: ["RS256", "RS384"],
      keys: { kind: "jwks", keys: [{ ...K1.jwk, alg: "RS384" }] },
    });
    expect(await outcome(await signToken(), declared)).toBe("token-algorithm-not-allowed");
  });

  it("HS256 needs a listed algorithm and an oct key", async () => {
    const token = await signToken(claimsWith(), { alg: "HS256", kid: "h1", key: HMAC_SECRET });
    expect(await outcome(token, trustWith(), { keys: { keys: [H1_JWK] } })).toBe(
      "token-algorithm-not-allowed",
    );
    expect(await outcome(token, trustWith({ algorithms: ["HS256"] }))).toBe(
      "token-signature-invalid",
    );
  });

  it("refuses an HMAC secret shorter than the hash", async () => {
    const short = Buffer.alloc(16, 7);
    const token = await signToken(claimsWith(), { alg: "HS256", kid: "h1", key: short });
    const keys = { keys: [{ kty: "oct", kid: "h1", k: short.toString("base64url") }] };
    expect(await outcome(token, trustWith({ algorithms: ["HS256"] }), { keys })).toBe(
      "token-signature-invalid",
    );
  });
});

describe("case 4: required claims", () => {
  it("4a: no exp", async () => {
    expect(await outcome(await signToken(without(claimsWith(), "exp")))).toBe("token-malformed");
  });

  it("4b: no iat", async () => {
    expect(await outcome(await signToken(without(claimsWith(), "iat")))).toBe("token-malformed");
  });

  it("4c: no sub, no iss, no aud", async () => {
    for (const claim of ["sub", "iss", "aud"]) {
      expect(await outcome(await signToken(without(claimsWith(), claim)))).toBe("token-malformed");
    }
  });

  it("4d: exp ten years ahead", async () => {
    const token = await signToken(claimsWith({ iat: NOW - 10, exp: NOW + 10 * 365 * 86_400 }));
    expect(await outcome(token)).toBe("token-too-old");
  });

  it("refuses claims of the wrong type", async () => {
    expect(await outcome(await signToken(claimsWith({ exp: "soon" })))).toBe("token-malformed");
    expect(await outcome(await signToken(claimsWith({ iat: null })))).toBe("token-malformed");
    expect(await outcome(await signToken(claimsWith({ sub: 7 })))).toBe("token-malformed");
    expect(await outcome(await signToken(claimsWith({ sub: "" })))).toBe("token-malformed");
    expect(await outcome(await signToken(claimsWith({ nbf: "now" })))).toBe("token-malformed");
  });
});

describe("case 5: max age and lifetime (skew 0)", () => {
  const at = async (iat: number, exp: number) =>
    outcome(await signToken(claimsWith({ iat: NOW + iat, exp: NOW + exp })), SKEW_0);

  it("5a: age 400 s although exp is ahead", async () => {
    expect(await at(-400, 3600)).toBe("token-too-old");
  });

  it("5b: lifetime exactly 300 s", async () => {
    expect(await at(-290, 10)).toBe("ALLOW");
  });

  it("5c: lifetime 301 s", async () => {
    expect(await at(-291, 10)).toBe("token-too-old");
  });

  it("5d: age 300 s, lifetime 360 s", async () => {
    expect(await at(-300, 60)).toBe("token-too-old");
  });

  it("5e, 5f: expired is its own code", async () => {
    expect(await at(-10, -1)).toBe("token-expired");
    expect(await at(-400, 3600)).not.toBe(await at(-10, -1));
  });

  it("age bound with skew 30: 300 s beyond the skew passes, 301 s does not", async () => {
    const within = await signToken(claimsWith({ iat: NOW - 329, exp: NOW - 29 }));
    expect(await outcome(within)).toBe("ALLOW");
    const beyond = await signToken(claimsWith({ iat: NOW - 331, exp: NOW - 29 }));
    expect(await outcome(beyond)).toBe("token-too-old");
  });

  it("uses the max age of the settings", async () => {
    const short = trustWith({ maxTokenAge: 60, clockSkew: 0 });
    expect(
      await outcome(await signToken(claimsWith({ iat: NOW - 10, exp: NOW + 50 })), short),
    ).toBe("ALLOW");
    expect(
      await outcome(await signToken(claimsWith({ iat: NOW - 10, exp: NOW + 51 })), short),
    ).toBe("token-too-old");
    expect(
      await outcome(await signToken(claimsWith({ iat: NOW - 61, exp: NOW - 1 + 60 })), short),
    ).toBe("token-too-old");
  });
});

describe("case 6: future nbf and iat, skew 30", () => {
  it("6a: nbf 20 s ahead", async () => {
    expect(await outcome(await signToken(claimsWith({ nbf: NOW + 20 })))).toBe("ALLOW");
  });

  it("6b: nbf 120 s ahead", async () => {
    expect(await outcome(await signToken(claimsWith({ nbf: NOW + 120 })))).toBe(
      "token-not-yet-valid",
    );
  });

  it("6c: iat 20 s ahead", async () => {
    expect(await outcome(await signToken(claimsWith({ iat: NOW + 20, exp: NOW + 280 })))).toBe(
      "ALLOW",
    );
  });

  it("6d: iat an hour ahead", async () => {
    const token = await signToken(claimsWith({ iat: NOW + 3600, exp: NOW + 3900 }));
    expect(await outcome(token)).toBe("token-not-yet-valid");
  });

  it("skew bounds: nbf 30 s ahead passes, 31 s fails; exp 30 s past fails", async () => {
    expect(await outcome(await signToken(claimsWith({ nbf: NOW + 30 })))).toBe("ALLOW");
    expect(await outcome(await signToken(claimsWith({ nbf: NOW + 31 })))).toBe(
      "token-not-yet-valid",
    );
    expect(await outcome(await signToken(claimsWith({ iat: NOW + 31, exp: NOW + 100 })))).toBe(
      "token-not-yet-valid",
    );
    expect(await outcome(await signToken(claimsWith({ iat: NOW - 100, exp: NOW - 29 })))).toBe(
      "ALLOW",
    );
    expect(await outcome(await signToken(claimsWith({ iat: NOW - 100, exp: NOW - 30 })))).toBe(
      "token-expired",
    );
  });
});

describe("case 8: crit", () => {
  const header = { alg: "RS256", kid: "k1", typ: "JWT" };
  const crit = (extra: Record<string, unknown>) =>
    forgeToken({ ...header, ...extra }, claimsWith(), rs256Signer());

  it("a correctly hand-signed token without crit passes", async () => {
    expect(await outcome(crit({}))).toBe("ALLOW");
  });

  it("8a: an unknown extension", async () => {
    const token = crit({ crit: ["urn:example:pop"], "urn:example:pop": { jkt: "abc" } });
    expect(await outcome(token)).toBe("token-malformed");
  });

  it("8b: crit []", async () => {
    expect(await outcome(crit({ crit: [] }))).toBe("token-malformed");
  });

  it("8c: crit [alg]", async () => {
    expect(await outcome(crit({ crit: ["alg"] }))).toBe("token-malformed");
  });

  it("8d: crit [b64] with b64 false", async () => {
    // Refused from the header alone, before the signature is looked at.
    expect(await outcome(crit({ crit: ["b64"], b64: false }))).toBe("token-malformed");
    expect(await outcome(crit({ crit: ["b64"], b64: true }))).toBe("token-malformed");
  });
});

describe("case 10: scope at the verifier", () => {
  const scopes = async (claims: Record<string, unknown>) => {
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const result = await verifier.verify(await signToken(claims), "orders");
    return result.ok ? result.claims.scopes : result.code;
  };

  it("10a, 10b: array and space-separated string", async () => {
    expect(await scopes(claimsWith({ scope: ["orders:read", "orders:write"] }))).toEqual([
      "orders:read",
      "orders:write",
    ]);
    expect(await scopes(claimsWith({ scope: "orders:read orders:write" }))).toEqual([
      "orders:read",
      "orders:write",
    ]);
  });

  it("10c, 10d, 10f: scopes kept exactly, without orders:read", async () => {
    expect(await scopes(claimsWith({ scope: "orders:readonly" }))).toEqual(["orders:readonly"]);
    expect(await scopes(claimsWith({ scope: ["orders:readonly"] }))).toEqual(["orders:readonly"]);
    expect(await scopes(claimsWith({ scope: ["ORDERS:READ"] }))).toEqual(["ORDERS:READ"]);
  });

  it("10e: a non-string element", async () => {
    expect(await scopes(claimsWith({ scope: ["orders:read", 42] }))).toBe("token-malformed");
  });

  it("10g: scp is not read", async () => {
    expect(await scopes(without(claimsWith({ scp: ["orders:read"] }), "scope"))).toEqual([]);
  });
});

describe("case 11: header to verdict", () => {
  async function request(header: string | string[] | undefined): Promise<string> {
    const parsed = parseAuthorization(header);
    if (!parsed.ok) return parsed.code;
    return outcome(parsed.token);
  }

  it("11a..11g", async () => {
    const t = await signToken();
    const tInventory = await signToken(claimsWith({ aud: "inventory" }));
    expect(await request(`Bearer ${t}`)).toBe("ALLOW");
    expect(await request(`bearer ${t}`)).toBe("ALLOW");
    expect(await request(`BEARER ${t}`)).toBe("ALLOW");
    expect(await request(`Bearer   ${t}`)).toBe("token-malformed");
    expect(await request(`Bearer\t${t}`)).toBe("token-malformed");
    expect(await request(`Bearer${t}`)).toBe("token-malformed");
    expect(await request(`Bearer ${t} extra`)).toBe("token-malformed");
    expect(await request("Bearer")).toBe("token-malformed");
    expect(await request("Bearer ")).toBe("token-malformed");
    expect(await request(`Bearer ${t}, Bearer ${tInventory}`)).toBe("token-malformed");
    expect(await request([`Bearer ${t}`, `Bearer ${tInventory}`])).toBe("token-malformed");
    expect(await request("Basic dXNlcjpwdw==")).toBe("token-missing");
    expect(await request(undefined)).toBe("token-missing");
  });

  it("11h: one base64url letter case-flipped, in each segment", async () => {
    const t = await signToken();
    const letters = [...t.matchAll(/[A-Za-z]/g)].map((match) => match.index);
    const dots = [t.indexOf("."), t.lastIndexOf(".")] as const;
    const positions = [
      letters.find((index) => index > 2 && index < dots[0]),
      letters.find((index) => index > dots[0] + 2 && index < dots[1]),
      letters.find((index) => index > dots[1] + 10),
      letters.at(-1),
    ];
    for (const position of positions) {
      if (position === undefined) throw new Error("no letter to flip");
      const char = t.charAt(position);
      const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      const token = t.slice(0, position) + flipped + t.slice(position + 1);
      expect(["token-signature-invalid", "token-malformed"]).toContain(
        await request(`Bearer ${token}`),
      );
    }
  });
});

describe("case 30c: deeply nested claims", () => {
  it("verifies a token with a claim 3 000 arrays deep", async () => {
    // Built as text: even JSON.stringify can overflow the stack at this depth under vitest.
    const deep = `${"[".repeat(3000)}${"]".repeat(3000)}`;
    const payload = `{"deep":${deep},${JSON.stringify(claimsWith()).slice(1)}`;
    const token = forgeToken({ alg: "RS256", kid: "k1", typ: "JWT" }, payload, rs256Signer());
    expect(token.length).toBeLessThan(10_000);
    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    const first = await verifier.verify(token, "orders");
    const again = await verifier.verify(token, "orders");
    expect(first.ok).toBe(true);
    expect(again).toBe(first);
    let depth = 0;
    let cursor: unknown = first.ok ? first.claims.claims.deep : undefined;
    while (Array.isArray(cursor)) {
      depth += 1;
      cursor = cursor[0];
    }
    expect(depth).toBe(3000);
  });
});

describe("createVerifier: keys", () => {
  it("refuses a token without kid when several keys could verify it", async () => {
    const trust = trustWith({ keys: { kind: "jwks", keys: [K1.jwk, K2.jwk] } });
    expect(await outcome(await signToken(claimsWith(), { kid: null }), trust)).toBe(
      "token-signature-invalid",
    );
  });

  it("uses the one fitting key for a token without kid", async () => {
    expect(await outcome(await signToken(claimsWith(), { kid: null }))).toBe("ALLOW");
  });

  it("refuses a kid it does not hold", async () => {
    expect(await outcome(await signToken(claimsWith(), { kid: "k9" }))).toBe(
      "token-signature-invalid",
    );
  });

  it("never uses a key that carries private members", async () => {
    const privateJwk = { ...K1.privateKey.export({ format: "jwk" }), kid: "k1" };
    const trust = trustWith({
      keys: { kind: "jwks", keys: [privateJwk as Jwk] },
    });
    expect(await outcome(await signToken(), trust)).toBe("token-signature-invalid");
    expect(await outcome(await signToken(), trustWith(), { keys: { keys: [privateJwk] } })).toBe(
      "token-signature-invalid",
    );
  });

  it("never uses an encryption key", async () => {
    const keys = { keys: [{ ...K1.jwk, use: "enc" }] };
    expect(await outcome(await signToken(), trustWith(), { keys })).toBe("token-signature-invalid");
    const ops = { keys: [{ ...K1.jwk, key_ops: ["encrypt"] }] };
    expect(await outcome(await signToken(), trustWith(), { keys: ops })).toBe(
      "token-signature-invalid",
    );
  });

  it("refuses a kid that is not a string", async () => {
    const token = forgeToken({ alg: "RS256", kid: 1 }, claimsWith(), rs256Signer());
    expect(await outcome(token)).toBe("token-malformed");
  });

  it("refuses a key of another RSA pair under the right kid", async () => {
    const wrong = { ...createPublicKey(K2.privateKey).export({ format: "jwk" }), kid: "k1" };
    expect(await outcome(await signToken(), trustWith(), { keys: { keys: [wrong] } })).toBe(
      "token-signature-invalid",
    );
  });
});

describe("createVerifier: audience", () => {
  it("takes a one-entry audience list", async () => {
    expect(await outcome(await signToken(claimsWith({ aud: ["orders"] })))).toBe("ALLOW");
  });

  it("refuses several audiences unless the settings allow them", async () => {
    const token = await signToken(claimsWith({ aud: ["orders", "inventory"] }));
    expect(await outcome(token)).toBe("token-wrong-audience");
    expect(await outcome(token, trustWith({ multipleAudiences: true }))).toBe("ALLOW");
    expect(await outcome(token, trustWith({ multipleAudiences: true }), {}, "billing")).toBe(
      "token-wrong-audience",
    );
  });

  it("refuses an audience that only contains the destination's name", async () => {
    expect(await outcome(await signToken(claimsWith({ aud: "orders-admin" })))).toBe(
      "token-wrong-audience",
    );
    expect(await outcome(await signToken(claimsWith({ aud: [] })))).toBe("token-wrong-audience");
  });
});

describe("createVerifier: malformed input", () => {
  it("refuses bad base64url or JSON in the header or the payload", async () => {
    const t = await signToken();
    const [header = "", payload = "", signature = ""] = t.split(".");
    const notJson = Buffer.from("{not json").toString("base64url");
    const array = Buffer.from("[1]").toString("base64url");
    for (const token of [
      `${notJson}.${payload}.${signature}`,
      `${header}.${notJson}.${signature}`,
      `${header}.${array}.${signature}`,
      `${array}.${payload}.${signature}`,
      `${header}.pay+load.${signature}`,
      `${header}.${payload}=.${signature}`,
      `.${payload}.${signature}`,
      `${header}..${signature}`,
      `${header}.${Buffer.from([0xff, 0xfe]).toString("base64url")}.${signature}`,
    ]) {
      expect(await outcome(token)).toBe("token-malformed");
    }
  });

  it("refuses a header without alg", async () => {
    expect(await outcome(forgeToken({ kid: "k1" }, claimsWith(), rs256Signer()))).toBe(
      "token-malformed",
    );
  });

  it("refuses a signed payload that is not JSON", async () => {
    const token = forgeToken({ alg: "RS256", kid: "k1" }, "not json", rs256Signer());
    expect(await outcome(token)).toBe("token-malformed");
  });

  it("refuses a token that is too long", async () => {
    expect(await outcome(await signToken(claimsWith({ pad: "x".repeat(70_000) })))).toBe(
      "token-malformed",
    );
  });
});

describe("createVerifier: never throws", () => {
  it("turns a throwing clock, key fetch or odd argument into a failure", async () => {
    const token = await signToken();
    const clock = createVerifier(trustWith(), {
      now: () => {
        throw new Error("clock broke");
      },
    });
    expect(await clock.verify(token, "orders")).toEqual({
      ok: false,
      code: "token-signature-invalid",
      message: "the token could not be verified",
    });

    const remote = trustWith({ keys: { kind: "url", url: "https://idp.example.test/jwks.json" } });
    const throwing = () => {
      throw new Error("lookup broke");
    };
    expect(await outcome(token, remote, { fetchJwks: throwing })).toBe("token-signature-invalid");
    expect(await outcome(token, remote, { fetchJwks: async () => "garbage" })).toBe(
      "token-signature-invalid",
    );

    const verifier = createVerifier(trustWith(), { now: () => NOW_MS });
    expect((await verifier.verify(42 as unknown as string, "orders")).ok).toBe(false);
    expect((await verifier.verify(token, undefined as unknown as string)).ok).toBe(false);
    expect(await outcome(token, trustWith(), { now: () => Number.NaN })).toBe(
      "token-signature-invalid",
    );
  });

  it("throws TypeError for settings out of range", () => {
    expect(() => createVerifier(trustWith({ maxTokenAge: 301 }))).toThrow(TypeError);
    expect(() => createVerifier(trustWith({ clockSkew: 300 }))).toThrow(TypeError);
    expect(() => createVerifier(trustWith({ maxTokenAge: 60, clockSkew: 60 }))).toThrow(TypeError);
    expect(() => createVerifier(trustWith(), { cacheSize: -1 })).toThrow(TypeError);
  });
});
