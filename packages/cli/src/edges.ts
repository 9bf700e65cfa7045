import type { Edge } from "@palisade/compiler";
import type { PortRange } from "@palisade/ir";

/** Port ranges as written in the DSL: `53`, `8000..8010`, joined with `, `. */
export function formatPorts(ranges: readonly PortRange[]): string {
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}..${to}`)).join(", ");
}

/** The ports and protocol of an edge: `8080/tcp`, `8000..8010, 9090/tcp`. */
export function formatEdgeTarget(edge: Edge): string {
  return `${formatPorts(edge.ports)}/${edge.protocol}`;
}

/**
 * One edge on one line: `gateway -> api-service 8080/tcp scopes orders:read, orders:write`.
 * An edge whose rule names no scopes admits any action the token carries; nothing is added.
 * A conditional edge (one that holds only for some tokens) says so.
 */
export function describeEdge(edge: Edge): string {
  const scopes = edge.scopes === null ? "" : ` scopes ${edge.scopes.join(", ")}`;
  const conditional = edge.conditional ? " (conditional)" : "";
  return `${edge.source} -> ${edge.destination} ${formatEdgeTarget(edge)}${scopes}${conditional}`;
}
