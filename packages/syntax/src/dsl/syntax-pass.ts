/**
 * One pass of the front end over a text. The text is read in slices: each slice is lexed,
 * filtered by the nesting guard, and every complete top-level block is parsed and handed on
 * (to be turned into AST) before the next slice is read. Tokens and syntax trees of one slice
 * are garbage by the time the next is read, which keeps memory flat on large files, and a file
 * that is not text is given up on after its first slice.
 */
import type { CstNode, IRecognitionException, IToken, TokenType } from "chevrotain";
import type { Diagnostic } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { PolicyGrammar } from "./grammar.ts";
import { NestingGuard } from "./nesting-guard.ts";
import {
  lexingDiagnostic,
  recognitionDiagnostic,
  SyntaxMessages,
  TooManySyntaxErrors,
} from "./syntax-errors.ts";
import { keyword, LBrace, lexPolicy, RBrace, UnterminatedString } from "./tokens.ts";

/** Parser errors after which a file is given up on (each costs a thrown exception). */
const MAX_PARSER_ERRORS = 10 * LIMITS.maxDiagnosticsPerFile;

const messages = new SyntaxMessages(MAX_PARSER_ERRORS);

/**
 * The parser of this process, built once: construction analyses the grammar and throws if the
 * grammar itself is broken, which is a bug found at start-up, never on input.
 */
export const policyParser = new PolicyGrammar(messages);

/** Diagnostics kept per pass; beyond this they are only counted. */
const MAX_KEPT_DIAGNOSTICS = 10 * LIMITS.maxDiagnosticsPerFile;

/** About how much text is lexed at a time. */
const SLICE_CHARACTERS = 64 * 1024;

/**
 * Top-level blocks are parsed in runs of at least this many tokens: a run's syntax tree is
 * turned into AST and dropped before the next run is parsed.
 */
const RUN_TOKENS = 2000;

/** Tokens outside any block are not a policy; they are parsed in runs of this many at most. */
const STRAY_RUN_TOKENS = 4 * RUN_TOKENS;

const NESTING_HELP: Readonly<Record<"(" | "[" | "{", string>> = {
  "(": "split the condition over several rules",
  "[": "a list of values holds strings, numbers, `true` and `false`, not other lists",
  "{": "blocks nest two levels at most: a `service` holds `ingress` and `egress` blocks",
};

const BRACKET_NAMES: Readonly<Record<"(" | "[" | "{", string>> = {
  "(": "parentheses",
  "[": "brackets",
  "{": "braces",
};

/** Makes a span from two offsets of the file. */
export type Spanner = (start: number, end: number) => Diagnostic["span"];

/**
 * True for a character that can be inside a token (outside strings and comments): letters,
 * digits and `_ . : / * - = !`. A slice may end after any other character.
 */
function joinsTokens(code: number): boolean {
  return (
    (code >= 48 && code <= 58) || // digits and `:`
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 || // _
    code === 46 || // .
    code === 47 || // /
    code === 42 || // *
    code === 45 || // -
    code === 61 || // =
    code === 33 // !
  );
}

/**
 * Where the slice starting at `from` should end: after the first character at or after `target`
 * that is outside any string or comment and cannot continue a token (a blank, a line break, a
 * bracket, a comma, a stray character). No token spans such a place, so the slices can be
 * lexed on their own. `from` must itself be such a place.
 */
function sliceEnd(text: string, from: number, target: number): number {
  if (target >= text.length) return text.length;
  let inString = false;
  let inComment = false;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10) {
      if (index >= target) return index + 1;
      inString = false;
      inComment = false;
    } else if (inComment) {
      // A comment runs to the end of the line.
    } else if (inString) {
      if (code === 13 || code === 34) inString = false;
      else if (code === 92 && index + 1 < text.length) {
        const next = text.charCodeAt(index + 1);
        if (next !== 10 && next !== 13) index++;
      }
    } else if (code === 35) {
      inComment = true;
    } else if (code === 34) {
      inString = true;
    } else if (index >= target && !joinsTokens(code)) {
      return index + 1;
    }
  }
  return text.length;
}

/** Index of the first token starting at or after `offset` (the length when there is none). */
function tokenIndexFrom(tokens: readonly IToken[], offset: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((tokens[mid] as IToken).startOffset < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

const SERVICE = keyword("service");
const TRUST = keyword("trust");

/** Tokens that start a rule or a block: after an error, the parser is back on track there. */
const RESTART_TOKENS: ReadonlySet<TokenType> = new Set([
  keyword("allow"),
  keyword("deny"),
  keyword("service"),
  keyword("trust"),
  keyword("ingress"),
  keyword("egress"),
]);

/**
 * The parser errors worth reporting. Once the parser has stumbled, it often stumbles again
 * before it is back on track (at the next rule or block), over the same fault; only the first
 * error of each such stretch is kept, so each fault is reported once.
 */
function firstOfEachCascade(
  run: readonly IToken[],
  errors: readonly IRecognitionException[],
): IRecognitionException[] {
  const located = errors.map((error) => ({
    error,
    index: Number.isFinite(error.token.startOffset)
      ? tokenIndexFrom(run, error.token.startOffset)
      : run.length,
  }));
  located.sort((a, b) => a.index - b.index);

  const kept: IRecognitionException[] = [];
  let quietUntil = -1;
  for (const { error, index } of located) {
    if (index < quietUntil) continue;
    kept.push(error);
    quietUntil = index + 1;
    while (quietUntil < run.length && !RESTART_TOKENS.has((run[quietUntil] as IToken).tokenType)) {
      quietUntil++;
    }
  }
  return kept;
}

/** One pass over a text: lexing, nesting guard and parsing, with the problems met. */
export class SyntaxPass {
  readonly diagnostics: Diagnostic[] = [];
  /** Problems found beyond those kept, only counted. */
  dropped = 0;
  /** Offsets of tokens where a parser complaint follows from a fault already reported. */
  private readonly consequences = new Set<number>();
  private readonly guard: NestingGuard;
  private pending: IToken[] = [];
  private braceDepth = 0;
  private runEnd = 0;
  private stopped = false;

  constructor(
    private readonly text: string,
    private readonly spanOf: Spanner,
    private readonly entry: "policyFile" | "condition",
    private readonly onTree: (tree: CstNode) => void,
  ) {
    this.guard = new NestingGuard(
      LIMITS.maxNesting,
      (region) =>
        this.report({
          code: "parse/nesting-too-deep",
          severity: "error",
          message: `${BRACKET_NAMES[region.bracket]} nest deeper than ${LIMITS.maxNesting} levels`,
          span: spanOf(region.opener.startOffset, region.opener.startOffset + 1),
          help: NESTING_HELP[region.bracket],
        }),
      (token) => this.consequences.add(token.startOffset),
    );
  }

  /** Reads the whole text, handing each syntax tree to `onTree`; problems go to `diagnostics`. */
  run(): void {
    messages.startPass(this.entry);
    let lexingErrors = 0;
    let afterBadCharacters = false;
    for (let from = 0; from < this.text.length && !this.stopped; ) {
      const to = sliceEnd(this.text, from, from + SLICE_CHARACTERS);
      const lexed = lexPolicy(this.text.slice(from, to));

      for (const error of lexed.errors) {
        lexingErrors++;
        if (lexingErrors > LIMITS.maxDiagnosticsPerFile) break;
        this.report(
          lexingDiagnostic({ ...error, offset: error.offset + from }, this.text, this.spanOf),
        );
      }
      // So much unreadable text is not a policy with a few typos; parsing it would only add
      // noise, so reading stops here.
      if (lexingErrors > LIMITS.maxDiagnosticsPerFile) {
        this.stop("characters", from);
        return;
      }

      let errorIndex = 0;
      for (const token of lexed.tokens) {
        const local = token.startOffset;
        // The lexer tracks start offsets only; the parser's node locations need the end too.
        token.startOffset = local + from;
        token.endOffset = token.startOffset + token.image.length - 1;
        while ((lexed.errors[errorIndex]?.offset ?? Number.POSITIVE_INFINITY) < local) {
          errorIndex++;
          afterBadCharacters = true;
        }
        if (afterBadCharacters) {
          this.consequences.add(token.startOffset);
          afterBadCharacters = false;
        }
        if (token.tokenType === UnterminatedString) this.unterminated(token);
      }
      if (errorIndex < lexed.errors.length) afterBadCharacters = true;

      this.guard.push(lexed.tokens, this.pending);
      if (this.entry === "policyFile") this.parseCompleteRuns();
      from = to;
    }
    if (!this.stopped && (this.pending.length > 0 || this.entry === "condition")) {
      this.parse(this.pending);
    }
    this.pending = [];
  }

  private report(diagnostic: Diagnostic): void {
    if (this.diagnostics.length < MAX_KEPT_DIAGNOSTICS) this.diagnostics.push(diagnostic);
    else this.dropped++;
  }

  private unterminated(token: IToken): void {
    this.report({
      code: "parse/unterminated-string",
      severity: "error",
      message: "string is not closed on its line",
      span: this.spanOf(token.startOffset, token.startOffset + token.image.length),
      help: 'end the string with `"`; a string cannot span lines',
    });
  }

  /**
   * Parses pending tokens once they make a long enough run that ends between top-level blocks:
   * after a `}` that closes one, or, among stray tokens outside any block, before the next block.
   */
  private parseCompleteRuns(): void {
    let pending = this.pending;
    for (let index = this.runEnd; index < pending.length; index++) {
      const type = (pending[index] as IToken).tokenType;
      let end = -1;
      if (type === LBrace) this.braceDepth++;
      else if (type === RBrace && this.braceDepth > 0) {
        this.braceDepth--;
        if (this.braceDepth === 0 && index + 1 >= RUN_TOKENS) end = index + 1;
      } else if (this.braceDepth === 0 && index >= STRAY_RUN_TOKENS) {
        // Stray tokens: cut before the next block, or anywhere if none is in sight.
        const startsBlock = type === SERVICE || type === TRUST;
        if (startsBlock || index >= 2 * STRAY_RUN_TOKENS) end = index;
      }
      if (end < 0) continue;

      this.parse(pending.slice(0, end));
      if (this.stopped) return;
      pending = pending.slice(end);
      this.pending = pending;
      index = -1;
    }
    this.runEnd = pending.length;
  }

  private parse(run: IToken[]): void {
    policyParser.input = run;
    try {
      this.onTree(
        this.entry === "policyFile" ? policyParser.policyFile() : policyParser.condition(),
      );
      for (const error of firstOfEachCascade(run, policyParser.errors)) {
        if (this.consequences.has(error.token.startOffset)) continue;
        this.report(recognitionDiagnostic(error, messages, this.text.length, this.spanOf));
      }
    } catch (error) {
      if (!(error instanceof TooManySyntaxErrors)) throw error;
      this.stop("syntax", run[0]?.startOffset ?? 0);
    } finally {
      messages.forgetExpectations();
    }
  }

  private stop(what: "characters" | "syntax", offset: number): void {
    this.stopped = true;
    this.diagnostics.push({
      code: "parse/gave-up",
      severity: "error",
      message:
        what === "characters"
          ? "too many characters that are not part of the language; reading stopped here"
          : "too many syntax errors; reading stopped here",
      span: this.spanOf(offset, offset),
      help:
        what === "characters"
          ? "is this a text policy file? check its name and encoding (UTF-8)"
          : "fix the first errors and check again",
    });
  }
}

/**
 * Runs a pass with `Error.stackTraceLimit` at zero. The parser reports every syntax error as a
 * thrown exception, and collecting stack traces for them is a large part of the cost of a broken
 * file; the traces are never used. The old limit is restored before returning.
 */
export function withoutStackTraces<T>(run: () => T): T {
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = previous;
    policyParser.input = [];
  }
}
