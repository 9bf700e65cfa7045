import type { Ir, PortRange, Protocol } from "@palisade/ir";
import { normalizeRanges, rangesOverlap, subtractRanges } from "../port-ranges.ts";
import { allowedEdges, compareEdges, type Edge } from "./edges.ts";

/** What one policy allows that the other does not, as edges. */
export interface IrDiff {
  /** Allowed by `next` and not by `old`. */
  readonly added: Edge[];
  /** Allowed by `old` and not by `next`. */
  readonly removed: Edge[];
}

/** The ports allowed for one source, destination, protocol, condition flag and scope. */
interface Atom {
  readonly source: string;
  readonly destination: string;
  readonly protocol: Protocol;
  readonly conditional: boolean;
  /** One scope, or null for "any action". */
  readonly scope: string | null;
  ports: PortRange[];
  readonly edges: Edge[];
}

/**
 * Compares what two IRs allow, not how they are written. Edges are broken down per source,
 * destination, protocol, conditional flag and scope, and the port sets compared, so a widened
 * range shows only the added ports and a new scope on an existing rule shows only that scope.
 * Pieces with the same ports are put back together into one edge listing their scopes. Each
 * edge names the rules (of `next` for added, of `old` for removed) that allow its first port.
 */
export function diffIr(old: Ir, next: Ir): IrDiff {
  const before = atomsOf(allowedEdges(old));
  const after = atomsOf(allowedEdges(next));
  return {
    added: changes(after, before),
    removed: changes(before, after),
  };
}

function atomsOf(edges: readonly Edge[]): Map<string, Atom> {
  const atoms = new Map<string, Atom>();
  for (const edge of edges) {
    for (const scope of edge.scopes ?? [null]) {
      const key = JSON.stringify([
        edge.source,
        edge.destination,
        edge.protocol,
        edge.conditional,
        scope,
      ]);
      const atom = atoms.get(key);
      if (atom) {
        atom.ports = normalizeRanges([...atom.ports, ...edge.ports]);
        atom.edges.push(edge);
      } else {
        const { source, destination, protocol, conditional } = edge;
        atoms.set(key, {
          source,
          destination,
          protocol,
          conditional,
          scope,
          ports: edge.ports,
          edges: [edge],
        });
      }
    }
  }
  return atoms;
}

/** What `mine` allows beyond `theirs`, regrouped into edges. */
function changes(mine: ReadonlyMap<string, Atom>, theirs: ReadonlyMap<string, Atom>): Edge[] {
  const grouped = new Map<string, Edge & { scopes: string[] | null }>();
  for (const [key, atom] of mine) {
    const ports = subtractRanges(atom.ports, theirs.get(key)?.ports ?? []);
    if (ports.length === 0) continue;
    const groupKey = JSON.stringify([
      atom.source,
      atom.destination,
      atom.protocol,
      atom.conditional,
      atom.scope === null,
      ports,
    ]);
    const group = grouped.get(groupKey);
    if (group) {
      if (group.scopes && atom.scope !== null) group.scopes.push(atom.scope);
      continue;
    }
    const through = atom.edges.find((edge) => rangesOverlap(edge.ports, ports)) ?? atom.edges[0];
    if (!through) continue;
    grouped.set(groupKey, {
      source: atom.source,
      destination: atom.destination,
      ports,
      protocol: atom.protocol,
      scopes: atom.scope === null ? null : [atom.scope],
      conditional: atom.conditional,
      rules: through.rules,
    });
  }
  const out = [...grouped.values()];
  for (const edge of out) edge.scopes?.sort();
  return out.sort(compareEdges);
}
