import { type Condition, canonicalJson, type Ir, type PortRange } from "@palisade/ir";
import { intersectRanges, normalizeRanges } from "../port-ranges.ts";
import { allowedEdges, compareEdges, type Edge } from "./edges.ts";

/**
 * How the conditions differ on ports and scopes both policies allow. Which of two arbitrary
 * conditions is wider cannot be decided, so any condition `next` grants under that `old` did not
 * counts as widening, and so does any token-dependent deny of `old` that `next` lacks or words
 * differently. Only a stricter allow (fewer ways to be granted) or a new deny narrows.
 */
export type ConditionChangeKind =
  /** Widens: `next` grants without a condition what `old` granted only under one. */
  | "allow-condition-removed"
  /** Widens: `next` grants under a condition `old` did not have. */
  | "allow-condition-changed"
  /** Narrows: `next` grants under fewer of `old`'s conditions and under no new one. */
  | "allow-condition-narrowed"
  /** Widens: a token-dependent deny of `old` is gone in `next`. */
  | "deny-removed"
  /** Widens: a token-dependent deny of `old` is gone and a different one is in `next`. */
  | "deny-changed"
  /** Narrows: `next` adds a token-dependent deny and keeps all of `old`'s. */
  | "deny-added";

const WIDENING: ReadonlySet<ConditionChangeKind> = new Set<ConditionChangeKind>([
  "allow-condition-removed",
  "allow-condition-changed",
  "deny-removed",
  "deny-changed",
]);

/** True when a condition change can let through a request the old policy denied. */
export function conditionChangeWidens(kind: ConditionChangeKind): boolean {
  return WIDENING.has(kind);
}

/**
 * Part of an edge that one policy allows and the other does not. `scopes` null with
 * `exceptScopes` listed means every action but those (the other policy allows those already).
 */
export interface EdgeChange extends Edge {
  readonly exceptScopes: string[];
}

/** Ports and scopes both policies allow, under conditions that differ. */
export interface ConditionChange extends EdgeChange {
  /** Sorted; an edge can change in several ways at once. */
  readonly kinds: ConditionChangeKind[];
  /** True when any of `kinds` widens. */
  readonly widens: boolean;
}

/** What one policy allows that the other does not, as edges, and the conditions that changed. */
export interface IrDiff {
  /** Allowed by `next` and not by `old` (edges name the rules of `next`). */
  readonly added: EdgeChange[];
  /** Allowed by `old` and not by `next` (edges name the rules of `old`). */
  readonly removed: EdgeChange[];
  /** Allowed by both, under other conditions (edges name the rules of `next`). */
  readonly changed: ConditionChange[];
  /** True when `next` may allow a request `old` denied: anything added or a widening change. */
  readonly widens: boolean;
}

/** Who may use a port for one action: the allows' conditions and the denies' conditions. */
interface Grant {
  readonly allows: ReadonlySet<string>;
  readonly denies: ReadonlySet<string>;
}

type Outcome =
  | { readonly kind: "added" | "removed"; readonly conditional: boolean }
  | { readonly kind: "changed"; readonly conditional: boolean; kinds: ConditionChangeKind[] };

/** The key of a missing condition: the rule applies to every token. */
const ALWAYS = "always";

/**
 * Compares what two IRs allow, not how they are written. For each source, destination and
 * protocol, the ports are cut where any edge or token-dependent deny starts or ends, and each
 * piece is compared per action: every scope either policy names, plus "any other action".
 * A piece only `next` grants is added, one only `old` grants is removed, and one both grant
 * under different allow conditions or token-dependent denies is changed. Pieces with the same
 * outcome are put back together, so a widened range shows only the added ports, a new scope shows
 * only that scope, and rule scopes dropped entirely (every action allowed) show as
 * `scopes: null` except the scopes already allowed.
 */
export function diffIr(old: Ir, next: Ir): IrDiff {
  const before = byLink(allowedEdges(old));
  const after = byLink(allowedEdges(next));
  const added: EdgeChange[] = [];
  const removed: EdgeChange[] = [];
  const changed: ConditionChange[] = [];
  for (const link of new Set([...before.keys(), ...after.keys()])) {
    diffLink(before.get(link) ?? [], after.get(link) ?? [], { added, removed, changed });
  }
  added.sort(compareEdges);
  removed.sort(compareEdges);
  changed.sort(compareEdges);
  return { added, removed, changed, widens: added.length > 0 || changed.some((c) => c.widens) };
}

/** Edges grouped by source, destination and protocol. */
function byLink(edges: readonly Edge[]): Map<string, Edge[]> {
  const links = new Map<string, Edge[]>();
  for (const edge of edges) {
    const key = JSON.stringify([edge.source, edge.destination, edge.protocol]);
    const list = links.get(key);
    if (list) list.push(edge);
    else links.set(key, [edge]);
  }
  return links;
}

interface Sink {
  readonly added: EdgeChange[];
  readonly removed: EdgeChange[];
  readonly changed: ConditionChange[];
}

/** Compares the edges of one source, destination and protocol. */
function diffLink(old: readonly Edge[], next: readonly Edge[], sink: Sink): void {
  const all = [...old, ...next];
  const cuts = new Set<number>();
  const named = new Set<string>();
  for (const edge of all) {
    for (const [from, to] of edge.ports) cuts.add(from).add(to + 1);
    for (const scope of edge.scopes ?? []) named.add(scope);
    for (const restriction of edge.restrictions) {
      for (const [from, to] of restriction.ports) cuts.add(from).add(to + 1);
      for (const scope of restriction.scopes ?? []) named.add(scope);
    }
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const scopes: (string | null)[] = [...[...named].sort(), null];

  // Outcome (as a key) to the ports and scopes that have it.
  const groups = new Map<
    string,
    { outcome: Outcome; ports: PortRange[]; scopes: Set<string | null> }
  >();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] ?? 0;
    const piece: PortRange = [from, (bounds[i + 1] ?? from + 1) - 1];
    // Outcomes of this piece, to the scopes having each.
    const here = new Map<string, { outcome: Outcome; scopes: Set<string | null> }>();
    for (const scope of scopes) {
      const outcome = compare(grantAt(old, from, scope), grantAt(next, from, scope));
      if (outcome === null) continue;
      const key = JSON.stringify(outcome);
      const entry = here.get(key);
      if (entry) entry.scopes.add(scope);
      else here.set(key, { outcome, scopes: new Set([scope]) });
    }
    for (const { outcome, scopes: which } of here.values()) {
      const key = JSON.stringify([outcome, [...which].map(String).sort()]);
      const group = groups.get(key);
      if (group) group.ports.push(piece);
      else groups.set(key, { outcome, ports: [piece], scopes: which });
    }
  }

  for (const { outcome, ports: pieces, scopes: which } of groups.values()) {
    const ports = normalizeRanges(pieces);
    const side = outcome.kind === "removed" ? old : next;
    const listed = [...which].filter((s): s is string => s !== null).sort();
    const anyAction = which.has(null);
    const edge = edgeOver(side, ports, anyAction ? null : listed);
    if (!edge) continue;
    const change: EdgeChange = {
      ...edge,
      scopes: anyAction ? null : listed,
      exceptScopes: anyAction ? [...named].filter((s) => !which.has(s)).sort() : [],
    };
    if (outcome.kind === "changed") {
      sink.changed.push({
        ...change,
        kinds: outcome.kinds,
        widens: outcome.kinds.some(conditionChangeWidens),
      });
    } else {
      sink[outcome.kind].push(change);
    }
  }
}

/** The grant of `edges` for one action on one port, or null when nothing is granted. */
function grantAt(edges: readonly Edge[], port: number, scope: string | null): Grant | null {
  const allows = new Set<string>();
  const denies = new Set<string>();
  for (const edge of edges) {
    if (!covers(edge.ports, port) || !admits(edge.scopes, scope)) continue;
    allows.add(conditionKey(edge.when));
    for (const restriction of edge.restrictions) {
      if (covers(restriction.ports, port) && admits(restriction.scopes, scope)) {
        denies.add(conditionKey(restriction.when));
      }
    }
  }
  if (allows.size === 0 || denies.has(ALWAYS)) return null;
  return { allows, denies };
}

/** How one port and action changed, or null when it did not. */
function compare(old: Grant | null, next: Grant | null): Outcome | null {
  if (old === null && next === null) return null;
  if (old === null) return { kind: "added", conditional: conditional(next) };
  if (next === null) return { kind: "removed", conditional: conditional(old) };
  const kinds: ConditionChangeKind[] = [];
  const newAllows = missingFrom(next.allows, old.allows);
  if (!old.allows.has(ALWAYS) && newAllows.length > 0) {
    kinds.push(newAllows.includes(ALWAYS) ? "allow-condition-removed" : "allow-condition-changed");
  } else if (!next.allows.has(ALWAYS) && missingFrom(old.allows, next.allows).length > 0) {
    kinds.push("allow-condition-narrowed");
  }
  const goneDenies = missingFrom(old.denies, next.denies).length > 0;
  const newDenies = missingFrom(next.denies, old.denies).length > 0;
  if (goneDenies) kinds.push(newDenies ? "deny-changed" : "deny-removed");
  else if (newDenies) kinds.push("deny-added");
  if (kinds.length === 0) return null;
  return { kind: "changed", conditional: conditional(next), kinds: kinds.sort() };
}

function conditional(grant: Grant | null): boolean {
  return grant !== null && (!grant.allows.has(ALWAYS) || grant.denies.size > 0);
}

/** The members of `a` that `b` lacks. */
function missingFrom(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...a].filter((key) => !b.has(key));
}

function conditionKey(when: Condition | null): string {
  return when === null ? ALWAYS : canonicalJson(when);
}

function covers(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([from, to]) => from <= port && port <= to);
}

/** Whether a rule with `scopes` applies to an action (null: an action no rule names). */
function admits(scopes: readonly string[] | null, scope: string | null): boolean {
  return scopes === null || (scope !== null && scopes.includes(scope));
}

/**
 * The edge of `edges` behind the first port of a change (its rules, condition and denies), with
 * its restrictions cut to the change's ports.
 */
function edgeOver(
  edges: readonly Edge[],
  ports: PortRange[],
  scopes: readonly string[] | null,
): Edge | null {
  const first = ports[0]?.[0] ?? 0;
  const through =
    edges.find(
      (edge) =>
        covers(edge.ports, first) &&
        (scopes === null ? edge.scopes === null : scopes.some((s) => admits(edge.scopes, s))),
    ) ?? edges.find((edge) => covers(edge.ports, first));
  if (!through) return null;
  const restrictions = through.restrictions
    .map((restriction) => ({ ...restriction, ports: intersectRanges(restriction.ports, ports) }))
    .filter((restriction) => restriction.ports.length > 0);
  return { ...through, ports, restrictions };
}
