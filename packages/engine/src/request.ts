import { type Decision, REASON_CODES, type ReasonCode } from "@palisade/ir";
import { parseAuthorization, type Verifier, type VerifyResult } from "@palisade/token";
import { deny, NO_MATCH, quote } from "./decisions.ts";
import { describe, type EngineState } from "./engine-state.ts";
import { type CheckedRequest, checkRequest } from "./query.ts";
import { considerRules, requestVerdict } from "./reference.ts";
import { decideRequestRules } from "./request-rules.ts";
import { findVerdict, INGRESS, type Segment, serviceNamed } from "./rule-index.ts";
import { type Trace, traceCheck } from "./trace.ts";

/** A request decision with what its record needs. */
export interface RequestOutcome {
  readonly decision: Decision;
  /** The checked query, or null when it was malformed. */
  readonly request: CheckedRequest | null;
  /** The verified token's `sub`, once a token has been verified. */
  readonly subject: string | null;
}

const TOKEN_CODES: ReadonlySet<string> = new Set(
  REASON_CODES.filter((code) => code.startsWith("token-")),
);

/**
 * Decides a request at its destination: the query, the bearer token (verified with the
 * destination as audience), the caller named by `sub` against any source or transport
 * identity the request names, the destination's ingress rules for that caller, port and
 * protocol, and finally the action against the token's and the rule's scopes.
 * `guardedService`, for a guard bound to one service, makes every request `unknown-service`
 * while the policy does not define that service.
 * Never rejects: any failure on the way is a deny.
 */
export async function decideRequest(
  state: EngineState,
  query: unknown,
  guardedService: string | null,
  trace: Trace,
): Promise<RequestOutcome> {
  let checked: ReturnType<typeof checkRequest>;
  try {
    checked = checkRequest(query);
  } catch (error) {
    checked = { ok: false, message: `the query cannot be read: ${quote(describe(error))}` };
  }
  const outcome = (decision: Decision, subject: string | null = null): RequestOutcome => ({
    decision,
    request: checked.ok ? checked.value : null,
    subject,
  });

  if (state.unavailable !== null) {
    traceCheck(trace, "policy", false, state.unavailable.message, "policy-unavailable");
    return outcome(state.unavailable);
  }
  if (trace !== null) traceCheck(trace, "policy", true, `policy \`${state.hash}\` is loaded`);
  if (guardedService !== null && serviceNamed(state.index, guardedService) === undefined) {
    const message = `${quote(guardedService)} is not a service of the loaded policy`;
    traceCheck(trace, "service", false, message, "unknown-service");
    return outcome(deny("unknown-service", message));
  }
  if (!checked.ok) {
    traceCheck(trace, "input", false, checked.message, "request-malformed");
    return outcome(deny("request-malformed", checked.message));
  }
  traceCheck(trace, "input", true, "the query is well formed");
  const request = checked.value;

  const verifier = state.verifier;
  if (verifier === null) {
    traceCheck(trace, "trust", false, state.noVerifier.message, state.noVerifier.reason);
    return outcome(state.noVerifier);
  }

  const parsed = parseAuthorization(request.authorization);
  if (!parsed.ok) {
    traceCheck(trace, "authorization", false, parsed.message, parsed.code);
    return outcome(deny(parsed.code, parsed.message));
  }
  traceCheck(trace, "authorization", true, "the request carries one bearer token");

  const verified = await verifySafely(verifier, parsed.token, request);
  if (!verified.ok) {
    traceCheck(trace, "token", false, verified.message, verified.code);
    return outcome(deny(verified.code, verified.message));
  }
  const { sub, scopes, claims } = verified;
  if (trace !== null) {
    traceCheck(trace, "token", true, `the token is valid for ${quote(request.destination)}`);
  }

  const mismatch = sourceMismatch(request, sub);
  if (mismatch !== null) {
    traceCheck(trace, "source", false, mismatch, "source-mismatch");
    return outcome(deny("source-mismatch", mismatch), sub);
  }
  if (trace !== null) {
    traceCheck(trace, "source", true, `the caller is the token's subject ${quote(sub)}`);
  }

  const service = serviceNamed(state.index, request.destination);
  if (service === undefined) {
    const message = `${quote(request.destination)} is not defined by the policy: no ingress rules`;
    traceCheck(trace, "ingress", false, message, "no-matching-rule");
    return outcome(NO_MATCH.ingress, sub);
  }
  const { ids, data, segments } = state.index;
  const owner = ids.get(request.destination) ?? -1;
  const caller = ids.get(sub) ?? -1;
  const found = findVerdict(data, INGRESS, owner, caller, request.port, request.protocolIndex);
  const segment = segments[found >> 2] as Segment;
  const decision = decideRequestRules(segment, claims, request.action, scopes);

  if (trace !== null) {
    const rules = service.ingressRules;
    const steps = considerRules(rules, sub, request.port, request.protocol, claims);
    trace.push(...steps);
    traceVerdict(trace, requestVerdict(rules, steps, request.action, scopes).decision);
  }
  return outcome(decision, sub);
}

type Verified =
  | {
      readonly ok: true;
      readonly sub: string;
      readonly scopes: readonly string[];
      readonly claims: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** Runs the verifier and checks what it returned, so a broken verifier still fails closed. */
async function verifySafely(
  verifier: Verifier,
  token: string,
  request: CheckedRequest,
): Promise<Verified> {
  let result: VerifyResult;
  try {
    result = await verifier.verify(token, request.destination);
  } catch (error) {
    const message = `the token could not be verified: ${quote(describe(error))}`;
    return { ok: false, code: "token-signature-invalid", message };
  }
  if (result.ok !== true) {
    const code = TOKEN_CODES.has(result.code) ? result.code : "token-signature-invalid";
    const message = typeof result.message === "string" ? result.message : "the token was refused";
    return { ok: false, code, message };
  }
  const { sub, scopes, claims } = result.claims;
  if (typeof sub !== "string" || sub === "") {
    return { ok: false, code: "token-malformed", message: "the token names no caller (`sub`)" };
  }
  if (!Array.isArray(scopes) || typeof claims !== "object" || claims === null) {
    return { ok: false, code: "token-malformed", message: "the token's claims are unreadable" };
  }
  return { ok: true, sub, scopes, claims };
}

function sourceMismatch(request: CheckedRequest, sub: string): string | null {
  const subject = `the token's subject ${quote(sub)}`;
  if (request.source !== null && request.source !== sub) {
    return `${subject} is not the request's source ${quote(request.source)}`;
  }
  const identity = request.transportIdentity;
  if (identity !== null && identity !== sub) {
    return `${subject} is not the transport identity ${quote(identity)}`;
  }
  return null;
}

/** The checks after the rules: did the ingress admit the caller, then the two scope checks. */
function traceVerdict(trace: NonNullable<Trace>, decision: Decision): void {
  if (decision.reason === "denied-by-rule" || decision.reason === "no-matching-rule") {
    traceCheck(trace, "ingress", false, decision.message, decision.reason);
    return;
  }
  traceCheck(trace, "ingress", true, "an ingress rule admits the caller");
  if (decision.reason === "token-scope-missing") {
    traceCheck(trace, "token-scope", false, decision.message, decision.reason);
    return;
  }
  traceCheck(trace, "token-scope", true, "the token's scope includes the action");
  const passed = decision.decision === "allow";
  traceCheck(trace, "rule-scope", passed, decision.message, passed ? null : decision.reason);
}
