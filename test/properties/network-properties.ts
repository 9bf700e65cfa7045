/**
 * The layer-4 properties (connections, ingress, egress; no token), as functions of the engine
 * under test so the mutant tests can run them against deliberately broken engines.
 * Numbers follow issue 6.
 */
import type { Decision, Ir } from "@palisade/ir";
import {
  SERVICE_ID_PATTERN,
  type ServiceDecl,
  type Source,
  type Rule as SyntaxRule,
} from "@palisade/syntax";
import fc from "fast-check";
import { expect } from "vitest";
import {
  type ConnectionQuery,
  catalogOf,
  condition,
  type GeneratedPolicy,
  interestingPorts,
  layout,
  type PolicyOptions,
  policyWithQueries,
  QUERY_SERVICES,
  rule,
  SPAN,
  trustBlock,
} from "./arbitraries.ts";
import { expandPolicy } from "./expand-policy.ts";
import {
  compilePolicy,
  compileSources,
  decisionSummary,
  type EngineFactory,
  type EngineUnderTest,
  sourcesOf,
} from "./harness.ts";
import { printDsl } from "./print-dsl.ts";
import {
  egressQuestion,
  findRule,
  ingressQuestion,
  matchingRules,
  referenceConnection,
  referenceEgress,
  referenceIngress,
  ruleApplies,
  type SideQuestion,
} from "./reference.ts";

/** The three layer-4 questions an engine answers. */
export const NETWORK_KINDS = ["connection", "ingress", "egress"] as const;
/** One of the three layer-4 questions. */
export type NetworkKind = (typeof NETWORK_KINDS)[number];

function ask(engine: EngineUnderTest, kind: NetworkKind, query: ConnectionQuery): Decision {
  return engine[kind](query);
}

/** Policy sets with no services at all, in several spellings. */
export function emptyPolicySources(): Source[][] {
  const trustOnly = printDsl({
    kind: "PolicyFile",
    file: "trust.policy",
    trust: [
      trustBlock({
        algorithms: ["ES256"],
        maxTokenAge: 300,
        clockSkew: 30,
        multipleAudiences: false,
      }),
    ],
    services: [],
    span: SPAN,
  });
  return [
    [{ file: "empty.policy", text: "" }],
    [{ file: "comments.policy", text: "# nothing here\n\n# at all\n" }],
    [{ file: "empty.yaml", text: "" }],
    [{ file: "trust.policy", text: trustOnly }],
  ];
}

const anyServiceId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...QUERY_SERVICES) },
  fc.string({ maxLength: 12 }),
);

const anyNetworkQuery: fc.Arbitrary<ConnectionQuery> = fc.record(
  {
    source: anyServiceId,
    destination: anyServiceId,
    port: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom("tcp" as const, "udp" as const),
  },
  { requiredKeys: ["source", "destination", "port"] },
);

/** 1. An empty policy set denies every connection, ingress and egress question. */
export function emptyPolicyDeniesNetwork(makeEngine: EngineFactory) {
  const engines = emptyPolicySources().map((sources) => makeEngine(compileSources(sources)));
  return fc.property(
    fc.constantFrom(...engines.keys()),
    fc.constantFrom(...NETWORK_KINDS),
    anyNetworkQuery,
    (which, kind, query) => {
      const engine = engines[which];
      if (!engine) throw new Error("no engine");
      const decision = decisionSummary(ask(engine, kind, query));
      const properIds = [query.source, query.destination].every((id) =>
        SERVICE_ID_PATTERN.test(id),
      );
      // An id that cannot name a service may be refused as malformed; either way, a deny.
      const reason = properIds ? "no-matching-rule" : decision.reason;
      expect(["no-matching-rule", "request-malformed"]).toContain(decision.reason);
      expect(decision).toEqual({ decision: "deny", reason, ruleId: null });
    },
  );
}

/** Checks that a side has a granting allow named `ruleId` and no matching deny. */
function expectSoundSide(ir: Ir, question: SideQuestion, ruleId: string | null) {
  const { denies, grants } = matchingRules(ir, question, null);
  expect(denies.map((found) => found.id)).toEqual([]);
  if (ruleId === null) return;
  const found = findRule(ir, ruleId);
  expect(found, `rule \`${ruleId}\` exists`).not.toBeNull();
  if (!found) return;
  expect(found.rule.effect).toBe("allow");
  expect(found.service.id).toBe(question.owner);
  expect(found.side).toBe(question.side);
  expect(ruleApplies(found.rule, question.peer, question.port, question.protocol)).toBe(true);
  expect(grants.map((granted) => granted.id)).toContain(ruleId);
}

/** Checks every layer-4 allow of `engine` on `query` for soundness. */
export function expectSoundNetworkAllows(
  ir: Ir,
  engine: EngineUnderTest,
  query: ConnectionQuery,
): void {
  for (const kind of NETWORK_KINDS) {
    const decision = ask(engine, kind, query);
    if (decision.decision !== "allow") continue;
    expect(decision.reason).toBe("allowed");
    const ruleId = decision.rule?.id ?? null;
    expect(ruleId, `${kind} allow names its rule`).not.toBeNull();
    if (kind === "egress") expectSoundSide(ir, egressQuestion(query), ruleId);
    if (kind === "ingress") expectSoundSide(ir, ingressQuestion(query), ruleId);
    if (kind === "connection") {
      const side = ruleId === null ? null : findRule(ir, ruleId)?.side;
      expectSoundSide(ir, egressQuestion(query), side === "egress" ? ruleId : null);
      expectSoundSide(ir, ingressQuestion(query), side === "ingress" ? ruleId : null);
      expect(side === "ingress" || side === "egress", "the named rule is on one side").toBe(true);
      const { grants: egressGrants } = matchingRules(ir, egressQuestion(query), null);
      const { grants: ingressGrants } = matchingRules(ir, ingressQuestion(query), null);
      expect(egressGrants.length > 0 && ingressGrants.length > 0).toBe(true);
    }
  }
}

/** 2. Soundness: every layer-4 allow names an existing allow rule that matches, and no deny. */
export function networkAllowsAreSound(makeEngine: EngineFactory) {
  return fc.property(policyWithQueries(), ({ policy, queries }) => {
    const ir = compilePolicy(policy);
    const engine = makeEngine(ir);
    for (const query of queries) expectSoundNetworkAllows(ir, engine, query);
  });
}

const REFERENCE = {
  connection: referenceConnection,
  ingress: referenceIngress,
  egress: referenceEgress,
} as const;

/**
 * 3. Differential: the engine agrees with the reference on the compiled IR (decision, reason,
 * rule id), and with the reference on the test's own expansion of the policy (decision, reason).
 */
export function networkMatchesReference(makeEngine: EngineFactory) {
  const scenario = policyWithQueries().chain((generated) =>
    layout(generated.policy.services.length).map((split) => ({ ...generated, split })),
  );
  return fc.property(scenario, ({ policy, queries, split }) => {
    const ir = compileSources(sourcesOf(policy, split));
    const expanded = expandPolicy(policy);
    const engine = makeEngine(ir);
    for (const query of queries) {
      for (const kind of NETWORK_KINDS) {
        const actual = decisionSummary(ask(engine, kind, query));
        const expected = decisionSummary(REFERENCE[kind](ir, query));
        expect({ kind, query, ...actual }).toEqual({ kind, query, ...expected });
        const fromSource = decisionSummary(REFERENCE[kind](expanded, query));
        expect({ kind, query, decision: actual.decision, reason: actual.reason }).toEqual({
          kind,
          query,
          decision: fromSource.decision,
          reason: fromSource.reason,
        });
      }
    }
  });
}

/** A change to one service's rules. */
export type PolicyChange =
  | { readonly kind: "add"; readonly service: number; readonly rule: SyntaxRule }
  | {
      readonly kind: "remove";
      readonly service: number;
      readonly side: "ingress" | "egress";
      readonly index: number;
    };

/** One rule added to, or removed from, a service of `policy`. */
export function changeFor(policy: GeneratedPolicy): fc.Arbitrary<PolicyChange> {
  const catalog = catalogOf(policy);
  const pick = fc.integer({ min: 0, max: policy.services.length - 1 });
  const add = fc
    .tuple(pick, fc.constantFrom("ingress" as const, "egress" as const))
    .chain(([service, side]) =>
      rule(side, policy.services[service]?.id ?? "", catalog).map(
        (added): PolicyChange => ({
          kind: "add",
          service,
          // Without trust settings, a rule may not need a token.
          rule: policy.trust === null ? { ...added, when: null, scopes: null } : added,
        }),
      ),
    );
  const removable = policy.services.flatMap((declared, service) =>
    (["ingress", "egress"] as const).flatMap((side) =>
      declared[side].map((_, index): PolicyChange => ({ kind: "remove", service, side, index })),
    ),
  );
  if (removable.length === 0) return add;
  return fc.oneof(add, variantOfExisting(policy, removable), fc.constantFrom(...removable));
}

/** Whether a rule states ports everywhere, as an allow rule must. */
function statesPorts(existing: SyntaxRule): boolean {
  return existing.ports !== null || existing.peers.every((peer) => peer.ports !== null);
}

/**
 * An added rule that copies an existing rule's peers and ports with another effect or condition,
 * so that it overlaps what the policy already decides (where monotonicity faults show).
 */
function variantOfExisting(
  policy: GeneratedPolicy,
  existing: readonly PolicyChange[],
): fc.Arbitrary<PolicyChange> {
  const conditions = policy.trust === null ? fc.constant(null) : fc.option(condition(2));
  return fc
    .record({
      source: fc.constantFrom(...existing),
      effect: fc.constantFrom("allow" as const, "deny" as const),
      when: conditions,
    })
    .map(({ source, effect, when }): PolicyChange => {
      if (source.kind !== "remove") return source;
      const copied = policy.services[source.service]?.[source.side][source.index];
      if (!copied) return source;
      const chosen = effect === "allow" && !statesPorts(copied) ? "deny" : effect;
      // A deny rule cannot list scopes (a compile error), so a copied deny drops them.
      const scopes = chosen === "deny" ? null : copied.scopes;
      return {
        kind: "add",
        service: source.service,
        rule: { ...copied, effect: chosen, scopes, when },
      };
    });
}

/**
 * Queries between the owner of the changed rule and that rule's peers, on the ports the changed
 * policy mentions: the questions a change is most likely to affect.
 */
function queriesTouching(
  policy: GeneratedPolicy,
  change: PolicyChange,
): fc.Arbitrary<ConnectionQuery[]> {
  const owner = policy.services[change.service]?.id ?? "";
  const changed =
    change.kind === "add"
      ? change.rule
      : policy.services[change.service]?.[change.side][change.index];
  if (!changed) return fc.constant([]);
  const named = changed.peers.flatMap((peer) => (peer.kind === "ServicePeer" ? [peer.id] : []));
  const anyPeer = changed.peers.some((peer) => peer.kind === "AnyPeer");
  const peers = anyPeer ? [...named, ...QUERY_SERVICES] : named;
  const ports = interestingPorts(applyChange(policy, change));
  const query = fc
    .record({
      peer: fc.constantFrom(...peers),
      port: fc.constantFrom(...ports),
      protocol: fc.constantFrom("tcp" as const, "udp" as const),
    })
    .map(
      ({ peer, port, protocol }): ConnectionQuery =>
        changed.direction === "ingress"
          ? { source: peer, destination: owner, port, protocol }
          : { source: owner, destination: peer, port, protocol },
    );
  return fc.array(query, { maxLength: 10 });
}

/** The policy with one change applied. */
export function applyChange(policy: GeneratedPolicy, change: PolicyChange): GeneratedPolicy {
  const services = policy.services.map((declared, at): ServiceDecl => {
    if (at !== change.service) return declared;
    if (change.kind === "add") {
      const side = change.rule.direction;
      return { ...declared, [side]: [...declared[side], change.rule] };
    }
    return {
      ...declared,
      [change.side]: declared[change.side].filter((_, i) => i !== change.index),
    };
  });
  return { ...policy, services };
}

/** The effect of the rule a change adds or removes. */
export function changedEffect(policy: GeneratedPolicy, change: PolicyChange): "allow" | "deny" {
  if (change.kind === "add") return change.rule.effect;
  const removed = policy.services[change.service]?.[change.side][change.index];
  if (!removed) throw new Error("no such rule to remove");
  return removed.effect;
}

/**
 * The decision a change may never reach from `before`: adding an allow or removing a deny only
 * opens, so it never turns an allow into a deny; adding a deny or removing an allow only closes,
 * so it never turns a deny into an allow.
 */
export function forbiddenFlip(
  change: PolicyChange,
  effect: "allow" | "deny",
): { from: "allow" | "deny"; to: "allow" | "deny" } {
  const opens = (change.kind === "add") === (effect === "allow");
  return opens ? { from: "allow", to: "deny" } : { from: "deny", to: "allow" };
}

/** 4. Monotonicity at layer 4, for one added or removed rule of either effect. */
export function networkIsMonotonic(makeEngine: EngineFactory, options: PolicyOptions = {}) {
  const scenario = policyWithQueries(options).chain(({ policy, queries: random }) =>
    changeFor(policy).chain((change) =>
      queriesTouching(policy, change).map((near) => ({
        policy,
        queries: [...near, ...random],
        change,
      })),
    ),
  );
  return fc.property(scenario, ({ policy, queries, change }) => {
    const changed = applyChange(policy, change);
    const before = makeEngine(compilePolicy(policy));
    const after = makeEngine(compilePolicy(changed));
    const flip = forbiddenFlip(change, changedEffect(policy, change));
    for (const query of queries) {
      for (const kind of NETWORK_KINDS) {
        const was = ask(before, kind, query).decision;
        const now = ask(after, kind, query).decision;
        const flipped = was === flip.from && now === flip.to;
        expect({ kind, query, flipped }).toEqual({ kind, query, flipped: false });
      }
    }
  });
}

/** 5. A connection is allowed exactly when egress and ingress both allow it. */
export function connectionNeedsBothEnds(makeEngine: EngineFactory) {
  return fc.property(policyWithQueries(), ({ policy, queries }) => {
    const engine = makeEngine(compilePolicy(policy));
    for (const query of queries) {
      const connection = engine.connection(query);
      const egress = engine.egress(query);
      const ingress = engine.ingress(query);
      const both = egress.decision === "allow" && ingress.decision === "allow";
      expect({ query, connection: connection.decision }).toEqual({
        query,
        connection: both ? "allow" : "deny",
      });
      if (!both) {
        const denying = [egress, ingress].filter((side) => side.decision === "deny");
        expect(denying.map((side) => side.reason)).toContain(connection.reason);
      }
    }
  });
}
