import {
  type ConditionChange,
  type ConditionChangeKind,
  conditionChangeWidens,
  diffIr,
  type EdgeChange,
} from "@palisade/compiler";
import { formatOption, parseCommandArgs } from "../args.ts";
import type { Command } from "../context.ts";
import { plural } from "../describe-decision.ts";
import { describeEdge } from "../edges.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { loadPolicyArgument, reportLoad } from "../load-policy.ts";
import { diffTrust } from "../trust-diff.ts";

/** How each kind of condition change reads in the text output. */
const CHANGE_WORDS: Record<ConditionChangeKind, string> = {
  "allow-condition-removed": "allow condition removed",
  "allow-condition-changed": "allow condition changed",
  "allow-condition-narrowed": "allow condition narrowed",
  "deny-removed": "conditional deny removed",
  "deny-changed": "conditional deny changed",
  "deny-added": "conditional deny added",
};

/** An added or removed piece of an edge; `any scope except ...` when the rule lost its scopes. */
function describeChange(change: EdgeChange): string {
  const plain = describeEdge({ ...change, conditional: false });
  const except =
    change.scopes === null && change.exceptScopes.length > 0
      ? ` any scope except ${change.exceptScopes.join(", ")}`
      : "";
  return `${plain}${except}${change.conditional ? " (conditional)" : ""}`;
}

/** What changed in the conditions of an edge both policies allow. */
function describeConditions(change: ConditionChange): string {
  return change.kinds
    .map((kind) => `${CHANGE_WORDS[kind]}${conditionChangeWidens(kind) ? " (wider)" : ""}`)
    .join(", ");
}

/** `palisade diff`: what a change to a policy opens and closes. */
export const diffCommand: Command = {
  name: "diff",
  summary: "show edges, scopes and conditions added, removed and changed between two policies",
  help: `Usage: palisade diff OLD NEW [--fail-on-widen] [--format text|json]

Compares what two policies allow: edges (source, destination, ports, protocol) and the scopes
on them that are added (+) or removed (-), edges whose token conditions changed (~), and
changed token trust settings (~). OLD and NEW are each a policy file or folder, or a compiled
policy (.json). Port ranges and scopes are compared exactly, so a widened range shows only the
added ports; a rule that lost its scopes shows as \`any scope except\` the ones it had. Whether
one condition is wider than another cannot be decided, so a \`when\` removed or changed on an
allow, or a conditional deny removed or changed, counts as wider; a conditional deny added, or
a \`when\` added to an allow, is narrower.

Options:
  --fail-on-widen   exit 1 when NEW may allow anything OLD did not (edges, ports, scopes,
                    conditions, or wider token trust)
  --format json     the result as one JSON object on stdout
  -h, --help        show this help

Exit: 0 compared (with --fail-on-widen: and nothing widened); 1 access may grow under
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

    const { added, removed, changed, widens: edgesWiden } = diffIr(before, after);
    const trust = diffTrust(before, after);
    const widens = edgesWiden || trust.some((change) => change.widens);

    if (format === "json") {
      context.print(JSON.stringify({ added, removed, changed, trust, widens }));
    } else {
      const { out } = context;
      for (const edge of removed) context.print(`${out.red("-")} ${describeChange(edge)}`);
      for (const edge of added) context.print(`${out.green("+")} ${describeChange(edge)}`);
      for (const change of changed) {
        const what = describeConditions(change);
        context.print(
          `${out.yellow("~")} ${describeChange(change)}: ${change.widens ? out.bold(what) : what}`,
        );
      }
      for (const change of trust) {
        context.print(
          `${out.yellow("~")} trust ${change.setting}: ${change.before} -> ${change.after}${
            change.widens ? out.bold(" (wider)") : ""
          }`,
        );
      }
      const summary =
        `${plural(added.length, "edge")} added, ${removed.length} removed, ` +
        `${changed.length} with other conditions, ` +
        `${plural(trust.length, "trust setting")} changed${widens ? ": access widens" : ""}`;
      context.print(
        added.length + removed.length + changed.length + trust.length === 0
          ? "no change in what is allowed"
          : summary,
      );
    }
    return values["fail-on-widen"] === true && widens ? EXIT.failed : EXIT.ok;
  },
};
