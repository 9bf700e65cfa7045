import type { Decision, Protocol } from "@palisade/ir";
import { quote, type Side } from "./decisions.ts";
import { considerRules, decideSideFromSteps } from "./reference.ts";
import {
  combineVerdicts,
  EGRESS,
  findVerdict,
  INGRESS,
  type PolicyIndex,
  serviceNamed,
} from "./rule-index.ts";
import { type Trace, traceCheck } from "./trace.ts";

/** The kinds of question answered without a token. */
export type ConnectionKind = "connection" | "ingress" | "egress";

/**
 * Decides a checked connection-style question from the index, allocating nothing. The rules
 * of the source's egress and of the destination's ingress apply; a service the policy does not
 * define has no rules, so nothing is allowed at its end.
 */
export function decideConnection(
  index: PolicyIndex,
  kind: ConnectionKind,
  source: string,
  destination: string,
  port: number,
  protocol: number,
): Decision {
  const { data, l4 } = index;
  const from = index.ids.get(source) ?? -1;
  const to = index.ids.get(destination) ?? -1;
  if (kind === "ingress") {
    return l4[findVerdict(data, INGRESS, to, from, port, protocol) >> 2] as Decision;
  }
  const egress = findVerdict(data, EGRESS, from, to, port, protocol);
  if (kind === "egress") return l4[egress >> 2] as Decision;
  const ingress = findVerdict(data, INGRESS, to, from, port, protocol);
  return l4[combineVerdicts(egress, ingress)] as Decision;
}

/**
 * Writes the rule-by-rule steps of a checked connection-style question into `trace`: each
 * rule of the ends asked about, then whether that end allows.
 */
export function traceConnection(
  index: PolicyIndex,
  kind: ConnectionKind,
  source: string,
  destination: string,
  port: number,
  protocol: Protocol,
  trace: NonNullable<Trace>,
): void {
  if (kind !== "ingress") traceSide(index, "egress", source, destination, port, protocol, trace);
  if (kind !== "egress") traceSide(index, "ingress", destination, source, port, protocol, trace);
}

function traceSide(
  index: PolicyIndex,
  side: Side,
  owner: string,
  peer: string,
  port: number,
  protocol: Protocol,
  trace: NonNullable<Trace>,
): void {
  const service = serviceNamed(index, owner);
  if (service === undefined) {
    const message = `${quote(owner)} is not defined by the policy, so it has no ${side} rules`;
    traceCheck(trace, side, false, message, "no-matching-rule");
    return;
  }
  const rules = side === "ingress" ? service.ingressRules : service.egressRules;
  const steps = considerRules(rules, peer, port, protocol, null);
  trace.push(...steps);
  const decision = decideSideFromSteps(rules, steps, side);
  const passed = decision.decision === "allow";
  traceCheck(trace, side, passed, decision.message, passed ? null : decision.reason);
}
