import type { Ir } from "@palisade/ir";
import { allowedEdges } from "./edges.ts";

/** Whether `from` can open connections that lead to `to`, and one shortest way there. */
export interface Reachability {
  readonly reachable: boolean;
  /** Service ids from `from` to `to` inclusive; empty when unreachable. */
  readonly path: string[];
}

/**
 * Breadth-first search over `allowedEdges` (conditional edges included), visiting neighbours in
 * id order, so the path is a shortest one and the same on every run. Every service reaches
 * itself, with the path `[from]`.
 */
export function canReach(ir: Ir, from: string, to: string): Reachability {
  if (typeof from !== "string" || typeof to !== "string") {
    throw new TypeError("canReach: service ids must be strings");
  }
  if (from === to) return { reachable: true, path: [from] };

  const next = new Map<string, Set<string>>();
  for (const edge of allowedEdges(ir)) {
    const set = next.get(edge.source) ?? new Set<string>();
    set.add(edge.destination);
    next.set(edge.source, set);
  }

  const cameFrom = new Map<string, string>([[from, from]]);
  let frontier = [from];
  while (frontier.length > 0) {
    const following: string[] = [];
    for (const service of frontier) {
      for (const neighbour of [...(next.get(service) ?? [])].sort()) {
        if (cameFrom.has(neighbour)) continue;
        cameFrom.set(neighbour, service);
        if (neighbour === to) return { reachable: true, path: pathTo(to, from, cameFrom) };
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  return { reachable: false, path: [] };
}

function pathTo(to: string, from: string, cameFrom: ReadonlyMap<string, string>): string[] {
  const path = [to];
  let at = to;
  while (at !== from) {
    at = cameFrom.get(at) as string;
    path.push(at);
  }
  return path.reverse();
}
