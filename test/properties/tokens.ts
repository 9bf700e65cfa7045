/**
 * Keys, real signed tokens, token mutations and request generators for the property tests.
 *
 * Valid tokens are signed with `jose` by keys generated once per test file; the trusted public
 * keys go into the JWKS file the generated trust settings name. The clock is frozen at `NOW`.
 * Mutations that need a broken structure sign the raw segments with WebCrypto, so that the only
 * fault in such a token is the one the mutation names.
 */
import { createHmac } from "node:crypto";
import type { Protocol, ReasonCode } from "@palisade/ir";
import fc from "fast-check";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { ACTION_POOL, ISSUER, QUERY_SERVICES, SCOPE_POOL, SERVICE_POOL } from "./arbitraries.ts";
import type { TokenOutcome } from "./reference.ts";

/** The frozen clock, in seconds since the epoch. */
export const NOW = 1_700_000_000;

/** The frozen clock as the engine takes it, in milliseconds. */
export const now = (): number => NOW * 1000;

/** A key that signs tokens, with the header it signs them under. */
export interface SigningKey {
  readonly alg: string;
  /** The `kid` written in the header, or null for none. */
  readonly kid: string | null;
  readonly privateKey: CryptoKey;
}

/** A signing key with its public half, for the JWKS. */
interface TestKey extends SigningKey {
  readonly publicKey: CryptoKey;
}

async function makeKey(alg: string, kid: string | null, crv?: string): Promise<TestKey> {
  const pair = await generateKeyPair(alg, crv === undefined ? {} : { crv });
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

const trustedEs = await makeKey("ES256", "k1");
const trustedRs = await makeKey("RS256", "k2");

/** The key valid tokens are signed with: ES256, which every generated trust setting allows. */
export const TRUSTED_KEY: SigningKey = trustedEs;

/** Untrusted keys: one posing as the trusted `kid`, one with no `kid` at all. */
export const UNTRUSTED_KEYS: readonly SigningKey[] = [
  await makeKey("ES256", "k1"),
  await makeKey("ES256", null),
];

/** Keys of algorithms the trust settings never allow, posing under the trusted `kid`. */
const OTHER_ALGORITHM_KEYS: readonly SigningKey[] = [
  await makeKey("RS256", "k1"),
  await makeKey("PS256", "k1"),
  await makeKey("ES384", "k1"),
  await makeKey("EdDSA", "k1", "Ed25519"),
];

/** The text of the JWKS file that the generated trust settings point at. */
export const JWKS_TEXT = JSON.stringify({
  keys: [
    { ...(await exportJWK(trustedEs.publicKey)), kid: "k1", alg: "ES256", use: "sig" },
    { ...(await exportJWK(trustedRs.publicKey)), kid: "k2", alg: "RS256", use: "sig" },
  ],
});

/** The trusted RSA key as PEM text: what an HMAC algorithm-confusion attack uses as secret. */
const TRUSTED_RSA_PEM = await exportSPKI(trustedRs.publicKey);

/** A `readFile` for the compiler that serves the JWKS file and nothing else. */
export function readFile(path: string): string | null {
  return path.endsWith("jwks.json") ? JWKS_TEXT : null;
}

/** Claims as they go into a token. */
export type TokenClaims = Readonly<Record<string, unknown>>;

/** Signs `claims` with `key` using `jose`. */
export async function signToken(claims: TokenClaims, key: SigningKey = TRUSTED_KEY) {
  const header =
    key.kid === null ? { alg: key.alg, typ: "JWT" } : { alg: key.alg, kid: key.kid, typ: "JWT" };
  return new SignJWT({ ...claims }).setProtectedHeader(header).sign(key.privateKey);
}

function base64url(text: string | Uint8Array): string {
  return Buffer.from(text).toString("base64url");
}

function webCryptoParameters(alg: string): AlgorithmIdentifier | EcdsaParams {
  if (alg === "ES256") return { name: "ECDSA", hash: "SHA-256" };
  if (alg === "RS256") return { name: "RSASSA-PKCS1-v1_5" };
  throw new TypeError(`raw signing does not know \`${alg}\``);
}

/** Signs two raw segments as they stand, so a segment may hold anything at all. */
export async function signSegments(
  headerSegment: string,
  payloadSegment: string,
  key: SigningKey = TRUSTED_KEY,
): Promise<string> {
  const input = new TextEncoder().encode(`${headerSegment}.${payloadSegment}`);
  const signature = await crypto.subtle.sign(webCryptoParameters(key.alg), key.privateKey, input);
  return `${headerSegment}.${payloadSegment}.${base64url(new Uint8Array(signature))}`;
}

function trustedHeaderSegment(): string {
  return base64url(JSON.stringify({ alg: TRUSTED_KEY.alg, kid: TRUSTED_KEY.kid, typ: "JWT" }));
}

/** Trust settings as far as tokens care. */
export interface TokenTrust {
  readonly maxTokenAge: number;
  readonly clockSkew: number;
  readonly multipleAudiences: boolean;
  readonly algorithms: readonly string[];
}

/** When a valid token was minted and how long it lives: always inside the trust's bounds. */
export function validTimes(trust: TokenTrust): fc.Arbitrary<{ iat: number; exp: number }> {
  return fc
    .record({
      age: fc.integer({ min: 0, max: 20 }),
      lifetime: fc.oneof(
        fc.integer({ min: 60, max: trust.maxTokenAge }),
        fc.constant(trust.maxTokenAge),
      ),
    })
    .map(({ age, lifetime }) => ({ iat: NOW - age, exp: NOW - age + lifetime }));
}

/** Extra claims that conditions test, some missing and some of unexpected types. */
export const conditionClaims: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    tenant: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("a", "b", "acme") },
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
    ),
    trial: fc.oneof({ weight: 3, arbitrary: fc.boolean() }, fc.constantFrom("true", "a")),
    level: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) }, fc.constant("1")),
    org: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record(
          {
            id: fc.oneof(fc.constantFrom("a", "b", "acme"), fc.integer({ min: 0, max: 3 })),
            tier: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant("a")),
          },
          { requiredKeys: [] },
        ),
      },
      fc.constant("acme"),
      fc.constant(["a", "b"]),
    ),
  },
  { requiredKeys: [] },
);

/** A token's `scope` claim: an array, a space-separated string, or absent. */
export function scopeClaim(): fc.Arbitrary<{ scope?: unknown }> {
  const words = fc.uniqueArray(fc.constantFrom(...ACTION_POOL), { maxLength: 4 });
  return fc.oneof(
    words.map((list) => ({ scope: list })),
    fc
      .tuple(words, fc.constantFrom(" ", "  ", "\t"))
      .map(([list, gap]) => ({ scope: list.join(gap) })),
    fc.constant({}),
  );
}

/** How a generated request's token names its audience. */
export type AudienceForm = "exact" | "list" | "other" | "extra";

/** A request to generate: what is asked, by whom, and the token's claims. */
export interface GeneratedRequest {
  readonly destination: string;
  readonly port: number;
  readonly protocol?: Protocol;
  readonly action: string;
  readonly source?: string;
  readonly transportIdentity?: string;
  readonly subject: string;
  readonly audience: AudienceForm;
  /** Another service, used by the `other` and `extra` audience forms. */
  readonly otherService: string;
  readonly times: { readonly iat: number; readonly exp: number };
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A request with a valid or wrongly addressed token, aimed at the given ports. */
export function generatedRequest(
  trust: TokenTrust,
  ports: readonly number[],
): fc.Arbitrary<GeneratedRequest> {
  const service = fc.constantFrom(...QUERY_SERVICES);
  return fc
    .record({
      destination: service,
      port: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...ports) },
        fc.integer({ min: 1, max: 45 }),
      ),
      protocol: fc.option(fc.constantFrom<Protocol>("tcp", "udp"), { freq: 3, nil: undefined }),
      action: fc.constantFrom(...SCOPE_POOL, ...SCOPE_POOL, "delete"),
      subject: service,
      sourceForm: fc.constantFrom("none", "none", "subject", "other"),
      transportForm: fc.constantFrom("none", "none", "none", "subject", "other"),
      audience: fc.constantFrom<AudienceForm>("exact", "exact", "exact", "list", "other", "extra"),
      otherService: service,
      times: validTimes(trust),
      scope: scopeClaim(),
      extra: conditionClaims,
    })
    .filter((request) => request.otherService !== request.destination)
    .map((request): GeneratedRequest => {
      const named = (form: string): string | undefined =>
        form === "subject" ? request.subject : form === "other" ? request.otherService : undefined;
      const source = named(request.sourceForm);
      const transportIdentity = named(request.transportForm);
      return {
        destination: request.destination,
        port: request.port,
        ...(request.protocol === undefined ? {} : { protocol: request.protocol }),
        action: request.action,
        ...(source === undefined ? {} : { source }),
        ...(transportIdentity === undefined ? {} : { transportIdentity }),
        subject: request.subject,
        audience: request.audience,
        otherService: request.otherService,
        times: request.times,
        claims: { ...request.extra, ...request.scope },
      };
    });
}

/** The `aud` claim a generated request's token carries. */
export function audienceClaim(request: GeneratedRequest): string | string[] {
  switch (request.audience) {
    case "exact":
      return request.destination;
    case "list":
      return [request.destination];
    case "other":
      return request.otherService;
    case "extra":
      return [request.destination, request.otherService];
  }
}

/** The full claims of a generated request's token. */
export function requestClaims(request: GeneratedRequest): TokenClaims {
  return {
    ...request.claims,
    iss: ISSUER,
    sub: request.subject,
    aud: audienceClaim(request),
    iat: request.times.iat,
    exp: request.times.exp,
  };
}

/**
 * How a generated request's token fares under `trust`. Generated tokens are correctly signed,
 * issued and timed; only the audience can be wrong, so this reads the audience rule alone: the
 * destination alone, or among others when the trust settings allow several audiences.
 */
export function expectedTokenOutcome(request: GeneratedRequest, trust: TokenTrust): TokenOutcome {
  const claims = requestClaims(request);
  const aud = claims.aud;
  const accepted =
    aud === request.destination ||
    (Array.isArray(aud) &&
      aud.includes(request.destination) &&
      (aud.length === 1 || trust.multipleAudiences));
  return accepted ? { ok: true, claims } : { ok: false, reason: "token-wrong-audience" };
}

/** The `Authorization` header value carrying `token`. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/**
 * One change to a valid token. Each names the single fault it introduces; `expect` in
 * `mutateToken` gives the reason that belongs to it.
 */
export type TokenMutation =
  | { readonly kind: "flip-signature-bit"; readonly bit: number }
  | { readonly kind: "other-algorithm"; readonly alg: string }
  | { readonly kind: "expired"; readonly pastBy: number; readonly lifetime: number }
  | { readonly kind: "too-old"; readonly olderBy: number }
  | { readonly kind: "issued-in-future"; readonly aheadBy: number }
  | { readonly kind: "not-before-future"; readonly aheadBy: number }
  | { readonly kind: "without-exp" }
  | { readonly kind: "without-iat" }
  | { readonly kind: "other-audience"; readonly audience: string; readonly asList: boolean }
  | { readonly kind: "extra-audience"; readonly audience: string; readonly first: boolean }
  | { readonly kind: "other-issuer"; readonly issuer: string }
  | { readonly kind: "scope-without-action"; readonly form: ScopeLoss }
  | { readonly kind: "untrusted-key"; readonly key: number }
  | {
      readonly kind: "bad-segment";
      readonly segment: "header" | "payload";
      readonly fault: SegmentFault;
    };

/** Ways a token can lose the action from its scope. */
export type ScopeLoss = "array" | "string" | "absent" | "scp-only" | "near-miss";

/** Ways a segment can be broken: not base64url, or base64url of something that is not JSON. */
export type SegmentFault = "not-base64url" | "not-json" | "truncated-json";

/** Algorithms a mutated token may claim instead of the one it was signed for. */
export const OTHER_ALGORITHMS = ["RS256", "PS256", "ES384", "EdDSA", "HS256", "none"] as const;

/** Any one mutation, its parameters chosen at random; `allowed` is the trust's allow-list. */
export function tokenMutation(
  destination: string,
  allowed: readonly string[],
): fc.Arbitrary<TokenMutation> {
  const others = SERVICE_POOL.filter((id) => id !== destination);
  const otherAlgorithms = OTHER_ALGORITHMS.filter((alg) => !allowed.includes(alg));
  return fc.oneof(
    fc.integer({ min: 0, max: 511 }).map((bit) => ({ kind: "flip-signature-bit" as const, bit })),
    fc.constantFrom(...otherAlgorithms).map((alg) => ({ kind: "other-algorithm" as const, alg })),
    fc
      .record({
        pastBy: fc.integer({ min: 1, max: 40 }),
        lifetime: fc.integer({ min: 1, max: 40 }),
      })
      .map((fields) => ({ kind: "expired" as const, ...fields })),
    fc.integer({ min: 1, max: 1000 }).map((olderBy) => ({ kind: "too-old" as const, olderBy })),
    fc
      .integer({ min: 1, max: 1000 })
      .map((aheadBy) => ({ kind: "issued-in-future" as const, aheadBy })),
    fc
      .integer({ min: 1, max: 1000 })
      .map((aheadBy) => ({ kind: "not-before-future" as const, aheadBy })),
    fc.constant({ kind: "without-exp" as const }),
    fc.constant({ kind: "without-iat" as const }),
    fc
      .record({ audience: fc.constantFrom(...others, "*", ""), asList: fc.boolean() })
      .map((fields) => ({ kind: "other-audience" as const, ...fields })),
    fc
      .record({ audience: fc.constantFrom(...others), first: fc.boolean() })
      .map((fields) => ({ kind: "extra-audience" as const, ...fields })),
    fc
      .constantFrom(
        `${ISSUER}/`,
        "https://idp.example.test.evil",
        "HTTPS://IDP.EXAMPLE.TEST",
        "idp",
      )
      .map((issuer) => ({ kind: "other-issuer" as const, issuer })),
    fc
      .constantFrom<ScopeLoss>("array", "string", "absent", "scp-only", "near-miss")
      .map((form) => ({ kind: "scope-without-action" as const, form })),
    fc
      .integer({ min: 0, max: UNTRUSTED_KEYS.length - 1 })
      .map((key) => ({ kind: "untrusted-key" as const, key })),
    fc
      .record({
        segment: fc.constantFrom("header" as const, "payload" as const),
        fault: fc.constantFrom<SegmentFault>("not-base64url", "not-json", "truncated-json"),
      })
      .map((fields) => ({ kind: "bad-segment" as const, ...fields })),
  );
}

/** A valid token's parts, before any mutation. */
export interface BaseToken {
  readonly destination: string;
  readonly action: string;
  readonly claims: TokenClaims;
}

/** A mutated token and the outcome that belongs to its fault. */
export interface MutatedToken {
  readonly token: string;
  readonly expected: ReasonCode;
}

function flipBit(token: string, bit: number): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const bytes = Buffer.from(signature, "base64url");
  const index = Math.floor(bit / 8) % bytes.length;
  bytes[index] = (bytes[index] ?? 0) ^ (1 << (bit % 8));
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}

function scopeLost(claims: TokenClaims, action: string, form: ScopeLoss): TokenClaims {
  const { scope: _dropped, ...rest } = claims;
  const others = SCOPE_POOL.filter((scope) => scope !== action);
  switch (form) {
    case "array":
      return { ...rest, scope: others };
    case "string":
      return { ...rest, scope: others.join(" ") };
    case "absent":
      return rest;
    case "scp-only":
      return { ...rest, scp: [action] };
    case "near-miss":
      return { ...rest, scope: [`${action}x`, action.toUpperCase(), ` ${action}`.slice(0, -1)] };
  }
}

async function otherAlgorithmToken(claims: TokenClaims, alg: string): Promise<string> {
  const payload = base64url(JSON.stringify(claims));
  if (alg === "none") return `${base64url(JSON.stringify({ alg, typ: "JWT" }))}.${payload}.`;
  if (alg === "HS256") {
    const header = base64url(JSON.stringify({ alg, kid: "k2", typ: "JWT" }));
    const mac = createHmac("sha256", TRUSTED_RSA_PEM).update(`${header}.${payload}`).digest();
    return `${header}.${payload}.${base64url(mac)}`;
  }
  const key = OTHER_ALGORITHM_KEYS.find((candidate) => candidate.alg === alg);
  if (!key) throw new TypeError(`no key for \`${alg}\``);
  return signToken(claims, key);
}

async function badSegmentToken(
  claims: TokenClaims,
  segment: "header" | "payload",
  fault: SegmentFault,
): Promise<string> {
  const broken =
    fault === "not-base64url"
      ? "e30+/=="
      : fault === "not-json"
        ? base64url("not json at all")
        : base64url(JSON.stringify(segment === "header" ? { alg: "ES256" } : claims).slice(0, -1));
  const header = segment === "header" ? broken : trustedHeaderSegment();
  const payload = segment === "payload" ? broken : base64url(JSON.stringify(claims));
  return signSegments(header, payload);
}

/** Applies `mutation` to a valid token and says which reason the engine must give. */
export async function mutateToken(
  base: BaseToken,
  mutation: TokenMutation,
  trust: TokenTrust,
): Promise<MutatedToken> {
  const claims = base.claims;
  const skew = trust.clockSkew;
  switch (mutation.kind) {
    case "flip-signature-bit":
      return {
        token: flipBit(await signToken(claims), mutation.bit),
        expected: "token-signature-invalid",
      };
    case "other-algorithm":
      return {
        token: await otherAlgorithmToken(claims, mutation.alg),
        expected: "token-algorithm-not-allowed",
      };
    case "expired": {
      const exp = NOW - skew - mutation.pastBy;
      const iat = exp - mutation.lifetime;
      return { token: await signToken({ ...claims, iat, exp }), expected: "token-expired" };
    }
    case "too-old": {
      const iat = NOW - trust.maxTokenAge - skew - mutation.olderBy;
      return {
        token: await signToken({ ...claims, iat, exp: NOW + 30 }),
        expected: "token-too-old",
      };
    }
    case "issued-in-future": {
      const iat = NOW + skew + mutation.aheadBy;
      return {
        token: await signToken({ ...claims, iat, exp: iat + 60 }),
        expected: "token-not-yet-valid",
      };
    }
    case "not-before-future": {
      const nbf = NOW + skew + mutation.aheadBy;
      return { token: await signToken({ ...claims, nbf }), expected: "token-not-yet-valid" };
    }
    case "without-exp": {
      const { exp: _dropped, ...rest } = claims;
      return { token: await signToken(rest), expected: "token-malformed" };
    }
    case "without-iat": {
      const { iat: _dropped, ...rest } = claims;
      return { token: await signToken(rest), expected: "token-malformed" };
    }
    case "other-audience": {
      const aud = mutation.asList ? [mutation.audience] : mutation.audience;
      return { token: await signToken({ ...claims, aud }), expected: "token-wrong-audience" };
    }
    case "extra-audience": {
      const aud = mutation.first
        ? [mutation.audience, base.destination]
        : [base.destination, mutation.audience];
      const expected = trust.multipleAudiences ? "allowed" : "token-wrong-audience";
      return { token: await signToken({ ...claims, aud }), expected };
    }
    case "other-issuer":
      return {
        token: await signToken({ ...claims, iss: mutation.issuer }),
        expected: "token-wrong-issuer",
      };
    case "scope-without-action":
      return {
        token: await signToken(scopeLost(claims, base.action, mutation.form)),
        expected: "token-scope-missing",
      };
    case "untrusted-key": {
      const key = UNTRUSTED_KEYS[mutation.key] ?? TRUSTED_KEY;
      return { token: await signToken(claims, key), expected: "token-signature-invalid" };
    }
    case "bad-segment":
      return {
        token: await badSegmentToken(claims, mutation.segment, mutation.fault),
        expected: "token-malformed",
      };
  }
}
