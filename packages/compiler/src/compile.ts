import { readFileSync } from "node:fs";
import type { Ir, Trust } from "@palisade/ir";
import {
  type Diagnostic,
  hasErrors,
  LIMITS,
  type PolicyFile,
  parseSource,
  type Source,
  sortDiagnostics,
} from "@palisade/syntax";
import { checkCancelledAllows } from "./checks/cancelled-allows.ts";
import { checkDenyScopes } from "./checks/deny-scopes.ts";
import { checkEgressConditions } from "./checks/egress-conditions.ts";
import { checkHalfOpenEdges } from "./checks/half-open-edges.ts";
import { checkShadowedRules } from "./checks/shadowed-rules.ts";
import { checkTokensWithoutTrust } from "./checks/tokens-without-trust.ts";
import { checkUndefinedPeers } from "./checks/undefined-peers.ts";
import { checkWildcardPeers } from "./checks/wildcard-peers.ts";
import { collect } from "./collect.ts";
import { emit } from "./emit.ts";
import { expand } from "./expand.ts";
import type { ReadFile } from "./keys.ts";
import type { CheckInput, ServiceDraft } from "./policy-set.ts";
import { resolve } from "./resolve.ts";
import { compileTrust } from "./trust.ts";

/** How `compile` reaches the outside world. */
export interface CompileOptions {
  /**
   * Reads a keys file named by a trust block, given the path resolved against the policy file's
   * folder; returns null when it cannot. Defaults to reading the file system as UTF-8.
   */
  readonly readFile?: (path: string) => string | null;
}

/** The IR (null when any diagnostic is an error) and every diagnostic, sorted by position. */
export interface CompileResult {
  readonly ir: Ir | null;
  readonly diagnostics: Diagnostic[];
}

/**
 * The semantic checks, in the order they run. Each reads the merged set and its drafts and
 * returns diagnostics only; none changes what is emitted.
 */
const CHECKS: readonly {
  readonly name: string;
  readonly run: (input: CheckInput) => Diagnostic[];
}[] = [
  { name: "tokens-without-trust", run: checkTokensWithoutTrust },
  { name: "deny-scopes", run: checkDenyScopes },
  { name: "undefined-peers", run: checkUndefinedPeers },
  { name: "wildcard-peers", run: checkWildcardPeers },
  { name: "egress-conditions", run: checkEgressConditions },
  { name: "shadowed-rules", run: checkShadowedRules },
  { name: "cancelled-allows", run: checkCancelledAllows },
  { name: "half-open-edges", run: checkHalfOpenEdges },
];

/**
 * Compiles the files of one policy set (DSL or YAML, told apart by file name) into the IR.
 * Never throws on policy text: every problem is a diagnostic. Throws `TypeError` on arguments
 * of the wrong type.
 */
export function compile(sources: readonly Source[], options: CompileOptions = {}): CompileResult {
  if (!Array.isArray(sources)) throw new TypeError("compile: `sources` must be an array");
  const parsed = sources.map((source) => {
    if (typeof source?.file !== "string" || typeof source.text !== "string") {
      throw new TypeError("compile: each source needs a string `file` and a string `text`");
    }
    return parseSource(source);
  });
  return compilePolicies(
    parsed.map((result) => result.policy),
    options,
    parsed.flatMap((result) => result.diagnostics),
  );
}

/**
 * Compiles already parsed files. `parseDiagnostics` are the front ends' findings: they join the
 * result, and the later stages' findings in a file with a front-end error are dropped (see
 * `withoutRepeats`).
 */
export function compilePolicies(
  files: readonly PolicyFile[],
  options: CompileOptions = {},
  parseDiagnostics: readonly Diagnostic[] = [],
): CompileResult {
  const readFile = options.readFile ?? readFromDisk;
  if (typeof readFile !== "function") {
    throw new TypeError("compile: `readFile` must be a function");
  }

  const analysed = analyse(files, readFile);
  const diagnostics = capPerFile(
    sortDiagnostics([
      ...parseDiagnostics,
      ...withoutRepeats(analysed.diagnostics, parseDiagnostics),
    ]),
  );
  if (hasErrors(diagnostics)) return { ir: null, diagnostics };
  return { ir: emit(analysed.services, analysed.trust), diagnostics };
}

/**
 * Runs the stages before emitting: collect, resolve, expand, trust, then every check. Kept apart
 * from `compilePolicies` so that what only these stages need (resolved rules, check indexes) can
 * be collected before the IR and its hash are built, which is when memory use peaks.
 */
function analyse(
  files: readonly PolicyFile[],
  readFile: ReadFile,
): { services: readonly ServiceDraft[]; trust: Trust | null; diagnostics: Diagnostic[] } {
  const collected = collect(files);
  const resolved = resolve(collected.set);
  const expanded = expand(collected.set, resolved.rules);
  const trust = compileTrust(collected.set, readFile);

  const diagnostics: Diagnostic[] = [
    ...collected.diagnostics,
    ...resolved.diagnostics,
    ...expanded.diagnostics,
    ...trust.diagnostics,
  ];
  const input: CheckInput = { set: collected.set, services: expanded.services };
  for (const check of CHECKS) {
    // A loop, not `push(...list)`: a large policy set can find more items than a call takes.
    for (const diagnostic of check.run(input)) diagnostics.push(diagnostic);
  }
  return { services: expanded.services, trust: trust.trust, diagnostics };
}

const readFromDisk: ReadFile = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/**
 * A file with a syntax or shape error was only partly read, so what the later stages say about
 * it (an allow rule "without ports" whose ports clause failed to parse, say) would only echo the
 * front end's error or mislead. Their findings in such files are dropped; findings in other
 * files stay, since the set as a whole is still checked.
 */
function withoutRepeats(
  found: readonly Diagnostic[],
  parseDiagnostics: readonly Diagnostic[],
): Diagnostic[] {
  const broken = new Set(
    parseDiagnostics.filter((d) => d.severity === "error").map((d) => d.span.file),
  );
  if (broken.size === 0) return [...found];
  return found.filter((d) => !broken.has(d.span.file));
}

/**
 * Keeps the first `LIMITS.maxDiagnosticsPerFile` diagnostics of each file (the list is sorted)
 * and replaces the rest by one summary at the first one left out. The summary is an error when
 * any left-out diagnostic is, so capping never hides that the set was refused.
 */
function capPerFile(sorted: readonly Diagnostic[]): Diagnostic[] {
  const limit = LIMITS.maxDiagnosticsPerFile;
  const out: Diagnostic[] = [];
  let index = 0;
  while (index < sorted.length) {
    const file = (sorted[index] as Diagnostic).span.file;
    let end = index;
    while (end < sorted.length && (sorted[end] as Diagnostic).span.file === file) end++;
    out.push(...sorted.slice(index, Math.min(end, index + limit)));
    const hidden = sorted.slice(index + limit, end);
    const first = hidden[0];
    if (first) {
      const errors = hidden.filter((d) => d.severity === "error").length;
      out.push({
        code: "check/too-many-diagnostics",
        severity: errors > 0 ? "error" : "warning",
        message:
          `${hidden.length} more problems in this file are not shown ` +
          `(${errors} of them errors)`,
        span: first.span,
        help: "fix the problems shown and compile again",
      });
    }
    index = end;
  }
  return out;
}
