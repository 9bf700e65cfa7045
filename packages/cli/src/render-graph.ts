import type { Edge } from "@palisade/compiler";
import { formatEdgeTarget } from "./edges.ts";

/** The edges between one ordered pair of services, drawn as one arrow. */
interface Arrow {
  readonly source: string;
  readonly destination: string;
  readonly labels: string[];
}

function edgeLabel(edge: Edge): string {
  const target = formatEdgeTarget(edge);
  const scoped = edge.scopes === null ? target : `${target} ${edge.scopes.join(" ")}`;
  return edge.conditional ? `${scoped} (conditional)` : scoped;
}

/** Groups edges by (source, destination), keeping the edges' order. */
function arrows(edges: readonly Edge[]): Arrow[] {
  const byPair = new Map<string, Arrow>();
  for (const edge of edges) {
    const key = `${edge.source}\u0000${edge.destination}`;
    let arrow = byPair.get(key);
    if (arrow === undefined) {
      arrow = { source: edge.source, destination: edge.destination, labels: [] };
      byPair.set(key, arrow);
    }
    arrow.labels.push(edgeLabel(edge));
  }
  return [...byPair.values()];
}

/** Every service that appears in an edge or in the list of known services, sorted. */
function nodes(edges: readonly Edge[], services: readonly string[]): string[] {
  const all = new Set(services);
  for (const edge of edges) {
    all.add(edge.source);
    all.add(edge.destination);
  }
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A Mermaid flowchart of the allowed edges. Services get generated node ids (`s0`, `s1`, ...)
 * with their id as the label, since ids such as `api-service` would read as arrows.
 */
export function renderMermaid(edges: readonly Edge[], services: readonly string[]): string {
  const ids = new Map(nodes(edges, services).map((service, index) => [service, `s${index}`]));
  const escapeLabel = (text: string): string => text.replaceAll('"', "#quot;");
  const lines = ["flowchart LR"];
  for (const [service, id] of ids) lines.push(`  ${id}["${escapeLabel(service)}"]`);
  for (const arrow of arrows(edges)) {
    const label = escapeLabel(arrow.labels.join("; "));
    lines.push(`  ${ids.get(arrow.source)} -->|"${label}"| ${ids.get(arrow.destination)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A Graphviz DOT digraph of the allowed edges. */
export function renderDot(edges: readonly Edge[], services: readonly string[]): string {
  const quote = (text: string): string =>
    `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  const lines = ["digraph palisade {", "  rankdir=LR;", "  node [shape=box];"];
  for (const service of nodes(edges, services)) lines.push(`  ${quote(service)};`);
  for (const arrow of arrows(edges)) {
    const label = quote(arrow.labels.join("\n"));
    lines.push(`  ${quote(arrow.source)} -> ${quote(arrow.destination)} [label=${label}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
