import type { Command } from "../context.ts";
import { readDecisionInputs } from "../decision-inputs.ts";
import { describeDecision, describeRequest } from "../describe-decision.ts";
import { EXIT } from "../exit-codes.ts";

/** `palisade decide`: one decision per request, as JSON lines. */
export const decideCommand: Command = {
  name: "decide",
  summary: "decide requests against a policy, one JSON decision per line",
  help: `Usage: palisade decide --policy PATH... --request FILE|- [--keys FILE] [--now TIME]
                       [--format json|text]

Decides each request and prints one decision JSON object per line on stdout, in order.
--policy takes policy files or folders, or one compiled policy (.json); more paths may follow
it. The request file (- for stdin) holds one JSON object, a JSON array, or JSON lines:
  {"type":"connection","source":"gateway","destination":"api-service","port":8080}
  {"type":"request","destination":"api-service","port":8080,"action":"orders:read",
   "headers":{"authorization":"Bearer eyJ..."}}
"ingress" and "egress" take the same fields as "connection" and ask one end only; a request
may add "source" and "protocol". A request the engine cannot read is answered with a deny
whose reason is request-malformed.

Options:
  --policy PATH     policy files or folders, or a compiled policy .json (required)
  --request FILE    the requests; - reads stdin (required)
  --keys FILE       a JWKS file used instead of the trust block's keys
  --now TIME        the clock: ISO 8601 (2026-11-20T12:00:00Z) or seconds since the epoch
  --format text     one line per decision for people instead of JSON
  -h, --help        show this help

Exit: 0 every request got a decision (allow or deny); 1 the policy has errors or the compiled
file is invalid; 2 bad usage or unreadable input.

Example:
  echo '{"type":"connection","source":"gateway","destination":"api-service","port":8080}' |
    palisade decide --policy examples/mesh/policy --request -`,

  async run(args, context) {
    const inputs = await readDecisionInputs("decide", args, context);
    if (inputs === null) return EXIT.failed;
    for (const request of inputs.requests) {
      const decision = await inputs.engine.decide(request);
      context.print(
        inputs.format === "json"
          ? JSON.stringify(decision)
          : `${describeRequest(request)}: ${describeDecision(decision, context.out)}`,
      );
    }
    return EXIT.ok;
  },
};
