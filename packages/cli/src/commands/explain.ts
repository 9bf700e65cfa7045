import type { Explanation, TraceStep } from "@palisade/engine";
import type { CliContext, Command } from "../context.ts";
import { readDecisionInputs } from "../decision-inputs.ts";
import { describeNoRule, describeRequest, describeRule, verdict } from "../describe-decision.ts";
import { EXIT } from "../exit-codes.ts";
import { formatLocation, renderCodeFrame } from "../render-diagnostic.ts";

/** `palisade explain`: why each request was allowed or denied, step by step. */
export const explainCommand: Command = {
  name: "explain",
  summary: "explain decisions step by step, with the rules' source lines",
  help: `Usage: palisade explain --policy PATH... --request FILE|- [--keys FILE] [--now TIME]
                        [--format text|json]

Takes the same inputs as \`palisade decide\` and prints, for each request, the checks the
engine made (token, source, egress, ingress, scopes) and every rule it considered: whether it
matched and why not, with the line of policy source that wrote it. The check that failed is
the reason for a deny.

Options:
  --policy PATH     policy files or folders, or a compiled policy .json (required)
  --request FILE    the requests; - reads stdin (required)
  --keys FILE       a JWKS file used instead of the trust block's keys
  --now TIME        the clock: ISO 8601 or seconds since the epoch
  --format json     one explanation JSON object per line instead of text
  -h, --help        show this help

Exit: 0 every request was explained; 1 the policy has errors or the compiled file is invalid;
2 bad usage or unreadable input.

Example:
  echo '{"type":"connection","source":"metrics","destination":"dns","port":53}' |
    palisade explain --policy examples/mesh/policy --request -`,

  async run(args, context) {
    const inputs = await readDecisionInputs("explain", args, context);
    if (inputs === null) return EXIT.failed;
    for (const [index, request] of inputs.requests.entries()) {
      const explanation = await inputs.engine.explain(request);
      if (inputs.format === "json") {
        context.print(JSON.stringify(explanation));
        continue;
      }
      if (index > 0) context.print("");
      printExplanation(context, request, explanation);
    }
    return EXIT.ok;
  },
};

function printStep(context: CliContext, step: TraceStep): void {
  const { out } = context;
  if (step.kind === "check") {
    const mark = step.passed ? out.green("pass ") : out.red("FAIL ");
    const reason = step.passed || step.reason === null ? "" : out.bold(` [${step.reason}]`);
    context.print(`    ${mark} ${step.check}: ${step.message}${reason}`);
    return;
  }
  const mark = step.matched ? out.green("match") : out.dim("skip ");
  const rule = `${step.side} rule ${step.id} (${step.effect})`;
  context.print(`    ${mark} ${rule} at ${formatLocation(step.span)}: ${step.message}`);
  // The rules that matched get a caret under them; the others just show their line.
  const tone = step.effect === "allow" ? out.green : out.red;
  const frame = renderCodeFrame(step.span, context.sources, out, tone);
  for (const line of step.matched ? frame : frame.slice(0, 1)) context.print(`        ${line}`);
}

/** One explanation as text: the request, the verdict, then every step. */
export function printExplanation(
  context: CliContext,
  request: unknown,
  explanation: Explanation,
): void {
  const { decision } = explanation;
  context.print(context.out.bold(describeRequest(request)));
  context.print(
    `  ${verdict(decision, context.out)} ${context.out.bold(decision.reason)}: ${decision.message}`,
  );
  const rule = describeRule(decision);
  context.print(`  ${rule === null ? describeNoRule(decision) : `decided by ${rule}`}`);
  context.print("  steps:");
  for (const step of explanation.steps) printStep(context, step);
}
