import { ALGORITHMS } from "@palisade/compiler";
import { REASON_CODES, type ReasonCode } from "@palisade/ir";
import { type Diagnostic, LineIndex } from "@palisade/syntax";
import { isAlias, isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { claimTime, parseInstant } from "../time.ts";

/**
 * A policy test file (`*.test.yaml`): the policy under test and a list of cases, each a
 * request, the expected decision and optionally the expected reason and deciding rule.
 * The format is described in docs/cli.md.
 */
export interface PolicyTestFile {
  /** The file as shown in messages. */
  readonly file: string;
  /** The `policy` entries as written (relative to the test file's folder). */
  readonly policy: readonly string[];
  /** The clock for every case, in milliseconds; null means the time of the run. */
  readonly nowMs: number | null;
  readonly cases: readonly PolicyTestCase[];
}

/** One case: a request, what the policy must decide, and where the case was written. */
export interface PolicyTestCase {
  readonly name: string;
  /** The request as the engine reads it, without `token`. */
  readonly request: Record<string, unknown>;
  /** The token to sign and send as `Authorization: Bearer ...`, or null for none. */
  readonly token: TokenSpec | null;
  readonly expect: "allow" | "deny";
  readonly reason: ReasonCode | null;
  readonly rule: string | null;
  readonly nowMs: number | null;
  readonly line: number;
  readonly column: number;
}

/** JWS algorithms the runner can sign with: those a policy may allow, and `none` for tests. */
export const SIGNING_ALGORITHMS: readonly string[] = [...ALGORITHMS, "none"];

/** A token written as claims, plus the knobs negative tests need. */
export interface TokenSpec {
  /**
   * Claims as written: `null` removes a claim the runner would add (`iss`, `aud`, `iat`,
   * `exp`); time claims are still in written form (`-30s`, ISO 8601 or epoch seconds).
   */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The signing algorithm; null means the first one the policy accepts. */
  readonly alg: string | null;
  /** The `kid` header: undefined means the runner's key id, null leaves it out. */
  readonly kid: string | null | undefined;
  /** More protected header members (`typ`, `crit`, `jku`, ...). */
  readonly header: Readonly<Record<string, unknown>>;
  /** `untrusted` signs with a fresh key the policy does not know, under the same `kid`. */
  readonly key: "trusted" | "untrusted";
}

const TOP_FIELDS = ["policy", "now", "cases"];
const CASE_FIELDS = ["name", "request", "expect", "reason", "rule", "now"];
const TOKEN_CONTROLS = ["alg", "kid", "header", "key"];
const TIME_CLAIMS = ["iat", "exp", "nbf"];

type Path = readonly (string | number)[];

/** Offsets of every node of the document, by path, for pointing diagnostics at it. */
function indexRanges(node: unknown, path: Path, out: Map<string, [number, number]>): void {
  const record = (at: Path, target: unknown): void => {
    const range = (target as { range?: [number, number, number] } | null)?.range;
    if (range !== undefined) out.set(JSON.stringify(at), [range[0], range[1]]);
  };
  record(path, node);
  if (isAlias(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      record([...path, key, "#key"], pair.key);
      indexRanges(pair.value, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      indexRanges(item, [...path, index], out);
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a policy test file. Unknown fields, a misspelt reason code and malformed times are
 * errors, so that a typo can never turn a case into one that passes for the wrong reason.
 */
export function parseTestFile(
  text: string,
  file: string,
): { testFile: PolicyTestFile | null; diagnostics: Diagnostic[] } {
  const lines = new LineIndex(file, text);
  const diagnostics: Diagnostic[] = [];
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const error of document.errors) {
    // The YAML library often marks one character; underline the whole word there instead.
    const [start, end] = error.pos;
    const word = /^[^\s:,[\]{}#]+/.exec(text.slice(start))?.[0] ?? "";
    diagnostics.push({
      code: "test/yaml",
      severity: "error",
      message: error.message.charAt(0).toLowerCase() + error.message.slice(1).replace(/\.$/, ""),
      span: lines.span(start, Math.max(end, start + word.length)),
    });
  }
  if (diagnostics.length > 0) return { testFile: null, diagnostics };

  const ranges = new Map<string, [number, number]>();
  indexRanges(document.contents as Node | null, [], ranges);
  const spanAt = (path: Path) => {
    for (let cut = path.length; cut >= 0; cut -= 1) {
      const found = ranges.get(JSON.stringify(path.slice(0, cut)));
      if (found !== undefined) return lines.span(found[0], found[1]);
    }
    return lines.span(0, 0);
  };
  const fail = (path: Path, code: string, message: string, help?: string): void => {
    diagnostics.push({
      code,
      severity: "error",
      message,
      span: spanAt(path),
      ...(help === undefined ? {} : { help }),
    });
  };
  const unknownFields = (value: Record<string, unknown>, allowed: string[], path: Path): void => {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        fail(
          [...path, key, "#key"],
          "test/unknown-field",
          `unknown field \`${key}\``,
          `expected one of ${allowed.map((name) => `\`${name}\``).join(", ")}`,
        );
      }
    }
  };
  const readNow = (value: unknown, path: Path): number | null => {
    if (value === undefined || value === null) return null;
    const instant = parseInstant(String(value));
    if (instant.ok) return instant.ms;
    fail(path, "test/invalid-time", instant.message);
    return null;
  };

  let root: unknown;
  try {
    root = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    fail([], "test/yaml", error instanceof Error ? error.message : String(error));
    return { testFile: null, diagnostics };
  }
  if (!isPlainObject(root)) {
    fail([], "test/not-a-test-file", "a policy test file is a map with `policy` and `cases`");
    return { testFile: null, diagnostics };
  }
  unknownFields(root, TOP_FIELDS, []);

  const policy = typeof root.policy === "string" ? [root.policy] : root.policy;
  if (
    !Array.isArray(policy) ||
    policy.length === 0 ||
    !policy.every((entry) => typeof entry === "string" && entry !== "")
  ) {
    fail(
      ["policy"],
      "test/missing-policy",
      "`policy` must name the policy under test: a path or a list of paths",
      "paths are relative to this file: policy files, folders, or one compiled `.json`",
    );
  }
  const nowMs = readNow(root.now, ["now"]);

  const cases: PolicyTestCase[] = [];
  if (!Array.isArray(root.cases) || root.cases.length === 0) {
    fail(["cases"], "test/no-cases", "`cases` must be a non-empty list of cases");
  } else {
    root.cases.forEach((entry: unknown, index: number) => {
      const parsed = readCase(entry, ["cases", index], { fail, unknownFields, readNow });
      if (parsed !== null) {
        const span = spanAt(["cases", index]);
        cases.push({ ...parsed, line: span.line, column: span.column });
      }
    });
  }

  if (diagnostics.length > 0) return { testFile: null, diagnostics };
  return { testFile: { file, policy: policy as string[], nowMs, cases }, diagnostics };
}

interface CaseReaders {
  readonly fail: (path: Path, code: string, message: string, help?: string) => void;
  readonly unknownFields: (value: Record<string, unknown>, allowed: string[], path: Path) => void;
  readonly readNow: (value: unknown, path: Path) => number | null;
}

function readCase(
  entry: unknown,
  path: Path,
  { fail, unknownFields, readNow }: CaseReaders,
): Omit<PolicyTestCase, "line" | "column"> | null {
  if (!isPlainObject(entry)) {
    fail(path, "test/invalid-case", "a case is a map with `name`, `request` and `expect`");
    return null;
  }
  unknownFields(entry, CASE_FIELDS, path);

  const name = typeof entry.name === "string" && entry.name !== "" ? entry.name : null;
  if (name === null) fail([...path, "name"], "test/invalid-case", "a case needs a `name`");

  const expect = entry.expect;
  if (expect !== "allow" && expect !== "deny") {
    fail(
      [...path, "expect"],
      "test/invalid-case",
      expect === undefined
        ? "a case needs `expect: allow` or `expect: deny`"
        : `\`expect\` must be \`allow\` or \`deny\`, not \`${String(expect)}\``,
    );
  }

  let reason: ReasonCode | null = null;
  if (entry.reason !== undefined && entry.reason !== null) {
    if ((REASON_CODES as readonly unknown[]).includes(entry.reason)) {
      reason = entry.reason as ReasonCode;
    } else {
      fail(
        [...path, "reason"],
        "test/unknown-reason",
        `unknown reason \`${String(entry.reason)}\``,
        `reasons: ${REASON_CODES.join(", ")}`,
      );
    }
  }
  let rule: string | null = null;
  if (entry.rule !== undefined && entry.rule !== null) {
    if (typeof entry.rule === "string" && /^[^:]+(:\d+)?$/.test(entry.rule)) rule = entry.rule;
    else {
      fail(
        [...path, "rule"],
        "test/invalid-case",
        "`rule` must be a rule id such as `api-service/ingress/0` " +
          "or a place such as `../policy/api.policy:8`",
      );
    }
  }

  if (!isPlainObject(entry.request)) {
    fail([...path, "request"], "test/invalid-case", "a case needs a `request` map");
    return null;
  }
  const { token: rawToken, ...request } = entry.request;
  let token: TokenSpec | null = null;
  if (rawToken !== undefined && rawToken !== null) {
    if (request.type !== "request") {
      fail(
        [...path, "request", "token", "#key"],
        "test/invalid-token",
        "a `token` only takes part in `type: request`",
      );
    }
    token = readToken(rawToken, [...path, "request", "token"], fail);
  }

  const nowMs = readNow(entry.now, [...path, "now"]);
  if (name === null || (expect !== "allow" && expect !== "deny")) return null;
  return { name, request, token, expect, reason, rule, nowMs };
}

function readToken(value: unknown, path: Path, fail: CaseReaders["fail"]): TokenSpec | null {
  if (!isPlainObject(value)) {
    fail(path, "test/invalid-token", "a `token` is a map of claims such as `sub` and `scope`");
    return null;
  }
  const claims: Record<string, unknown> = {};
  for (const [key, claim] of Object.entries(value)) {
    if (TOKEN_CONTROLS.includes(key)) continue;
    if (TIME_CLAIMS.includes(key) && claim !== null) {
      const checked =
        typeof claim === "string" || typeof claim === "number"
          ? claimTime(claim, 0)
          : { ok: false as const, message: `\`${key}\` must be a time such as \`-30s\`` };
      if (!checked.ok) fail([...path, key], "test/invalid-time", checked.message);
    }
    claims[key] = claim;
  }

  let alg: string | null = null;
  if (value.alg !== undefined && value.alg !== null) {
    if (typeof value.alg === "string" && SIGNING_ALGORITHMS.includes(value.alg))
      alg = value.alg as string;
    else {
      fail(
        [...path, "alg"],
        "test/invalid-token",
        `the runner cannot sign with \`${String(value.alg)}\``,
        `algorithms: ${SIGNING_ALGORITHMS.join(", ")}`,
      );
    }
  }
  let kid: string | null | undefined;
  if (value.kid === null || typeof value.kid === "string") kid = value.kid;
  else if (value.kid !== undefined)
    fail([...path, "kid"], "test/invalid-token", "`kid` must be a string or null");

  let header: Record<string, unknown> = {};
  if (isPlainObject(value.header)) {
    header = value.header;
    if ("alg" in header) {
      fail(
        [...path, "header", "alg", "#key"],
        "test/invalid-token",
        "set the algorithm with `alg` beside the claims, not in `header`",
      );
    }
  } else if (value.header !== undefined) {
    fail([...path, "header"], "test/invalid-token", "`header` must be a map of header members");
  }

  const key = value.key ?? "trusted";
  if (key !== "trusted" && key !== "untrusted") {
    fail([...path, "key"], "test/invalid-token", "`key` must be `trusted` or `untrusted`");
  }
  return { claims, alg, kid, header, key: key === "untrusted" ? "untrusted" : "trusted" };
}
