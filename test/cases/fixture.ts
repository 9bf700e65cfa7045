/**
 * The baseline of the real-world cases (shared cases file): five services, two edges, an RS256
 * issuer with key `k1`, a frozen clock, and the token T. Every case is a change from this.
 */
import { createHash, createHmac, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { compile } from "@palisade/compiler";
import { createEngine, type Engine } from "@palisade/engine";
import type { Decision, Ir } from "@palisade/ir";
import type { Diagnostic } from "@palisade/syntax";

export const ISS = "https://idp.example.test";
/** The frozen clock, in seconds. */
export const NOW = 1_700_000_000;

/** A generated RSA-2048 key with the JWK forms the cases need. */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
  readonly publicPem: string;
}

function makeRsaKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicJwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
  return { kid, privateKey, publicKey, publicJwk, publicPem };
}

/** k1, the trusted key, and an untrusted key of the same kind. */
export const K1 = makeRsaKey("k1");
export const K2 = makeRsaKey("k2");
export const UNTRUSTED = makeRsaKey("k1");

/** A JWKS file's text. */
export function jwks(...keys: readonly TestKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.publicJwk) });
}

export const TRUST_DSL = (options: { skew?: number; maxAge?: number; keys?: string } = {}) => `
trust {
  issuer "${ISS}"
  algorithms RS256
  keys "${options.keys ?? "keys.json"}"
  max-age ${options.maxAge ?? 300}s
  clock-skew ${options.skew ?? 30}s
}
`;

/** The baseline trust settings as a YAML `TrustPolicy` document. */
export const TRUST_YAML = `apiVersion: dilmune.com/v1
kind: TrustPolicy
metadata:
  name: mesh
spec:
  issuer: https://idp.example.test
  algorithms: [RS256]
  keys:
    file: keys.json
  maxTokenAge: 300
  clockSkew: 30
`;

/** The baseline services and edges, in the DSL. */
export const SERVICES_DSL = `
service orders {
  port https 8443
  port metrics 9090
  ingress {
    allow from billing port 8443 scopes orders:read
  }
}

service billing {
  port https 9443
  egress {
    allow to orders port 8443
    allow to inventory port 9000
  }
}

service inventory {
  ingress {
    allow from billing port 9000 scopes inventory:read
  }
}

service dns {
}

service cache {
}
`;

/** A policy source for `compile`. */
export interface CaseSource {
  readonly file: string;
  readonly text: string;
}

export interface Compiled {
  readonly ir: Ir | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

/** Compiles sources with an in-memory keys file (`keys.json` beside the policy holds k1). */
export function compileCase(sources: readonly CaseSource[], keysText: string = jwks(K1)): Compiled {
  const { ir, diagnostics } = compile([...sources], {
    readFile: (path) => (path.endsWith("keys.json") ? keysText : null),
  });
  return {
    ir,
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === "error"),
    warnings: diagnostics.filter((d) => d.severity === "warning"),
  };
}

/** The baseline policy set as one DSL file, optionally with extra text appended. */
export function baselineSources(
  options: { skew?: number; maxAge?: number; services?: string } = {},
): CaseSource[] {
  return [
    {
      file: "cases/baseline.policy",
      text: TRUST_DSL(options) + (options.services ?? SERVICES_DSL),
    },
  ];
}

/** The source text each diagnostic underlines, for assertions on what a message points at. */
export function underlined(
  sources: readonly CaseSource[],
  diagnostics: readonly { span: { file: string; start: number; end: number } }[],
): string[] {
  return diagnostics.map((d) => {
    const source = sources.find((s) => s.file === d.span.file);
    return source ? source.text.slice(d.span.start, d.span.end) : "";
  });
}

/** Compiles and asserts there is no error; returns the IR. */
export function mustCompile(sources: readonly CaseSource[], keysText?: string): Ir {
  const result = compileCase(sources, keysText);
  if (result.ir === null) {
    const listed = result.errors.map((d) => `${d.code}: ${d.message}`).join("\n");
    throw new Error(`expected the case policy to compile, got:\n${listed}`);
  }
  return result.ir;
}

/** An engine over an IR with the clock frozen at NOW (plus an offset in seconds). */
export function engineFor(ir: Ir, options: { offset?: number } = {}): Engine {
  return createEngine(ir, { now: () => (NOW + (options.offset ?? 0)) * 1000 });
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** The baseline claims of token T, with overrides (an `undefined` value removes a claim). */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: ISS,
    aud: "orders",
    sub: "billing",
    scope: ["orders:read"],
    iat: NOW - 10,
    exp: NOW + 240,
  };
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(out)) {
    if (value === undefined) delete out[key];
  }
  return out;
}

/**
 * Builds a compact JWS by hand, so a case can set any header (crit, alg none, a forged kid).
 * `alg` in the header decides how the signature is made unless `signature` is given.
 */
export function token(
  options: {
    header?: Record<string, unknown>;
    payload?: Record<string, unknown>;
    key?: TestKey;
    hmacSecret?: string;
    signature?: string;
    rawPayload?: string;
  } = {},
): string {
  const header = options.header ?? { alg: "RS256", kid: "k1", typ: "JWT" };
  const payload = options.rawPayload ?? base64url(JSON.stringify(options.payload ?? claims()));
  const input = `${base64url(JSON.stringify(header))}.${payload}`;
  if (options.signature !== undefined) return `${input}.${options.signature}`;
  const alg = String(header.alg);
  if (options.hmacSecret !== undefined) {
    const digest = alg === "HS512" ? "sha512" : alg === "HS384" ? "sha384" : "sha256";
    return `${input}.${createHmac(digest, options.hmacSecret).update(input).digest("base64url")}`;
  }
  const key = (options.key ?? K1).privateKey;
  const signature = signWith(alg, input, key);
  return `${input}.${signature}`;
}

function signWith(alg: string, input: string, key: KeyObject): string {
  const data = Buffer.from(input);
  switch (alg) {
    case "RS256":
    case "RS384":
    case "RS512":
      return sign(`sha${alg.slice(2)}`, data, key).toString("base64url");
    case "PS256":
      return sign("sha256", data, {
        key,
        padding: 6, // RSA_PKCS1_PSS_PADDING
        saltLength: 32,
      }).toString("base64url");
    default:
      // A header naming an algorithm this key cannot make: sign as RS256 anyway. The verifier
      // must refuse it for the algorithm before looking at the signature.
      return sign("sha256", data, key).toString("base64url");
  }
}

/** T, the baseline token. */
export const T = () => token();

/** A request at orders:8443 from billing with the given Authorization value(s). */
export async function decideRequest(
  engine: Engine,
  authorization: string | readonly string[] | null,
  overrides: Partial<{
    destination: string;
    port: number;
    action: string;
    source: string;
    protocol: "tcp" | "udp";
  }> = {},
): Promise<Decision> {
  return engine.request({
    destination: overrides.destination ?? "orders",
    port: overrides.port ?? 8443,
    action: overrides.action ?? "orders:read",
    source: overrides.source ?? "billing",
    authorization: authorization === null ? null : (authorization as string | string[]),
    ...(overrides.protocol ? { protocol: overrides.protocol } : {}),
  });
}

/** A short fingerprint, for test names that mention a generated value. */
export function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
