import type { Decision } from "@palisade/ir";
import type { Style } from "./colour.ts";
import { formatLocation } from "./render-diagnostic.ts";

function field(input: Record<string, unknown>, name: string): string | null {
  const value = input[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

/**
 * A request as one short phrase for people: `connection gateway -> api-service:8080/tcp` or
 * `request -> api-service:8080 action orders:read`. Fields that are missing show as `?`; the
 * engine, not this summary, decides what is malformed.
 */
export function describeRequest(input: unknown): string {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return "a request that is not a JSON object";
  }
  const request = input as Record<string, unknown>;
  const type = field(request, "type") ?? "?";
  if (!["connection", "ingress", "egress", "request"].includes(type)) {
    return `a request of unknown type \`${type}\``;
  }
  const source = field(request, "source");
  const destination = field(request, "destination") ?? "?";
  const port = field(request, "port") ?? "?";
  const protocol = field(request, "protocol") ?? "tcp";
  if (type === "request") {
    const action = field(request, "action") ?? "?";
    const caller = source === null ? "" : `${source} `;
    return `request ${caller}-> ${destination}:${port}/${protocol} action ${action}`;
  }
  return `${type} ${source ?? "?"} -> ${destination}:${port}/${protocol}`;
}

/** `allow` in green or `deny` in red. */
export function verdict(decision: Decision, style: Style): string {
  return decision.decision === "allow" ? style.green("allow") : style.red("deny");
}

/** Where the deciding rule was written, `api-service/ingress/0 at file:8:5`, or null. */
export function describeRule(decision: Decision): string | null {
  if (decision.rule === null) return null;
  return `${decision.rule.id} at ${formatLocation(decision.rule.span)}`;
}

/** A decision on one line: verdict, reason, message and deciding rule. */
export function describeDecision(decision: Decision, style: Style): string {
  const rule = describeRule(decision);
  return `${verdict(decision, style)} ${style.bold(decision.reason)}: ${decision.message}${
    rule === null ? "" : style.dim(` (${rule})`)
  }`;
}

/** What to say about a decision that no rule made: default deny, or a refusal before rules. */
export function describeNoRule(decision: Decision): string {
  if (decision.reason === "no-matching-rule") {
    return "no rule allows it: whatever no rule allows is denied";
  }
  if (decision.reason.startsWith("token-")) {
    return "the token was refused before any rule was consulted";
  }
  return "decided before any rule applied";
}

/** `1 edge`, `2 edges`: a count with its noun. */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`;
}
