import { diffIr } from "@palisade/compiler";
import { formatOption, parseCommandArgs } from "../args.ts";
import type { Command } from "../context.ts";
import { plural } from "../describe-decision.ts";
import { describeEdge } from "../edges.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { loadPolicyArgument, reportLoad } from "../load-policy.ts";
import { diffTrust } from "../trust-diff.ts";

/** `palisade diff`: what a change to a policy opens and closes. */
export const diffCommand: Command = {
  name: "diff",
  summary: "show edges and scopes added and removed between two policies",
  help: `Usage: palisade diff OLD NEW [--fail-on-widen] [--format text|json]

Compares what two policies allow: edges (source, destination, ports, protocol) and the scopes
on them that are added (+) or removed (-), and changed token trust settings (~). OLD and NEW
are each a policy file or folder, or a compiled policy (.json). Port ranges and scopes are
compared exactly, so a widened range shows only the added ports.

Options:
  --fail-on-widen   exit 1 when NEW allows anything OLD did not (edges, ports, scopes, or
                    wider token trust)
  --format json     the result as one JSON object on stdout
  -h, --help        show this help

Exit: 0 compared (with --fail-on-widen: and nothing widened); 1 access grows under
--fail-on-widen, or a policy has errors; 2 bad usage or unreadable input.

Example (on a pull request, against the compiled file of the base branch):
  palisade diff base/compiled.json examples/mesh/policy --fail-on-widen`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("diff", args, {
      "fail-on-widen": { type: "boolean" },
      format: { type: "string" },
    });
    const format = formatOption("diff", values.format, ["text", "json"], "text");
    if (positionals.length !== 2) {
      throw new UsageError("give exactly two policies to compare: OLD NEW", "diff");
    }
    const [oldPath = "", newPath = ""] = positionals;

    const before = reportLoad(
      context,
      loadPolicyArgument(context, "diff", [oldPath]),
      format,
      "count",
    );
    const after = reportLoad(
      context,
      loadPolicyArgument(context, "diff", [newPath]),
      format,
      "count",
    );
    if (before === null || after === null) return EXIT.failed;

    const { added, removed } = diffIr(before, after);
    const trust = diffTrust(before, after);
    const widens = added.length > 0 || trust.some((change) => change.widens);

    if (format === "json") {
      context.print(JSON.stringify({ added, removed, trust, widens }));
    } else {
      const { out } = context;
      for (const edge of removed) context.print(`${out.red("-")} ${describeEdge(edge)}`);
      for (const edge of added) context.print(`${out.green("+")} ${describeEdge(edge)}`);
      for (const change of trust) {
        context.print(
          `${out.yellow("~")} trust ${change.setting}: ${change.before} -> ${change.after}${
            change.widens ? out.bold(" (wider)") : ""
          }`,
        );
      }
      const summary =
        `${plural(added.length, "edge")} added, ${removed.length} removed, ` +
        `${plural(trust.length, "trust setting")} changed`;
      context.print(
        added.length + removed.length + trust.length === 0
          ? "no change in what is allowed"
          : summary,
      );
    }
    return values["fail-on-widen"] === true && widens ? EXIT.failed : EXIT.ok;
  },
};
