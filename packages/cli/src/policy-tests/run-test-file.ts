import { dirname, resolve } from "node:path";
import { createEngine, type Engine } from "@palisade/engine";
import type { Decision, Ir } from "@palisade/ir";
import { displayPath } from "../policy-paths.ts";
import { hasAuthorizationHeader, requestShapeProblem } from "./case-request.ts";
import type { PolicyTestCase, PolicyTestFile } from "./test-file.ts";
import { TestSigner } from "./test-signer.ts";

/** The outcome of one case. */
export interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly passed: boolean;
  readonly expected: {
    readonly decision: "allow" | "deny";
    readonly reason: string | null;
    readonly rule: string | null;
  };
  /**
   * What the engine decided; null when the case could not be run (a malformed request, a token
   * that could not be signed).
   */
  readonly actual: Decision | null;
  /** Why the case could not be run, or why its decision does not count; null otherwise. */
  readonly problem: string | null;
}

/**
 * The `policy` entries of a test file as paths relative to the working folder (with `/`), the
 * form the policy loader takes.
 */
export function policyPaths(cwd: string, testFileFull: string, testFile: PolicyTestFile): string[] {
  const folder = dirname(testFileFull);
  return testFile.policy.map((entry) => displayPath(cwd, resolve(folder, entry)));
}

/**
 * Whether the deciding rule is the expected one. A rule is named by its id
 * (`api-service/ingress/0`) or by where it is written, `FILE:LINE` with FILE relative to the
 * test file; ids never hold `:`, so the two forms cannot be confused.
 */
function ruleMatches(expected: string, decision: Decision, cwd: string, folder: string): boolean {
  if (decision.rule === null) return false;
  const colon = expected.lastIndexOf(":");
  if (colon === -1) return decision.rule.id === expected;
  const line = Number(expected.slice(colon + 1));
  const file = displayPath(cwd, resolve(folder, expected.slice(0, colon)));
  return decision.rule.span.file === file && decision.rule.span.line === line;
}

function matches(
  testCase: PolicyTestCase,
  decision: Decision,
  cwd: string,
  folder: string,
): boolean {
  if (decision.decision !== testCase.expect) return false;
  if (testCase.reason !== null && decision.reason !== testCase.reason) return false;
  if (testCase.rule !== null && !ruleMatches(testCase.rule, decision, cwd, folder)) return false;
  return true;
}

/**
 * Runs the cases of one test file against a compiled policy. Tokens are signed with throwaway
 * keys whose public half replaces the policy's trust keys; the engine's clock is the case's
 * `now`, else the file's, else `runNowMs`.
 */
export async function runTestFile(
  testFile: PolicyTestFile,
  ir: Ir,
  runNowMs: number,
  where: { readonly cwd: string; readonly full: string },
): Promise<CaseResult[]> {
  const folder = dirname(where.full);
  const extraAlgorithms = testFile.cases.flatMap((testCase) =>
    testCase.token?.alg === null || testCase.token === null ? [] : [testCase.token.alg],
  );
  const signer = await TestSigner.create(ir.trust, extraAlgorithms);
  const keys = signer.jwks();
  const engines = new Map<number, Engine>();
  const engineAt = (nowMs: number): Engine => {
    let engine = engines.get(nowMs);
    if (engine === undefined) {
      engine = createEngine(ir, { now: () => nowMs, keys });
      engines.set(nowMs, engine);
    }
    return engine;
  };

  const results: CaseResult[] = [];
  for (const testCase of testFile.cases) {
    const nowMs = testCase.nowMs ?? testFile.nowMs ?? runNowMs;
    const base = {
      file: testFile.file,
      name: testCase.name,
      line: testCase.line,
      column: testCase.column,
      expected: { decision: testCase.expect, reason: testCase.reason, rule: testCase.rule },
    };

    // A malformed request is denied by the engine, which would let a typo pass as `expect:
    // deny`. So the shape is checked first, and only a case that says it expects
    // `request-malformed` may send a malformed request.
    const expectsMalformed = testCase.reason === "request-malformed";
    const shapeProblem = expectsMalformed ? null : requestShapeProblem(testCase.request);
    const conflict = testCase.token !== null && hasAuthorizationHeader(testCase.request.headers);
    if (shapeProblem !== null || conflict) {
      const problem = conflict
        ? "malformed case: the token is given both as `token` and in " +
          "`headers.authorization`; give one of them"
        : `malformed request: ${shapeProblem}`;
      results.push({ ...base, passed: false, actual: null, problem });
      continue;
    }

    const request: Record<string, unknown> = { ...testCase.request };
    if (testCase.token !== null) {
      let token: string;
      try {
        const destination = request.destination;
        token = await signer.sign(testCase.token, {
          issuer: ir.trust?.issuer ?? null,
          audience: typeof destination === "string" ? destination : null,
          nowMs,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        results.push({ ...base, passed: false, actual: null, problem: `cannot sign: ${reason}` });
        continue;
      }
      const headers =
        typeof request.headers === "object" && request.headers !== null ? request.headers : {};
      request.headers = { ...headers, authorization: `Bearer ${token}` };
    }

    const decision = await engineAt(nowMs).decide(request);
    if (decision.reason === "request-malformed" && !expectsMalformed) {
      results.push({
        ...base,
        passed: false,
        actual: decision,
        problem:
          "malformed request: the engine could not read it; a case that means to send a " +
          "malformed request says `reason: request-malformed`",
      });
      continue;
    }
    results.push({
      ...base,
      passed: matches(testCase, decision, where.cwd, folder),
      actual: decision,
      problem: null,
    });
  }
  return results;
}
