import { createEngine, type Engine } from "@palisade/engine";
import type { Ir } from "@palisade/ir";
import { formatOption, parseCommandArgs } from "./args.ts";
import type { CliContext, ReportFormat } from "./context.ts";
import { InputError, UsageError } from "./exit-codes.ts";
import { loadPolicyArgument, readInputFile, reportLoad } from "./load-policy.ts";
import { parseRequests } from "./requests.ts";
import { parseInstant } from "./time.ts";

/** Everything `decide` and `explain` need once their arguments are read. */
export interface DecisionInputs {
  readonly engine: Engine;
  readonly ir: Ir;
  readonly requests: readonly unknown[];
  readonly format: ReportFormat;
  /** The clock the engine was given, in milliseconds. */
  readonly nowMs: number;
}

/** Members a JWK carries only when it holds private or symmetric key material. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/** Reads a `--keys` JWKS file: public keys only, since it only serves verification. */
export function readKeysOverride(context: CliContext, path: string): { keys: unknown[] } {
  const text = readInputFile(context, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`\`${path}\` is not valid JSON: ${(error as Error).message}`);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    throw new InputError(`\`${path}\` is not a JWKS: it needs a \`keys\` array`);
  }
  for (const key of keys) {
    if (typeof key === "object" && key !== null && PRIVATE_MEMBERS.some((m) => m in key)) {
      throw new InputError(
        `\`${path}\` holds private or symmetric key material; give the public JWKS instead`,
      );
    }
  }
  return { keys };
}

/**
 * Reads the arguments shared by `decide` and `explain`, loads the policy and the requests, and
 * builds the engine. Returns null when the policy failed to load (already reported: exit 1).
 */
export async function readDecisionInputs(
  command: string,
  args: readonly string[],
  context: CliContext,
): Promise<DecisionInputs | null> {
  const { values, positionals } = parseCommandArgs(command, args, {
    policy: { type: "string", multiple: true },
    request: { type: "string" },
    keys: { type: "string" },
    now: { type: "string" },
    format: { type: "string" },
  });
  const format = formatOption(
    command,
    values.format,
    ["json", "text"],
    command === "explain" ? "text" : "json",
  );
  const policyPaths = [...(values.policy ?? []), ...positionals];
  if (policyPaths.length === 0) {
    throw new UsageError(
      "give the policy with `--policy PATH` (sources or a compiled .json)",
      command,
    );
  }
  if (values.request === undefined) {
    throw new UsageError(
      "give the requests with `--request FILE` (or `--request -` for stdin)",
      command,
    );
  }

  let nowMs = context.io.now();
  if (values.now !== undefined) {
    const instant = parseInstant(values.now);
    if (!instant.ok) throw new UsageError(`\`--now\`: ${instant.message}`, command);
    nowMs = instant.ms;
  }
  const keys = values.keys === undefined ? undefined : readKeysOverride(context, values.keys);

  const requestName = values.request === "-" ? "stdin" : values.request;
  const requestText =
    values.request === "-" ? await context.io.readStdin() : readInputFile(context, values.request);
  const requests = parseRequests(requestText, requestName);

  const loaded = loadPolicyArgument(context, command, policyPaths);
  // Decisions are JSON by default, but diagnostics are for people unless JSON is asked for.
  const ir = reportLoad(context, loaded, values.format === "json" ? "json" : "text", "count");
  if (ir === null) return null;

  const frozen = nowMs;
  const engine = createEngine(ir, {
    now: () => frozen,
    ...(keys === undefined ? {} : { keys }),
  });
  return { engine, ir, requests, format, nowMs };
}
