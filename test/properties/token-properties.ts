/**
 * The token properties: mutations of a valid token (property 6) and garbage in place of one
 * (property 7), against a policy where the token alone decides. Tokens are real, signed with
 * `jose` on a frozen clock.
 */
import type { Ir, ReasonCode } from "@palisade/ir";
import fc from "fast-check";
import { expect } from "vitest";
import {
  type GeneratedPolicy,
  ISSUER,
  SCOPE_POOL,
  SERVICE_POOL,
  SPAN,
  type TrustChoice,
  trustBlock,
  trustChoice,
} from "./arbitraries.ts";
import {
  compilePolicy,
  decisionSummary,
  type EngineFactory,
  type EngineRequest,
} from "./harness.ts";
import { bearer, mutateToken, signToken, tokenMutation, validTimes } from "./tokens.ts";

/** The destination of the token tests, open to everyone on every port so only tokens decide. */
export const OPEN_SERVICE = "orders";

/** A policy where the token alone decides: `orders` admits any caller on any port. */
export function openPolicy(choice: TrustChoice): GeneratedPolicy {
  return {
    trust: trustBlock(choice),
    services: [
      {
        kind: "Service",
        id: OPEN_SERVICE,
        idSpan: SPAN,
        ports: [],
        ingress: [
          {
            kind: "Rule",
            direction: "ingress",
            effect: "allow",
            peers: [{ kind: "AnyPeer", except: [], ports: null, span: SPAN }],
            ports: [{ kind: "PortRange", from: 1, to: 65535, span: SPAN }],
            protocols: [
              { value: "tcp", span: SPAN },
              { value: "udp", span: SPAN },
            ],
            scopes: null,
            when: null,
            span: SPAN,
          },
        ],
        egress: [],
        span: SPAN,
      },
    ],
  };
}

const openIrs = new Map<string, Ir>();

/** The IR of `openPolicy(choice)`, compiled once per choice. */
export function openIr(choice: TrustChoice): Ir {
  const key = JSON.stringify(choice);
  const cached = openIrs.get(key);
  if (cached) return cached;
  const ir = compilePolicy(openPolicy(choice));
  openIrs.set(key, ir);
  return ir;
}

/** A valid request to the open service: caller, port, protocol, action and claims. */
const openRequest = (choice: TrustChoice) =>
  fc
    .record({
      subject: fc.constantFrom(...SERVICE_POOL),
      port: fc.integer({ min: 1, max: 65535 }),
      protocol: fc.option(fc.constantFrom("tcp" as const, "udp" as const), { nil: undefined }),
      action: fc.constantFrom(...SCOPE_POOL),
      otherScopes: fc.subarray([...SCOPE_POOL]),
      scopeAsString: fc.boolean(),
      audienceAsList: fc.boolean(),
      nameSource: fc.boolean(),
      times: validTimes(choice),
    })
    .map((parts) => {
      const scopes = [...new Set([...parts.otherScopes, parts.action])];
      const claims = {
        iss: ISSUER,
        sub: parts.subject,
        aud: parts.audienceAsList ? [OPEN_SERVICE] : OPEN_SERVICE,
        scope: parts.scopeAsString ? scopes.join(" ") : scopes,
        iat: parts.times.iat,
        exp: parts.times.exp,
      };
      const query: Omit<EngineRequest, "authorization"> = {
        destination: OPEN_SERVICE,
        port: parts.port,
        action: parts.action,
        ...(parts.protocol === undefined ? {} : { protocol: parts.protocol }),
        ...(parts.nameSource ? { source: parts.subject } : {}),
      };
      return { claims, query };
    });

/**
 * 6. Token mutations: starting from a token the engine allows, any one mutation gives a deny with
 * the reason that belongs to it (or, for an extra audience under trust settings that accept
 * several, still an allow). The same engine first sees the valid token, so a verified-token
 * cache that a mutated token could hit would show here.
 */
export function tokenMutationsDeny(makeEngine: EngineFactory) {
  const scenario = trustChoice.chain((choice) =>
    fc.record({
      choice: fc.constant(choice),
      request: openRequest(choice),
      mutation: tokenMutation(OPEN_SERVICE, choice.algorithms),
    }),
  );
  return fc.asyncProperty(scenario, async ({ choice, request, mutation }) => {
    const engine = makeEngine(openIr(choice));
    const valid = await signToken(request.claims);
    const before = await engine.request({ ...request.query, authorization: bearer(valid) });
    expect(decisionSummary(before)).toMatchObject({ decision: "allow", reason: "allowed" });

    const base = {
      destination: OPEN_SERVICE,
      action: request.query.action,
      claims: request.claims,
    };
    const mutated = await mutateToken(base, mutation, choice);
    const after = await engine.request({ ...request.query, authorization: bearer(mutated.token) });
    const decision: "allow" | "deny" = mutated.expected === "allowed" ? "allow" : "deny";
    expect({ mutation, decision: after.decision, reason: after.reason }).toEqual({
      mutation,
      decision,
      reason: mutated.expected,
    });
  });
}

/** Reasons a request may be denied for when its token is garbage. */
const TOKEN_FAILURES: readonly ReasonCode[] = [
  "token-missing",
  "token-malformed",
  "token-signature-invalid",
  "token-algorithm-not-allowed",
];

const jsonSegment = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => Buffer.from(JSON.stringify(value)).toString("base64url"));

/** Header values a client might send instead of a bearer token. */
export const garbageAuthorization: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string().map((text) => `Bearer ${text}`),
  fc.tuple(jsonSegment, jsonSegment, fc.base64String()).map((parts) => `Bearer ${parts.join(".")}`),
  fc
    .tuple(
      fc.constantFrom("bearer", "BEARER", "Bearer", "Basic"),
      fc.constantFrom(" ", "  ", "\t", ""),
    )
    .chain(([scheme, gap]) =>
      fc.string({ unit: "grapheme-ascii" }).map((text) => `${scheme}${gap}${text}`),
    ),
  fc.array(fc.string(), { maxLength: 3 }),
);

/**
 * 7. Arbitrary strings as the bearer token, on a policy that admits any caller with a valid
 * token: never a throw, always a deny with a token reason.
 */
export function garbageTokensDeny(makeEngine: EngineFactory) {
  const choice: TrustChoice = {
    algorithms: ["ES256"],
    maxTokenAge: 300,
    clockSkew: 30,
    multipleAudiences: false,
  };
  const engine = makeEngine(openIr(choice));
  return fc.asyncProperty(
    garbageAuthorization,
    fc.integer({ min: 1, max: 65535 }),
    fc.constantFrom(...SCOPE_POOL),
    async (authorization, port, action) => {
      const decision = await engine.request({
        destination: OPEN_SERVICE,
        port,
        action,
        authorization,
      });
      expect(decision.decision).toBe("deny");
      expect(TOKEN_FAILURES).toContain(decision.reason);
    },
  );
}
