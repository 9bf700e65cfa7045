/**
 * Property 7 of issue 6 for `decide`: arbitrary JSON never throws and never allows, unless it is
 * a well-formed layer-4 question that the reference allows too. (Arbitrary bearer tokens are in
 * `request-properties.ts`.)
 */
import { type Decision, type Ir, REASON_CODES } from "@palisade/ir";
import { SERVICE_ID_PATTERN } from "@palisade/syntax";
import fc from "fast-check";
import { expect } from "vitest";
import { type ConnectionQuery, policyWithQueries, QUERY_SERVICES } from "./arbitraries.ts";
import {
  compilePolicy,
  decisionSummary,
  type EngineFactory,
  type EngineRequest,
} from "./harness.ts";
import { referenceConnection, referenceEgress, referenceIngress } from "./reference.ts";
import { garbageAuthorization } from "./token-properties.ts";

const NETWORK_TYPES = ["connection", "ingress", "egress"] as const;

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

const junkPort: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 65536, 1.5, Number.NaN, "8080", " 1", "0x10", "1e3", null),
  fc.double(),
  fc.bigInt().map(String),
);

const junkType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("Connection", "connect", "requests", "", "ingress ", "__proto__"),
  junk,
);

/** One corruption of a well-formed question. */
type Corruption =
  | { readonly kind: "none" }
  | { readonly kind: "replace"; readonly field: string; readonly value: unknown }
  | { readonly kind: "drop"; readonly field: string }
  | { readonly kind: "extra"; readonly field: string; readonly value: unknown };

const FIELDS = ["type", "source", "destination", "port", "protocol"] as const;

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Corruption>({ kind: "none" }) },
  fc
    .constantFrom(...FIELDS)
    .chain((field) =>
      (field === "port" ? junkPort : field === "type" ? junkType : junk).map(
        (value): Corruption => ({ kind: "replace", field, value }),
      ),
    ),
  fc.constantFrom(...FIELDS).map((field): Corruption => ({ kind: "drop", field })),
  fc
    .record({
      field: fc.constantFrom("sourse", "Source", "headers", "action", "token", "__proto__", "rule"),
      value: junk,
    })
    .map((extra): Corruption => ({ kind: "extra", ...extra })),
);

function questionJson(type: string, query: ConnectionQuery, change: Corruption): unknown {
  const input: Record<string, unknown> = { type, ...query };
  if (change.kind === "replace") input[change.field] = change.value;
  if (change.kind === "drop") delete input[change.field];
  if (change.kind === "extra") {
    Object.defineProperty(input, change.field, {
      value: change.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return input;
}

const requestShaped: fc.Arbitrary<unknown> = fc.record(
  {
    type: fc.constant("request"),
    destination: fc.oneof(fc.constantFrom(...QUERY_SERVICES), junk),
    port: fc.oneof(fc.integer({ min: 1, max: 65535 }), junkPort),
    action: fc.oneof(fc.constantFrom("orders:read", "admin"), junk),
    source: fc.oneof(fc.constantFrom(...QUERY_SERVICES), junk),
    headers: fc.oneof(
      fc.record({ authorization: garbageAuthorization }),
      fc.record({ Authorization: garbageAuthorization, AUTHORIZATION: garbageAuthorization }),
      junk,
    ),
  },
  { requiredKeys: ["type"] },
);

/** Anything a caller could hand to `decide`. */
function decideInput(queries: readonly ConnectionQuery[]): fc.Arbitrary<unknown> {
  const shaped = fc
    .tuple(fc.constantFrom(...NETWORK_TYPES), fc.constantFrom(...queries), corruption)
    .map(([type, query, change]) => questionJson(type, query, change));
  return fc.oneof(
    { weight: 4, arbitrary: shaped },
    { weight: 2, arbitrary: requestShaped },
    fc.jsonValue(),
    fc.anything(),
    fc.constantFrom(undefined, null, "", "{}", [], 0),
  );
}

/** The question `input` states when it is a well-formed layer-4 question; otherwise null. */
export function strictNetworkQuestion(
  input: unknown,
  extraFields: "refused" | "ignored" = "refused",
): { type: (typeof NETWORK_TYPES)[number]; query: ConnectionQuery } | null {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return null;
  const fields = input as Record<string, unknown>;
  const allowed = new Set(["type", "source", "destination", "port", "protocol"]);
  const extra = Object.keys(fields).some((key) => !allowed.has(key));
  if (extra && extraFields === "refused") return null;
  const type = NETWORK_TYPES.find((known) => known === fields.type);
  const { source, destination, port, protocol } = fields;
  if (type === undefined || typeof source !== "string" || typeof destination !== "string") {
    return null;
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (protocol !== undefined && protocol !== "tcp" && protocol !== "udp") return null;
  const query: ConnectionQuery = { source, destination, port };
  return { type, query: protocol === undefined ? query : { ...query, protocol } };
}

const REFERENCE = {
  connection: referenceConnection,
  ingress: referenceIngress,
  egress: referenceEgress,
} as const;

function expectWellFormedDecision(decision: Decision): void {
  expect(["allow", "deny"]).toContain(decision.decision);
  expect(REASON_CODES).toContain(decision.reason);
  expect(typeof decision.message).toBe("string");
}

/**
 * Checks one answer against the strict reading of its input: an allow must come from a
 * well-formed layer-4 question the reference allows too; and a well-formed question naming
 * proper service ids must get exactly the reference's decision. `decide` refuses unknown
 * fields; the typed methods may ignore them.
 */
export function expectFailClosed(
  ir: Ir,
  input: unknown,
  decision: Decision,
  extraFields: "refused" | "ignored" = "refused",
): void {
  expectWellFormedDecision(decision);
  const question = strictNetworkQuestion(input, extraFields);
  if (decision.decision === "allow") {
    expect(question, "only a well-formed layer-4 question may be allowed").not.toBeNull();
  }
  if (!question) return;
  const properIds = [question.query.source, question.query.destination].every((id) =>
    SERVICE_ID_PATTERN.test(id),
  );
  if (decision.decision === "allow" || properIds) {
    expect({ input, ...decisionSummary(decision) }).toEqual({
      input,
      ...decisionSummary(REFERENCE[question.type](ir, question.query)),
    });
  }
}

/** 7. Arbitrary JSON given to `decide`: never a throw, never an allow the reference denies. */
export function decideFailsClosed(makeEngine: EngineFactory) {
  const scenario = policyWithQueries().chain(({ policy, queries }) =>
    fc.record({
      policy: fc.constant(policy),
      inputs: fc.array(decideInput(queries), { minLength: 1, maxLength: 10 }),
    }),
  );
  return fc.asyncProperty(scenario, async ({ policy, inputs }) => {
    const ir = compilePolicy(policy);
    const engine = makeEngine(ir);
    for (const input of inputs) {
      const decision = await engine.decide(input);
      expectFailClosed(ir, input, decision);
    }
  });
}

/**
 * 7. The same inputs handed straight to `connection`, `ingress`, `egress` and `request` (as a
 * caller that skips type checks could): never a throw, and an allow only for a well-formed
 * layer-4 question the reference allows. A request never carries a valid token here.
 */
export function directCallsFailClosed(makeEngine: EngineFactory) {
  const scenario = policyWithQueries().chain(({ policy, queries }) =>
    fc.record({
      policy: fc.constant(policy),
      inputs: fc.array(decideInput(queries), { minLength: 1, maxLength: 10 }),
    }),
  );
  return fc.asyncProperty(scenario, async ({ policy, inputs }) => {
    const ir = compilePolicy(policy);
    const engine = makeEngine(ir);
    for (const input of inputs) {
      const fields =
        typeof input === "object" && input !== null && !Array.isArray(input)
          ? (input as Record<string, unknown>)
          : null;
      for (const type of NETWORK_TYPES) {
        const asked = engine[type](input as ConnectionQuery);
        // A typed call has no `type` member, and nothing says it refuses members it never reads.
        const stated = fields ? { ...fields, type } : input;
        expectFailClosed(ir, stated, asked, "ignored");
      }
      const requested = await engine.request(input as EngineRequest);
      expectWellFormedDecision(requested);
      expect({ input, decision: requested.decision }).toEqual({ input, decision: "deny" });
    }
  });
}
