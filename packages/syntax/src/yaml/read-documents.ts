/**
 * YAML text to composed documents, with every node's source range kept, behind guards against
 * hostile input: the size of the text and of one document, the depth of nesting and the size of
 * one mapping are checked on the way, before the `yaml` package's composer ever sees the
 * document. (The composer recurses, and compares each new key with every earlier key of its
 * mapping.)
 */
import { Composer, type CST, type Document, Lexer, Parser, type YAMLError } from "yaml";
import { LIMITS } from "../limits.ts";
import type { Reporter } from "./report.ts";

/**
 * The options every document is composed with. Keys must be unique (a duplicate `ports:` must
 * not silently replace the first), the YAML 1.2 core schema is used whatever a `%YAML` directive
 * says (so `no` is text and `010` is ten, never a boolean or octal), and `<<` merge keys are off.
 * Aliases are resolved by this loader itself, never by the package's `toJS`, under its own
 * expansion budget (see `tree.ts`).
 */
export const LOADER_OPTIONS = Object.freeze({
  version: "1.2",
  schema: "core",
  uniqueKeys: true,
  merge: false,
  strict: true,
  intAsBigInt: false,
  prettyErrors: false,
} as const);

/**
 * Most entries one mapping may hold. The composer checks each new key against all earlier ones,
 * so an unbounded mapping costs quadratic time; no policy mapping comes near this.
 */
export const MAX_MAPPING_ENTRIES = 1000;

/**
 * Most lexical tokens one document may hold. The parser keeps a whole document in memory before
 * handing it on, so this bounds memory and time per document; a document holds one service's
 * rules, which come nowhere near it.
 */
export const MAX_DOCUMENT_TOKENS = 500_000;

/** Lexer marks that stand for no source text: the start of a document, the forced end of flow. */
const DOCUMENT_MARK = "\u0002";
const FLOW_END_MARK = "\u0018";

/**
 * The documents of a YAML text, in order, each composed with `LOADER_OPTIONS`. Problems found
 * on the way (size, nesting, wide mappings) are reported and the document concerned is skipped;
 * syntax errors stay on the documents, for the caller to report.
 */
export function* readDocuments(text: string, reporter: Reporter): Generator<Document.Parsed> {
  if (text.length > LIMITS.maxSourceBytes || Buffer.byteLength(text) > LIMITS.maxSourceBytes) {
    reporter.report("yaml/source-too-large", "the file is too large to read", 0, 0, {
      help: `a policy file may hold at most ${LIMITS.maxSourceBytes} bytes; split it into several`,
    });
    return;
  }

  const composer = new Composer(LOADER_OPTIONS);
  const parser = new Parser();
  let skippingDocument = false;

  function* compose(token: CST.Token): Generator<Document.Parsed> {
    if (token.type === "document") {
      skippingDocument = !documentWithinBounds(token, reporter);
      if (skippingDocument) return;
    } else if (token.type === "doc-end" && skippingDocument) {
      skippingDocument = false;
      return;
    }
    yield* composer.next(token);
  }

  // The parser builds its tree without recursion, but a file of ten million `[` would still cost
  // a node per bracket before the depth check on the tree runs. Counting flow brackets while
  // lexing stops such a file early; the tree check below stays the exact one.
  let flowDepth = 0;
  let stopped = false;
  let pendingTokens = 0;
  let pendingStart = 0;
  for (const lexeme of new Lexer().lex(text)) {
    pendingTokens++;
    if (pendingTokens > MAX_DOCUMENT_TOKENS) {
      reporter.report(
        "yaml/document-too-large",
        "this document is too large to read",
        pendingStart,
        pendingStart + 1,
        { help: "a document holds one service's policy; the rest of the file was not read" },
      );
      stopped = true;
      break;
    }
    if (lexeme === "[" || lexeme === "{") {
      flowDepth++;
      if (flowDepth > LIMITS.maxNesting) {
        reportTooDeep(reporter, parser.offset);
        stopped = true;
        break;
      }
    } else if (lexeme === "]" || lexeme === "}") {
      flowDepth = Math.max(0, flowDepth - 1);
    } else if (lexeme === DOCUMENT_MARK || lexeme === FLOW_END_MARK) {
      flowDepth = 0;
    }
    for (const token of parser.next(lexeme)) {
      pendingTokens = 0;
      pendingStart = parser.offset;
      yield* compose(token);
    }
  }
  if (!stopped) {
    for (const token of parser.end()) yield* compose(token);
  }
  yield* composer.end();
}

/**
 * Checks one document's syntax tree for nesting deeper than `LIMITS.maxNesting` and mappings
 * wider than `MAX_MAPPING_ENTRIES`, without recursion. Reports the first problem found.
 */
function documentWithinBounds(document: CST.Document, reporter: Reporter): boolean {
  const pending: { token: CST.Token; depth: number }[] = [];
  if (document.value !== undefined) pending.push({ token: document.value, depth: 0 });

  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { token, depth } = next;
    if (
      token.type !== "block-map" &&
      token.type !== "block-seq" &&
      token.type !== "flow-collection"
    ) {
      continue;
    }

    const inner = depth + 1;
    if (inner > LIMITS.maxNesting) {
      reportTooDeep(reporter, token.offset);
      return false;
    }
    const isMapping =
      token.type === "block-map" ||
      (token.type === "flow-collection" && token.start.source === "{");
    if (isMapping && token.items.length > MAX_MAPPING_ENTRIES) {
      reporter.report(
        "yaml/mapping-too-large",
        `a mapping holds more than ${MAX_MAPPING_ENTRIES} entries`,
        token.offset,
        token.offset + 1,
        { help: "no part of a policy needs a mapping this large; split the document" },
      );
      return false;
    }

    for (const item of token.items) {
      if ("key" in item && item.key) pending.push({ token: item.key, depth: inner });
      if (item.value) pending.push({ token: item.value, depth: inner });
    }
  }
  return true;
}

function reportTooDeep(reporter: Reporter, offset: number): void {
  reporter.report(
    "yaml/too-deep",
    `collections are nested more than ${LIMITS.maxNesting} levels deep`,
    offset,
    offset + 1,
    { help: "no policy needs this much nesting; the rest of this document was not read" },
  );
}

/**
 * The syntax errors and warnings the `yaml` package left on a document, as diagnostics. Duplicate
 * keys are skipped here: the tree builder reports them with the place of the first key as well.
 * Returns whether any error was reported.
 */
export function reportYamlErrors(document: Document.Parsed, reporter: Reporter): boolean {
  let failed = false;
  const report = (problem: YAMLError, severity: "error" | "warning"): void => {
    if (problem.code === "DUPLICATE_KEY" || problem.code === "TAG_RESOLVE_FAILED") return;
    if (severity === "error") failed = true;
    const [start, end] = problem.pos;
    reporter.report("yaml/syntax", plainMessage(problem.message), start, Math.max(start, end), {
      severity,
      help: `the YAML parser reports \`${problem.code}\``,
    });
  };
  for (const problem of document.errors) report(problem, "error");
  for (const problem of document.warnings) report(problem, "warning");
  return failed;
}

/** The package's message in our style: first line only, lowercase start, no final period. */
function plainMessage(message: string): string {
  const line = (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "").trim();
  const text = line.replace(/\.$/, "");
  return text.length === 0 ? "invalid YAML" : text[0]?.toLowerCase() + text.slice(1);
}
