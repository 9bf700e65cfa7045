/**
 * Deliberately broken engines, built from the real one through its public surface, for showing
 * that the properties catch each kind of fault. A mutant either rewrites the real engine's
 * decisions under the broken condition, or hands the real engine a doctored policy.
 */
import { createEngine } from "@palisade/engine";
import { computeHash, type Decision, type Ir, type ReasonCode, type Rule } from "@palisade/ir";
import type { EngineFactory, EngineUnderTest } from "./harness.ts";
import { realEngine } from "./harness.ts";
import { now } from "./tokens.ts";

type Rewrite = (
  decision: Decision,
  kind: "connection" | "ingress" | "egress" | "request",
) => Decision;

/** The engine with every decision passed through `rewrite`. */
function rewriting(engine: EngineUnderTest, rewrite: Rewrite): EngineUnderTest {
  return {
    connection: (query) => rewrite(engine.connection(query), "connection"),
    ingress: (query) => rewrite(engine.ingress(query), "ingress"),
    egress: (query) => rewrite(engine.egress(query), "egress"),
    request: async (query) => rewrite(await engine.request(query), "request"),
    decide: async (input) => rewrite(await engine.decide(input), "request"),
  };
}

/** A decision turned into an allow, as a broken engine would give it. */
function wronglyAllowed(decision: Decision): Decision {
  return { ...decision, decision: "allow", reason: "allowed" };
}

/** Rewrites every deny with one of `reasons` into an allow. */
function allowsOn(...reasons: ReasonCode[]): EngineFactory {
  return (ir) =>
    rewriting(realEngine(ir), (decision) =>
      reasons.includes(decision.reason) ? wronglyAllowed(decision) : decision,
    );
}

/** Allows whatever no rule matched: default deny forgotten. */
export const allowsOnNoMatch: EngineFactory = allowsOn("no-matching-rule");

/** Never looks at the token's audience: a token for another service is as good as one for us. */
export const skipsAudienceCheck: EngineFactory = allowsOn("token-wrong-audience");

/** Accepts expired tokens. */
export const acceptsExpiredTokens: EngineFactory = allowsOn("token-expired");

/** Never checks the action against the token's scope. */
export const skipsScopeCheck: EngineFactory = allowsOn("token-scope-missing");

/** Ignores deny rules: the policy it is given has them removed (and its hash recomputed). */
export const ignoresDenyRules: EngineFactory = (ir) => {
  const allows = (rules: readonly Rule[]) => rules.filter((rule) => rule.effect === "allow");
  const services = ir.services.map((service) => ({
    ...service,
    ingress: allows(service.ingress),
    egress: allows(service.egress),
  }));
  const { hash: _old, ...rest } = { ...ir, services };
  return createEngine({ ...rest, hash: computeHash(rest) }, { now });
};

/** Decides a connection by the destination's ingress alone, forgetting the source's egress. */
export const connectionIgnoresEgress: EngineFactory = (ir) => {
  const engine = realEngine(ir);
  return {
    ...rewriting(engine, (decision) => decision),
    connection: (query) => engine.ingress(query),
  };
};

/** The policy with every rule passed through `change`, and its hash recomputed. */
function doctored(ir: Ir, change: (rule: Rule) => Rule): Ir {
  const services = ir.services.map((service) => ({
    ...service,
    ingress: service.ingress.map(change),
    egress: service.egress.map(change),
  }));
  const { hash: _old, ...rest } = { ...ir, services };
  return { ...rest, hash: computeHash(rest) };
}

/** Drops the condition of every allow rule, so conditional allows grant without a token. */
export const conditionalAllowsGrantWithoutToken: EngineFactory = (ir) =>
  createEngine(
    doctored(ir, (rule) => (rule.effect === "allow" ? { ...rule, when: null } : rule)),
    { now },
  );

/**
 * Reads "an unevaluable condition makes a deny match" as "any conditional rule denies", so a
 * conditional allow blocks what other rules allow: adding an allow can then close a door.
 */
export const conditionalAllowsActAsDenies: EngineFactory = (ir) =>
  createEngine(
    doctored(ir, (rule) => (rule.when !== null ? { ...rule, effect: "deny" } : rule)),
    { now },
  );

/**
 * Reads `any except X` in an allow rule as also denying X (the confusion of case 20 in the
 * shared cases), so an added allow can close a door another rule opened.
 */
export const exceptActsAsDeny: EngineFactory = (ir) => {
  const withDenies = (rules: readonly Rule[]): Rule[] =>
    rules.flatMap((rule) =>
      rule.effect === "allow" && rule.peers.kind === "any" && rule.peers.except.length > 0
        ? [
            rule,
            {
              ...rule,
              id: `${rule.id}/except`,
              effect: "deny" as const,
              peers: { kind: "services" as const, ids: rule.peers.except },
              when: null,
            },
          ]
        : [rule],
    );
  const services = ir.services.map((service) => ({
    ...service,
    ingress: withDenies(service.ingress),
    egress: withDenies(service.egress),
  }));
  const { hash: _old, ...rest } = { ...ir, services };
  return createEngine({ ...rest, hash: computeHash(rest) }, { now });
};
