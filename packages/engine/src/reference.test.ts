import type { Condition, Protocol } from "@palisade/ir";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { combineEnds } from "./decisions.ts";
import { createEngine } from "./engine.ts";
import { considerRules, decideRequestFromSteps, decideSideFromSteps } from "./reference.ts";
import { decideRequestRules } from "./request-rules.ts";
import { buildIndex, findVerdict, INGRESS, type PolicyIndex } from "./rule-index.ts";
import { makeIr, type RuleSpec, type ServiceSpec } from "./testing/policy-fixtures.ts";

const NAMES = ["s0", "s1", "s2", "s3"];
const PEERS = [...NAMES, "outsider"];
const PORTS = [1, 2, 3, 5, 8, 9, 10, 13, 20, 21, 65534, 65535];

const portArb = fc.oneof(
  fc.integer({ min: 1, max: 21 }),
  fc
    .tuple(fc.integer({ min: 1, max: 21 }), fc.integer({ min: 0, max: 8 }))
    .map(([from, length]): [number, number] => [from, from + length]),
  fc.constant<[number, number]>([65530, 65535]),
);

const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.constant<Condition>({ kind: "has", claim: ["trial"] }),
  fc.constant<Condition>({ kind: "in", claim: ["tenant"], values: ["a", "b"] }),
  fc.constant<Condition>({ kind: "compare", claim: ["tier"], op: "!=", value: 1 }),
  fc.constant<Condition>({
    kind: "or",
    left: { kind: "not", operand: { kind: "has", claim: ["tenant"] } },
    right: { kind: "compare", claim: ["tenant"], op: "==", value: "a" },
  }),
);

const ruleArb: fc.Arbitrary<RuleSpec> = fc.record({
  effect: fc.constantFrom("allow" as const, "deny" as const),
  peers: fc.oneof(
    fc.uniqueArray(fc.constantFrom(...PEERS), { minLength: 1, maxLength: 3 }),
    fc.uniqueArray(fc.constantFrom(...PEERS), { maxLength: 2 }).map((except) => ({ except })),
  ),
  ports: fc.option(fc.array(portArb, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  protocols: fc.constantFrom<Protocol[]>(["tcp"], ["udp"], ["tcp", "udp"]),
  scopes: fc.option(fc.uniqueArray(fc.constantFrom("r", "w", "x"), { minLength: 1 }), {
    nil: null,
  }),
  when: fc.option(conditionArb, { nil: null, freq: 3 }),
  line: fc.integer({ min: 1, max: 6 }),
});

const servicesArb: fc.Arbitrary<Record<string, ServiceSpec>> = fc
  .tuple(
    ...NAMES.map(() =>
      fc.record({
        ingress: fc.array(ruleArb, { maxLength: 5 }),
        egress: fc.array(ruleArb, { maxLength: 3 }),
      }),
    ),
  )
  .map((specs) => Object.fromEntries(NAMES.map((name, at) => [name, specs[at] as ServiceSpec])));

const queryArb = fc.record({
  source: fc.constantFrom(...PEERS, "nobody"),
  destination: fc.constantFrom(...PEERS, "nobody"),
  port: fc.constantFrom(...PORTS),
  protocol: fc.constantFrom<Protocol>("tcp", "udp"),
});

const claimsArb = fc.record(
  {
    trial: fc.boolean(),
    tenant: fc.oneof(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 2 })),
    tier: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant("1")),
  },
  { requiredKeys: [] },
);

function indexOf(services: Record<string, ServiceSpec>): PolicyIndex {
  const built = buildIndex(makeIr(services, null));
  if ("error" in built) throw new Error(built.error);
  return built.index;
}

function referenceSide(
  index: PolicyIndex,
  side: "ingress" | "egress",
  owner: string,
  peer: string,
  port: number,
  protocol: Protocol,
) {
  const service = index.services.get(owner);
  if (service === undefined) return decideSideFromSteps([], [], side);
  const rules = side === "ingress" ? service.ingressRules : service.egressRules;
  return decideSideFromSteps(rules, considerRules(rules, peer, port, protocol, null), side);
}

describe("the indexed fast path agrees with the plain rule walk", () => {
  test("connection, ingress and egress decisions", () => {
    fc.assert(
      fc.property(
        servicesArb,
        fc.array(queryArb, { minLength: 1, maxLength: 30 }),
        (services, queries) => {
          const index = indexOf(services);
          const engine = createEngine(makeIr(services, null));
          for (const { source, destination, port, protocol } of queries) {
            const query = { source, destination, port, protocol };
            const egress = referenceSide(index, "egress", source, destination, port, protocol);
            const ingress = referenceSide(index, "ingress", destination, source, port, protocol);
            expect(engine.egress(query)).toEqual(egress);
            expect(engine.ingress(query)).toEqual(ingress);
            expect(engine.connection(query)).toEqual(combineEnds(egress, ingress));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("request decisions over random claims, scopes and actions", () => {
    fc.assert(
      fc.property(
        servicesArb,
        fc.array(
          fc.record({
            query: queryArb,
            claims: claimsArb,
            scopes: fc.uniqueArray(fc.constantFrom("r", "w", "x")),
            action: fc.constantFrom("r", "w", "x"),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (services, cases) => {
          const index = indexOf(services);
          for (const { query, claims, scopes, action } of cases) {
            const owner = index.ids.get(query.destination) ?? -1;
            const caller = index.ids.get(query.source) ?? -1;
            const protocol = query.protocol === "tcp" ? 0 : 1;
            const verdict = findVerdict(index.data, INGRESS, owner, caller, query.port, protocol);
            const segment = index.segments[verdict >> 2];
            if (segment === undefined) throw new Error("no segment");
            const fast = decideRequestRules(segment, claims, action, scopes);

            const service = index.services.get(query.destination);
            const rules = service?.ingressRules ?? [];
            const steps = considerRules(rules, query.source, query.port, query.protocol, claims);
            expect(fast).toEqual(decideRequestFromSteps(rules, steps, action, scopes));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
