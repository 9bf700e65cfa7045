import type { Condition, Peers, PortRange, Protocol } from "@palisade/ir";
import type { Diagnostic, Rule, Span } from "@palisade/syntax";
import { error } from "./codes.ts";
import { toCondition } from "./conditions.ts";
import type { PolicySet, ResolvedRule, RuleDraft, ServiceDraft } from "./policy-set.ts";
import { ALL_PORTS, normalizeRanges } from "./port-ranges.ts";
import { joinSpans } from "./spans.ts";

/** Services with their rules in canonical draft form, and what expanding found wrong. */
export interface ExpandResult {
  readonly services: ServiceDraft[];
  readonly diagnostics: Diagnostic[];
}

const ALL_PORTS_HELP = "write `ports 1..65535` to allow all ports";

/**
 * Puts every resolved rule into the IR's terms: ports become merged sorted ranges, protocols
 * default to TCP, scopes are sorted and deduplicated, conditions lose their spans. Peers that
 * end up with the same ports share one draft; peers with different ports (written per peer, or
 * a named port that differs between egress destinations) get separate drafts, and `any` always
 * gets its own. An allow rule must state its ports; a deny rule without ports covers them all.
 */
export function expand(set: PolicySet, resolved: readonly ResolvedRule[]): ExpandResult {
  const diagnostics: Diagnostic[] = [];
  const drafts = new Map<string, { ingress: RuleDraft[]; egress: RuleDraft[] }>();
  for (const service of set.services) drafts.set(service.id, { ingress: [], egress: [] });

  for (const entry of resolved) {
    const side = drafts.get(entry.service.id);
    if (!side) continue;
    const target = side[entry.rule.direction];
    for (const draft of expandRule(entry, diagnostics)) target.push(draft);
  }

  const services = set.services.map((decl) => {
    const side = drafts.get(decl.id) ?? { ingress: [], egress: [] };
    return { decl, ingress: side.ingress, egress: side.egress };
  });
  return { services, diagnostics };
}

function expandRule(entry: ResolvedRule, diagnostics: Diagnostic[]): RuleDraft[] {
  const { rule } = entry;
  if (rule.peers.length === 0) {
    diagnostics.push(error("check/empty-peer-list", "this rule names no peers", rule.span));
    return [];
  }

  const protocols = expandProtocols(rule, diagnostics);
  const scopes = expandScopes(rule, diagnostics);
  const when = rule.when ? toCondition(rule.when, diagnostics) : null;
  checkPortsStated(entry, diagnostics);

  // Union per named peer first, so a peer written twice in one rule is one peer.
  const byId = new Map<string, { ranges: PortRange[]; span: Span }>();
  const anyPeers: { except: string[]; ranges: PortRange[]; span: Span }[] = [];
  for (const { peer, ports } of entry.peers) {
    let ranges: PortRange[];
    if (ports === null) {
      if (rule.effect === "allow") continue;
      ranges = ALL_PORTS.map(([from, to]) => [from, to]);
    } else {
      const written: PortRange[] = [];
      for (const port of ports) written.push([port.from, port.to]);
      ranges = normalizeRanges(written);
      if (ranges.length === 0) continue;
    }
    if (peer.kind === "AnyPeer") {
      const except = [...new Set(peer.except.map((id) => id.value))].sort();
      anyPeers.push({ except, ranges, span: peer.span });
      continue;
    }
    const seen = byId.get(peer.id);
    byId.set(peer.id, {
      ranges: seen ? normalizeRanges([...seen.ranges, ...ranges]) : ranges,
      span: seen?.span ?? peer.span,
    });
  }

  const groups = new Map<string, { ranges: PortRange[]; ids: string[] }>();
  for (const [id, { ranges }] of byId) {
    const key = rangesKey(ranges);
    const group = groups.get(key);
    if (group) group.ids.push(id);
    else groups.set(key, { ranges, ids: [id] });
  }

  const out: RuleDraft[] = [];
  for (const { ranges, ids } of groups.values()) {
    ids.sort();
    const spans = ids.map((id) => (byId.get(id) as { span: Span }).span);
    out.push(makeDraft(entry, protocols, scopes, when, { kind: "services", ids }, ranges, spans));
  }
  for (const any of anyPeers) {
    const peers: Peers = { kind: "any", except: any.except };
    out.push(makeDraft(entry, protocols, scopes, when, peers, any.ranges, [any.span]));
  }
  return out;
}

function makeDraft(
  { rule, service }: ResolvedRule,
  protocols: readonly Protocol[],
  scopes: readonly string[] | null,
  when: Condition | null,
  peers: Peers,
  ports: readonly PortRange[],
  peerSpans: readonly Span[],
): RuleDraft {
  return {
    service: service.id,
    direction: rule.direction,
    effect: rule.effect,
    peers,
    ports,
    protocols,
    scopes,
    when,
    source: rule,
    peerSpans,
  };
}

/** A cheap exact key for a normalised port list. */
function rangesKey(ranges: readonly PortRange[]): string {
  let key = "";
  for (const [from, to] of ranges) key += `${from}-${to},`;
  return key;
}

function expandProtocols(rule: Rule, diagnostics: Diagnostic[]): Protocol[] {
  if (rule.protocols === null) return ["tcp"];
  if (rule.protocols.length === 0) {
    diagnostics.push(
      error("check/empty-protocol-list", "the protocol list of this rule is empty", rule.span, {
        help: "leave the protocols out for TCP, or list `tcp`, `udp` or both",
      }),
    );
    return ["tcp"];
  }
  return [...new Set(rule.protocols.map((p) => p.value))].sort();
}

function expandScopes(rule: Rule, diagnostics: Diagnostic[]): string[] | null {
  if (rule.scopes === null) return null;
  const [first] = rule.scopes;
  const last = rule.scopes[rule.scopes.length - 1];
  if (!first || !last) {
    diagnostics.push(
      error("check/empty-scope-list", "the scope list of this rule is empty", rule.span, {
        help: "leave `scopes` out to accept any scope the token carries",
      }),
    );
    return null;
  }
  if (rule.direction === "egress") {
    diagnostics.push(
      error(
        "check/scopes-on-egress",
        "scopes belong on ingress rules: an egress rule is decided without a token",
        joinSpans(first.span, last.span),
        { help: "move the scopes to the destination's ingress rule" },
      ),
    );
  }
  return [...new Set(rule.scopes.map((s) => s.value))].sort();
}

/** An allow rule must give ports, on the rule or on every peer. */
function checkPortsStated(entry: ResolvedRule, diagnostics: Diagnostic[]): void {
  const { rule } = entry;
  if (rule.effect !== "allow" || rule.ports !== null) return;
  const portless = entry.peers.filter((p) => p.ports === null);
  if (portless.length === 0) return;
  if (portless.length === entry.peers.length) {
    diagnostics.push(
      error("check/allow-without-ports", "this `allow` rule gives no ports", rule.span, {
        help: ALL_PORTS_HELP,
      }),
    );
    return;
  }
  for (const { peer } of portless) {
    const name = peer.kind === "ServicePeer" ? `\`${peer.id}\`` : "`any`";
    diagnostics.push(
      error("check/allow-without-ports", `${name} has no ports in this \`allow\` rule`, peer.span, {
        help: `give it ports in parentheses, or ${ALL_PORTS_HELP}`,
      }),
    );
  }
}
