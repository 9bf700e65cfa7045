import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, palisade, removeWorkspace, workspace, writeFiles } from "./e2e-harness.ts";

/** The frozen clock of these tests: 2026-11-20T12:00:00Z. */
const NOW = 1_795_176_000;

const POLICY = `trust {
  issuer "https://idp.test"
  algorithms ES256
  keys "jwks.json"
}

service api {
  port http 8080

  ingress {
    allow from web port http scopes items:read
  }
}

service web {
  egress {
    allow to api port 8080
  }
}
`;

let root: string;
let sign: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  ensureBuilt();
  const trusted = await generateKeyPair("ES256");
  const other = await generateKeyPair("ES256");
  const jwk = (key: Awaited<ReturnType<typeof generateKeyPair>>["publicKey"], kid: string) =>
    exportJWK(key).then((exported) => ({ ...exported, kid, alg: "ES256", use: "sig" }));
  root = workspace({
    "policy/mesh.policy": POLICY,
    "policy/jwks.json": JSON.stringify({ keys: [await jwk(trusted.publicKey, "k1")] }),
    "rotated.json": JSON.stringify({ keys: [await jwk(other.publicKey, "k2")] }),
  });
  sign = (claims) =>
    new SignJWT({ iss: "https://idp.test", aud: "api", iat: NOW - 10, exp: NOW + 200, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: claims.kid === "k2" ? "k2" : "k1" })
      .sign(claims.kid === "k2" ? other.privateKey : trusted.privateKey);
});
afterAll(() => removeWorkspace(root));

function request(token: string, action = "items:read"): Record<string, unknown> {
  return {
    type: "request",
    destination: "api",
    port: 8080,
    action,
    headers: { authorization: `Bearer ${token}` },
  };
}

function decisions(stdout: string): { decision: string; reason: string; rule: unknown }[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("palisade decide", () => {
  it("answers JSON lines from stdin with one decision per line, in order", async () => {
    const lines = [
      { type: "connection", source: "web", destination: "api", port: 8080 },
      { type: "connection", source: "api", destination: "web", port: 8080 },
      request(await sign({ sub: "web", scope: "items:read" })),
      request(await sign({ sub: "web", scope: "items:read" }), "items:write"),
      request(await sign({ sub: "web", scope: "items:read", exp: NOW - 100, iat: NOW - 200 })),
      { type: "request", destination: "api", port: "8080", action: "items:read" },
    ];
    const run = palisade(
      ["decide", "--policy", "policy", "--request", "-", "--now", "2026-11-20T12:00:00Z"],
      { cwd: root, input: `${lines.map((line) => JSON.stringify(line)).join("\n")}\n` },
    );
    expect(run.code).toBe(0);
    const answers = decisions(run.stdout);
    expect(answers.map((answer) => `${answer.decision} ${answer.reason}`)).toEqual([
      "allow allowed",
      "deny no-matching-rule",
      "allow allowed",
      "deny token-scope-missing",
      "deny token-expired",
      "deny request-malformed",
    ]);
    expect(answers[0]?.rule).toEqual({
      id: "api/ingress/0",
      span: { file: "policy/mesh.policy", line: 11, column: 5, endLine: 11, endColumn: 47 },
    });
  });

  it("takes an array, a compiled policy, epoch seconds and a --keys override", async () => {
    const compiled = palisade(["compile", "policy", "-o", "compiled.json"], { cwd: root });
    expect(compiled.code).toBe(0);
    writeFiles(root, {
      "requests.json": JSON.stringify([
        request(await sign({ sub: "web", scope: "items:read" })),
        request(await sign({ sub: "web", scope: "items:read", kid: "k2" })),
      ]),
    });
    const plain = palisade(
      ["decide", "--policy", "compiled.json", "--request", "requests.json", "--now", `${NOW}`],
      { cwd: root },
    );
    expect(plain.code).toBe(0);
    expect(decisions(plain.stdout).map((answer) => answer.reason)).toEqual([
      "allowed",
      "token-signature-invalid",
    ]);

    const rotated = palisade(
      [
        "decide",
        "--policy=compiled.json",
        "--request=requests.json",
        `--now=${NOW}`,
        "--keys=rotated.json",
      ],
      { cwd: root },
    );
    expect(rotated.code).toBe(0);
    expect(decisions(rotated.stdout).map((answer) => answer.reason)).toEqual([
      "token-signature-invalid",
      "allowed",
    ]);
  });

  it("prints one line per decision for people with --format text", () => {
    const run = palisade(
      ["decide", "--policy", "policy", "--request", "-", "--format", "text", "--now", `${NOW}`],
      { cwd: root, input: '{"type":"ingress","source":"web","destination":"api","port":8080}\n' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "ingress web -> api:8080/tcp: allow allowed: allowed by ingress rule `api/ingress/0` " +
        "(api/ingress/0 at policy/mesh.policy:11:5)\n",
    );
  });

  it("exits 2 for unreadable requests, a bad clock and missing arguments", () => {
    const notJson = palisade(["decide", "--policy", "policy", "--request", "-"], {
      cwd: root,
      input: '{"type":"connection"}\n{"type":\n',
    });
    expect(notJson.code).toBe(2);
    expect(notJson.stdout).toBe("");
    expect(notJson.stderr).toMatch(/^palisade decide: error: stdin:2: not valid JSON: /);

    const missing = palisade(["decide", "--policy", "policy", "--request", "none.json"], {
      cwd: root,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read `none.json`: no such file or folder");

    const clock = palisade(
      ["decide", "--policy", "policy", "--request", "-", "--now", "2026-11-20T12:00:00"],
      { cwd: root, input: "{}" },
    );
    expect(clock.code).toBe(2);
    expect(clock.stderr).toContain("has no time zone");

    const noPolicy = palisade(["decide", "--request", "-"], { cwd: root, input: "{}" });
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain("give the policy with `--policy PATH`");
  });

  it("refuses a --keys file with private key material", () => {
    writeFiles(root, { "private.json": JSON.stringify({ keys: [{ kty: "EC", d: "x" }] }) });
    const run = palisade(
      ["decide", "--policy", "policy", "--request", "-", "--keys", "private.json"],
      { cwd: root, input: "{}" },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("holds private or symmetric key material");
  });

  it("exits 1 when the policy does not compile", () => {
    writeFiles(root, { "broken/api.policy": "service api {\n  ingress {\n" });
    const run = palisade(["decide", "--policy", "broken", "--request", "-"], {
      cwd: root,
      input: '{"type":"connection","source":"web","destination":"api","port":8080}',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("broken/api.policy:");
  });
});
