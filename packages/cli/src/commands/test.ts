import { formatOption, parseCommandArgs, requirePositionals } from "../args.ts";
import type { Command } from "../context.ts";
import { describeRule } from "../describe-decision.ts";
import { EXIT } from "../exit-codes.ts";
import { loadPolicyArgument, readInputFile, reportLoad } from "../load-policy.ts";
import { collectFiles, displayPath, TEST_FILES } from "../policy-paths.ts";
import { type CaseResult, policyPaths, runTestFile } from "../policy-tests/run-test-file.ts";
import { type PolicyTestFile, parseTestFile } from "../policy-tests/test-file.ts";

/** `palisade test`: runs policy test files. */
export const testCommand: Command = {
  name: "test",
  summary: "run policy test files (*.test.yaml)",
  help: `Usage: palisade test PATH... [--format text|json]

Runs the policy test files (*.test.yaml) under PATH. Each file names the policy under test
and lists cases: a request and the decision expected (allow or deny), optionally with the
reason and the deciding rule. Tokens are written as claims (sub, scope, iat: -30s, ...); the
runner signs them with a throwaway key made for the run, whose public key replaces the
policy's trust keys, so tests need no secrets. The file format is described in docs/cli.md.

Options:
  --format json   every case result and the totals as one JSON object on stdout
  -h, --help      show this help

Prints one line per case and the summary \`N passed, N failed\`.
Exit: 0 every case passed; 1 a case failed or a policy has errors; 2 bad usage, unreadable
input or a malformed test file.

Example:
  palisade test examples/mesh`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("test", args, {
      format: { type: "string" },
    });
    const format = formatOption("test", values.format, ["text", "json"], "text");
    requirePositionals("test", positionals, "test file or folder");
    const { cwd } = context.io;

    // Every test file is read and checked before any case runs: a malformed file is bad input.
    const files: { full: string; testFile: PolicyTestFile }[] = [];
    let malformed = false;
    for (const full of collectFiles(cwd, positionals, TEST_FILES)) {
      const file = displayPath(cwd, full);
      const text = readInputFile(context, full);
      context.sources.add(file, text);
      const { testFile, diagnostics } = parseTestFile(text, file);
      if (testFile === null) {
        context.reportDiagnostics(diagnostics, format);
        malformed = true;
      } else {
        files.push({ full, testFile });
      }
    }
    if (malformed) return EXIT.usage;

    const runNowMs = Math.floor(context.io.now() / 1000) * 1000;
    const results: CaseResult[] = [];
    let policyFailed = false;
    for (const { full, testFile } of files) {
      const loaded = loadPolicyArgument(context, "test", policyPaths(cwd, full, testFile));
      const ir = reportLoad(context, loaded, format, "count");
      if (ir === null) {
        policyFailed = true;
        if (format === "text")
          context.print(
            `${context.out.red("FAIL")} ${testFile.file}: the policy under test does not compile`,
          );
        continue;
      }
      const fileResults = await runTestFile(testFile, ir, runNowMs, { cwd, full });
      results.push(...fileResults);
      if (format === "text") printFileResults(context, testFile.file, fileResults);
    }

    const passed = results.filter((result) => result.passed).length;
    const failed = results.length - passed;
    if (format === "json") {
      context.print(JSON.stringify({ cases: results, passed, failed, policyFailed }));
    } else {
      const summary = `${passed} passed, ${failed} failed`;
      context.print(
        failed > 0 || policyFailed ? context.out.red(summary) : context.out.green(summary),
      );
    }
    return failed > 0 || policyFailed ? EXIT.failed : EXIT.ok;
  },
};

function printFileResults(
  context: Parameters<Command["run"]>[1],
  file: string,
  results: readonly CaseResult[],
): void {
  const { out } = context;
  context.print(out.bold(file));
  for (const result of results) {
    if (result.passed) {
      context.print(`  ${out.green("ok")}    ${result.name}`);
      continue;
    }
    const where = out.dim(`(${file}:${result.line}:${result.column})`);
    context.print(`  ${out.red("FAIL")}  ${result.name}  ${where}`);
    const expected = [
      result.expected.decision,
      ...(result.expected.reason === null ? [] : [`reason ${result.expected.reason}`]),
      ...(result.expected.rule === null ? [] : [`rule ${result.expected.rule}`]),
    ].join(", ");
    context.print(`        expected: ${expected}`);
    if (result.actual === null) {
      context.print(`        ${result.problem ?? "not run"}`);
      continue;
    }
    const rule = describeRule(result.actual);
    const by = rule === null ? "" : `, rule ${rule}`;
    context.print(
      `        got:      ${result.actual.decision}, reason ${result.actual.reason}${by}`,
    );
    context.print(`                  ${result.actual.message}`);
    if (result.problem !== null) context.print(`        ${result.problem}`);
  }
}
