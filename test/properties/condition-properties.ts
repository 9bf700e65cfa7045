/**
 * Conditions on token claims, checked where they are hit most often: one service that admits
 * every caller when a random condition holds, and optionally denies when another holds. Random
 * claims are missing or of unexpected types often, so the "cannot be evaluated" cases are
 * common here, where the general request properties meet them rarely.
 */
import type { Expr, Rule } from "@palisade/syntax";
import fc from "fast-check";
import { expect } from "vitest";
import {
  condition,
  type GeneratedPolicy,
  ISSUER,
  SCOPE_POOL,
  SERVICE_POOL,
  SPAN,
  type TrustChoice,
  trustBlock,
} from "./arbitraries.ts";
import { compilePolicy, decisionSummary, type EngineFactory } from "./harness.ts";
import { referenceRequest } from "./reference.ts";
import { bearer, conditionClaims, NOW, signToken } from "./tokens.ts";

const TRUST: TrustChoice = {
  algorithms: ["ES256"],
  maxTokenAge: 300,
  clockSkew: 30,
  multipleAudiences: false,
};

/** The service every request of these properties goes to. */
const GUARDED = "orders";

function everyoneRule(effect: "allow" | "deny", when: Expr): Rule {
  return {
    kind: "Rule",
    direction: "ingress",
    effect,
    peers: [{ kind: "AnyPeer", except: [], ports: null, span: SPAN }],
    ports: [{ kind: "PortRange", from: 1, to: 65535, span: SPAN }],
    protocols: null,
    scopes: null,
    when,
    span: SPAN,
  };
}

/** `orders` admits anyone when `allowWhen` holds, and refuses anyone when `denyWhen` holds. */
export function guardedPolicy(allowWhen: Expr, denyWhen: Expr | null): GeneratedPolicy {
  const ingress = [everyoneRule("allow", allowWhen)];
  if (denyWhen !== null) ingress.push(everyoneRule("deny", denyWhen));
  return {
    trust: trustBlock(TRUST),
    services: [
      {
        kind: "Service",
        id: GUARDED,
        idSpan: SPAN,
        ports: [],
        ingress,
        egress: [],
        span: SPAN,
      },
    ],
  };
}

/** The condition with the operands of every `and` and `or` swapped. */
export function mirrored(expr: Expr): Expr {
  switch (expr.kind) {
    case "And":
    case "Or":
      return { ...expr, left: mirrored(expr.right), right: mirrored(expr.left) };
    case "Not":
      return { ...expr, operand: mirrored(expr.operand) };
    default:
      return expr;
  }
}

const scenario = fc.record({
  allowWhen: condition(3),
  denyWhen: fc.option(condition(2), { freq: 2 }),
  extra: conditionClaims,
  subject: fc.constantFrom(...SERVICE_POOL),
  action: fc.constantFrom(...SCOPE_POOL),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function claimsOf(chosen: Scenario): Record<string, unknown> {
  return {
    ...chosen.extra,
    iss: ISSUER,
    sub: chosen.subject,
    aud: GUARDED,
    scope: [chosen.action],
    iat: NOW - 5,
    exp: NOW + 120,
  };
}

/** 3 (conditions). The engine agrees with the reference on conditional rules and random claims. */
export function conditionsMatchReference(makeEngine: EngineFactory) {
  return fc.asyncProperty(scenario, async (chosen) => {
    const ir = compilePolicy(guardedPolicy(chosen.allowWhen, chosen.denyWhen));
    const claims = claimsOf(chosen);
    const query = { destination: GUARDED, port: 443, action: chosen.action };
    const token = await signToken(claims);
    const actual = await makeEngine(ir).request({ ...query, authorization: bearer(token) });
    const expected = referenceRequest(ir, query, { ok: true, claims });
    expect({ claims, ...decisionSummary(actual) }).toEqual({
      claims,
      ...decisionSummary(expected),
    });
  });
}

/** Swapping the operands of every `and` and `or` never changes a decision. */
export function conditionsCommute(makeEngine: EngineFactory) {
  return fc.asyncProperty(scenario, async (chosen) => {
    const denyMirror = chosen.denyWhen === null ? null : mirrored(chosen.denyWhen);
    const written = makeEngine(compilePolicy(guardedPolicy(chosen.allowWhen, chosen.denyWhen)));
    const swapped = makeEngine(
      compilePolicy(guardedPolicy(mirrored(chosen.allowWhen), denyMirror)),
    );
    const claims = claimsOf(chosen);
    const query = {
      destination: GUARDED,
      port: 443,
      action: chosen.action,
      authorization: bearer(await signToken(claims)),
    };
    const first = await written.request(query);
    const second = await swapped.request(query);
    expect({ claims, decision: second.decision, reason: second.reason }).toEqual({
      claims,
      decision: first.decision,
      reason: first.reason,
    });
  });
}
