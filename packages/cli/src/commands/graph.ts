import { allowedEdges } from "@palisade/compiler";
import { formatOption, parseCommandArgs, requirePositionals } from "../args.ts";
import type { Command } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { loadPolicyArgument, reportLoad } from "../load-policy.ts";
import { renderDot, renderMermaid } from "../render-graph.ts";

/** `palisade graph`: the allowed edges as a Mermaid or DOT diagram. */
export const graphCommand: Command = {
  name: "graph",
  summary: "draw the allowed edges (mermaid, dot or json)",
  help: `Usage: palisade graph PATH... [--format mermaid|dot|json]

Draws every edge the policy allows (both the source's egress and the destination's ingress
must allow it), labelled with ports, protocol and scopes. PATH is policy sources or one
compiled policy (.json).

Options:
  --format mermaid   a Mermaid flowchart (the default; GitHub renders it in Markdown)
  --format dot       a Graphviz digraph (dot -Tsvg)
  --format json      the edges as a JSON array
  -h, --help         show this help

Exit: 0 drawn; 1 the policy has errors; 2 bad usage or unreadable input.

Example:
  palisade graph examples/mesh/policy --format dot | dot -Tsvg > mesh.svg`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("graph", args, {
      format: { type: "string" },
    });
    const format = formatOption("graph", values.format, ["mermaid", "dot", "json"], "mermaid");
    requirePositionals("graph", positionals, "policy file or folder");
    const loaded = loadPolicyArgument(context, "graph", positionals);
    const ir = reportLoad(context, loaded, format === "json" ? "json" : "text", "count");
    if (ir === null) return EXIT.failed;

    const edges = allowedEdges(ir);
    const services = ir.services.map((service) => service.id);
    if (format === "json") context.print(JSON.stringify(edges));
    else
      context.io.stdout(
        format === "dot" ? renderDot(edges, services) : renderMermaid(edges, services),
      );
    return EXIT.ok;
  },
};
