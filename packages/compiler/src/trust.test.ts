import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileTexts } from "./test-helpers.ts";

const MESH_KEYS = readFileSync(
  join(import.meta.dirname, "../../../examples/mesh/keys/jwks.json"),
  "utf8",
);
const PRIVATE_KEYS = readFileSync(
  join(import.meta.dirname, "../../../examples/mesh/keys/EXAMPLE-ONLY-private-keys.json"),
  "utf8",
);

/** A trust block with the given lines inside, in `policy/trust.policy`. */
function trust(lines: string, keys: Record<string, string> = {}) {
  return compileTexts({ "policy/trust.policy": `trust {\n${lines}\n}\n` }, keys);
}

const BASE = '  issuer "https://idp.example.test"\n  algorithms RS256';

describe("trust settings", () => {
  it("apply the defaults: 300 s max age, 30 s skew, one audience", () => {
    const result = trust(`${BASE}\n  keys url "https://idp.example.test/jwks"`);
    expect(result.summary()).toEqual([]);
    expect(result.ir?.trust).toEqual({
      issuer: "https://idp.example.test",
      algorithms: ["RS256"],
      keys: { kind: "url", url: "https://idp.example.test/jwks" },
      maxTokenAge: 300,
      clockSkew: 30,
      multipleAudiences: false,
      span: { file: "policy/trust.policy", line: 1, column: 1, endLine: 5, endColumn: 2 },
    });
  });

  it("a max age of five minutes is fine, one second more is an error", () => {
    const ok = trust(`${BASE}\n  keys url "https://i.example.test/k"\n  max-age 5m`);
    expect(ok.ir?.trust?.maxTokenAge).toBe(300);
    const long = trust(`${BASE}\n  keys url "https://i.example.test/k"\n  max-age 301s`);
    expect(long.summary()).toEqual(["check/max-age-too-long error «301s»"]);
    expect(long.diagnostics[0]?.message).toBe("max token age of 301 s is above the limit of 300 s");
    expect(long.ir).toBeNull();
  });

  it("a clock skew as large as the max age is an error", () => {
    const result = trust(
      `${BASE}\n  keys url "https://i.example.test/k"\n  max-age 60s\n  clock-skew 60s`,
    );
    expect(result.summary()).toEqual(["check/clock-skew-too-large error «60s»"]);
    expect(result.diagnostics[0]?.message).toBe(
      "clock skew must be smaller than the max token age (60 s is not below 60 s)",
    );
    const smaller = trust(
      `${BASE}\n  keys url "https://i.example.test/k"\n  max-age 60s\n  clock-skew 59s`,
    );
    expect(smaller.summary()).toEqual([]);
    expect(smaller.ir?.trust?.clockSkew).toBe(59);
  });

  it("the default skew against a short max age points at the max age", () => {
    const result = trust(`${BASE}\n  keys url "https://i.example.test/k"\n  max-age 30s`);
    expect(result.summary()).toEqual(["check/clock-skew-too-large error «30s»"]);
  });

  it("`none` in any spelling is refused, and so is an unknown name", () => {
    const result = trust(
      `  issuer "https://i.example.test"
  algorithms RS256, none, NoNe, rs512, HS257
  keys url "https://i.example.test/k"`,
    );
    expect(result.summary()).toEqual([
      "check/algorithm-none error «none»",
      "check/algorithm-none error «NoNe»",
      "check/unknown-algorithm error «rs512»",
      "check/unknown-algorithm error «HS257»",
    ]);
    expect(result.diagnostics.map((d) => d.help)).toEqual([
      "list a signature algorithm, such as `RS256` or `ES256`",
      "list a signature algorithm, such as `RS256` or `ES256`",
      "did you mean `RS512`?",
      "did you mean `HS256`?",
    ]);
  });

  it("every listed algorithm name is accepted", () => {
    const result = trust(
      `  issuer "https://i.example.test"
  algorithms RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512,
    EdDSA, Ed25519, HS256, HS384, HS512
  keys url "https://i.example.test/k"`,
    );
    expect(result.summary()).toEqual([]);
    expect(result.ir?.trust?.algorithms).toHaveLength(14);
  });

  it("an issuer and algorithms are required", () => {
    const result = trust('  keys url "https://i.example.test/k"');
    expect(result.summary().map((line) => line.split(" ")[0])).toEqual([
      "check/missing-algorithms",
      "check/missing-issuer",
    ]);
  });

  it("more than one trust block is an error naming the first", () => {
    const result = compileTexts({
      "a.policy": `trust {\n${BASE}\n}\n`,
      "b.policy": `trust {\n${BASE}\n}\n`,
    });
    const [duplicate] = result.withCode("check/duplicate-trust");
    expect(duplicate?.span.file).toBe("b.policy");
    expect(duplicate?.message).toBe(
      "more than one `trust` block in the policy set: the first is at a.policy:1:1",
    );
    expect(result.ir).toBeNull();
  });
});

describe("keys", () => {
  it("a keys file is read relative to the policy file and embedded as public JWKS", () => {
    const result = trust(`${BASE}\n  keys "../keys/jwks.json"`, { "keys/jwks.json": MESH_KEYS });
    expect(result.summary()).toEqual([
      'check/key-unusable warning «"../keys/jwks.json"»',
      'check/key-unusable warning «"../keys/jwks.json"»',
    ]);
    const keys = result.ir?.trust?.keys;
    expect(keys?.kind === "jwks" ? keys.keys.map((k) => k.kid) : null).toEqual([
      "mesh-rs256-2026-11",
    ]);
  });

  it("a keys file that cannot be read is an error", () => {
    const result = trust(`${BASE}\n  keys "missing.json"`);
    expect(result.summary()).toEqual(['check/keys-file-unreadable error «"missing.json"»']);
    expect(result.diagnostics[0]?.message).toBe("keys file `missing.json` cannot be read");
  });

  it("a reader that throws counts as a file that cannot be read", () => {
    const result = compileTexts(
      { "t.policy": `trust {\n${BASE}\n  keys "k.json"\n}\n` },
      {},
      {
        readFile: () => {
          throw new Error("permission denied");
        },
      },
    );
    expect(result.summary()).toEqual(['check/keys-file-unreadable error «"k.json"»']);
  });

  it("a keys file that is not JSON, or not a JWKS, is an error", () => {
    for (const text of ["not json", "[1, 2]", '{"keys": [{"x": 1}]}', '{"kty": "RSA"}']) {
      const result = trust(`${BASE}\n  keys "k.json"`, { "policy/k.json": text });
      expect(result.summary()).toEqual(['check/keys-not-jwks error «"k.json"»']);
    }
  });

  it("a keys file with private members is an error, never embedded", () => {
    const result = trust('  issuer "https://i.example.test"\n  algorithms ES256\n  keys "k.json"', {
      "policy/k.json": PRIVATE_KEYS,
    });
    expect(result.summary()).toEqual(['check/keys-private-material error «"k.json"»']);
    expect(result.diagnostics[0]?.message).toBe(
      "keys file `k.json` holds private key material (`d` in key `mesh-es256-2026-11`)",
    );
    expect(result.ir).toBeNull();
  });

  it("a symmetric key is private material too", () => {
    const result = trust('  issuer "https://i.example.test"\n  algorithms HS256\n  keys "k.json"', {
      "policy/k.json": '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}',
    });
    expect(result.withCode("check/keys-private-material")).toHaveLength(1);
  });

  it("a keys file with no key for the allowed algorithms is an error", () => {
    const result = trust(
      '  issuer "https://i.example.test"\n  algorithms PS512, ES384\n  keys "k.json"',
      {
        "policy/k.json": JSON.stringify({ keys: [JSON.parse(MESH_KEYS).keys[0]] }),
      },
    );
    expect(result.withCode("check/keys-no-usable-key").map((d) => d.message)).toEqual([
      "keys file `k.json` has no public key usable with `ES384`, `PS512`",
    ]);
    expect(result.ir).toBeNull();
  });

  it("an allowed algorithm that no key can verify is a warning at the algorithm", () => {
    const result = trust(
      '  issuer "https://i.example.test"\n  algorithms ES256, PS256\n  keys "k.json"',
      {
        "policy/k.json": MESH_KEYS,
      },
    );
    expect(result.withCode("check/algorithm-without-key").map(result.underline)).toEqual(["PS256"]);
    expect(result.ir).not.toBeNull();
  });

  it("a trust block without keys compiles with a warning into an empty key set", () => {
    const result = trust(BASE);
    expect(result.withCode("check/no-key-source").map((d) => d.message)).toEqual([
      "this `trust` block gives no keys, so every token will be refused",
    ]);
    expect(result.ir?.trust?.keys).toEqual({ kind: "jwks", keys: [] });
  });

  it("a keys URL must be http(s); plain http is a warning", () => {
    expect(trust(`${BASE}\n  keys url "ftp://i.example.test/k"`).summary()).toEqual([
      'check/keys-url-invalid error «"ftp://i.example.test/k"»',
    ]);
    expect(trust(`${BASE}\n  keys url "http://i.example.test/k"`).summary()).toEqual([
      'check/keys-url-insecure warning «"http://i.example.test/k"»',
    ]);
  });
});

describe("rules that need tokens", () => {
  const RULES = `service a {
  ingress {
    allow from a port 80 scopes a:read
    deny from a port 81 when token.tenant == "x"
  }
  egress {
    allow to a ports 80, 81
  }
}
`;

  it("without a trust block are errors at their scopes or condition", () => {
    const result = compileTexts({ "a.policy": RULES });
    expect(result.summary()).toEqual([
      "check/trust-missing error «a:read»",
      'check/trust-missing error «token.tenant == "x"»',
    ]);
  });

  it("with a trust block compile", () => {
    const result = compileTexts({
      "a.policy": RULES,
      "trust.policy": `trust {\n${BASE}\n  keys url "https://i.example.test/k"\n}\n`,
    });
    expect(result.summary()).toEqual([]);
  });
});
