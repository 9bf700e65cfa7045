/**
 * The request properties (a bearer token at the destination), as functions of the engine under
 * test. Tokens are real: signed with `jose` by keys made for the test, on a frozen clock.
 * Numbers follow issue 6.
 */
import type { Decision, Ir } from "@palisade/ir";
import fc from "fast-check";
import { expect } from "vitest";
import { type GeneratedPolicy, interestingPorts, policy } from "./arbitraries.ts";
import {
  compilePolicy,
  compileSources,
  decisionSummary,
  type EngineFactory,
  type EngineRequest,
} from "./harness.ts";
import {
  applyChange,
  changedEffect,
  changeFor,
  emptyPolicySources,
  forbiddenFlip,
} from "./network-properties.ts";
import {
  evaluateCondition,
  findRule,
  matchingRules,
  referenceRequest,
  ruleApplies,
  scopesOfClaims,
} from "./reference.ts";
import {
  bearer,
  expectedTokenOutcome,
  type GeneratedRequest,
  generatedRequest,
  requestClaims,
  signToken,
  type TokenTrust,
} from "./tokens.ts";

/** A generated request, signed, ready for the engine and the reference. */
interface SignedRequest {
  readonly generated: GeneratedRequest;
  readonly query: EngineRequest;
}

function trustOf(ir: Ir): TokenTrust {
  if (ir.trust === null) throw new Error("the compiled policy has no trust settings");
  return ir.trust;
}

async function sign(generated: GeneratedRequest): Promise<SignedRequest> {
  const token = await signToken(requestClaims(generated));
  const {
    subject: _s,
    audience: _a,
    otherService: _o,
    times: _t,
    claims: _c,
    ...query
  } = generated;
  return { generated, query: { ...query, authorization: bearer(token) } };
}

/** A policy with trust settings and requests against it, each request with its token's claims. */
function policyWithRequests(count = 5) {
  return policy({ trust: "always" }).chain((generated) =>
    fc.record({
      policy: fc.constant(generated),
      requests: fc.array(
        generatedRequest(trustSettingsOf(generated), interestingPorts(generated)),
        {
          minLength: 1,
          maxLength: count,
        },
      ),
    }),
  );
}

function trustSettingsOf(generated: GeneratedPolicy): TokenTrust {
  const block = generated.trust;
  return {
    maxTokenAge: block?.maxTokenAge?.value ?? 300,
    clockSkew: block?.clockSkew?.value ?? 30,
    multipleAudiences: block?.multipleAudiences?.value ?? false,
    algorithms: block?.algorithms?.map((algorithm) => algorithm.value) ?? ["ES256"],
  };
}

/** 1. An empty policy set denies every request, even one carrying a valid token. */
export function emptyPolicyDeniesRequests(makeEngine: EngineFactory) {
  const engines = emptyPolicySources().map((sources) => makeEngine(compileSources(sources)));
  const settings: TokenTrust = {
    maxTokenAge: 300,
    clockSkew: 30,
    multipleAudiences: false,
    algorithms: ["ES256"],
  };
  return fc.asyncProperty(
    fc.constantFrom(...engines.keys()),
    generatedRequest(settings, [1, 443, 8443, 65535]),
    async (which, generated) => {
      const engine = engines[which];
      if (!engine) throw new Error("no engine");
      const { query } = await sign(generated);
      const decision = await engine.request(query);
      expect({ query, decision: decision.decision }).toEqual({ query, decision: "deny" });
    },
  );
}

/** Checks that a request allow is sound: the named rule grants it, no deny matches. */
function expectSoundRequestAllow(ir: Ir, signed: SignedRequest, decision: Decision): void {
  const { generated, query } = signed;
  const token = expectedTokenOutcome(generated, trustOf(ir));
  expect(token.ok, "an allowed request carries a valid token").toBe(true);
  if (!token.ok) return;
  const claims = token.claims;
  for (const named of [query.source, query.transportIdentity]) {
    if (named !== undefined) expect(named).toBe(generated.subject);
  }
  expect(scopesOfClaims(claims)).toContain(query.action);

  const question = {
    side: "ingress" as const,
    owner: query.destination,
    peer: generated.subject,
    port: query.port,
    protocol: query.protocol ?? "tcp",
  };
  const { denies } = matchingRules(ir, question, claims);
  expect(denies.map((rule) => rule.id)).toEqual([]);

  const ruleId = decision.rule?.id ?? null;
  expect(ruleId, "a request allow names its rule").not.toBeNull();
  const found = ruleId === null ? null : findRule(ir, ruleId);
  expect(found, `rule \`${String(ruleId)}\` exists`).not.toBeNull();
  if (!found) return;
  expect(found.rule.effect).toBe("allow");
  expect(found.service.id).toBe(query.destination);
  expect(found.side).toBe("ingress");
  expect(ruleApplies(found.rule, question.peer, question.port, question.protocol)).toBe(true);
  if (found.rule.when !== null) expect(evaluateCondition(found.rule.when, claims)).toBe(true);
  if (found.rule.scopes !== null) expect(found.rule.scopes).toContain(query.action);
}

/** 2. Soundness of request allows. */
export function requestAllowsAreSound(makeEngine: EngineFactory) {
  return fc.asyncProperty(policyWithRequests(), async ({ policy: generated, requests }) => {
    const ir = compilePolicy(generated);
    const engine = makeEngine(ir);
    for (const signed of await Promise.all(requests.map(sign))) {
      const decision = await engine.request(signed.query);
      if (decision.decision === "allow") expectSoundRequestAllow(ir, signed, decision);
    }
  });
}

/** 3. Differential on requests: decision, reason and rule id agree with the reference. */
export function requestsMatchReference(makeEngine: EngineFactory) {
  return fc.asyncProperty(policyWithRequests(), async ({ policy: generated, requests }) => {
    const ir = compilePolicy(generated);
    const engine = makeEngine(ir);
    for (const signed of await Promise.all(requests.map(sign))) {
      const actual = decisionSummary(await engine.request(signed.query));
      const token = expectedTokenOutcome(signed.generated, trustOf(ir));
      const expected = decisionSummary(referenceRequest(ir, signed.query, token));
      const claims = requestClaims(signed.generated);
      expect({ query: signed.query, claims, ...actual }).toEqual({
        query: signed.query,
        claims,
        ...expected,
      });
    }
  });
}

/** 4. Monotonicity on requests, for one added or removed rule of either effect. */
export function requestsAreMonotonic(makeEngine: EngineFactory) {
  const scenario = policyWithRequests().chain(({ policy: generated, requests }) =>
    changeFor(generated).map((change) => ({ generated, requests, change })),
  );
  return fc.asyncProperty(scenario, async ({ generated, requests, change }) => {
    const before = makeEngine(compilePolicy(generated));
    const after = makeEngine(compilePolicy(applyChange(generated, change)));
    const flip = forbiddenFlip(change, changedEffect(generated, change));
    for (const signed of await Promise.all(requests.map(sign))) {
      const was = (await before.request(signed.query)).decision;
      const now = (await after.request(signed.query)).decision;
      const flipped = was === flip.from && now === flip.to;
      expect({ query: signed.query, flipped }).toEqual({ query: signed.query, flipped: false });
    }
  });
}
