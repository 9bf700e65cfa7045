/**
 * Lexer and parser errors turned into diagnostics: the wording of "expected … found …", the
 * `parse/…` code of each case, and "did you mean" for misspelt keywords.
 */
import {
  EOF,
  type ILexingError,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { Diagnostic } from "../diagnostic.ts";
import { closestMatch } from "./near-miss.ts";
import {
  ClaimPath,
  KEYWORDS,
  keyword,
  NumberLike,
  RBrace,
  RESERVED_KEYWORD_SET,
  StringLiteral,
  Word,
} from "./tokens.ts";

const KEYWORD_TOKENS: ReadonlySet<TokenType> = new Set(KEYWORDS.values());

/** Thrown out of the parser when a file has more syntax errors than are worth recovering from. */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super("too many syntax errors");
    this.name = "TooManySyntaxErrors";
  }
}

/** What a word means in each grammar rule, for messages like "expected a service id". */
const WORD_MEANING: Readonly<Record<string, string>> = {
  serviceDecl: "a service id",
  servicePeer: "a service id",
  anyPeer: "a service id",
  peers: "a service id",
  namedPort: "a port name",
  portItem: "a port",
  portClause: "a port",
  scopesClause: "a scope",
  trustSetting: "an algorithm name",
};

const NUMBER_MEANING: Readonly<Record<string, string>> = {
  namedPort: "a port number",
  portItem: "a port",
  portClause: "a port",
  trustSetting: "a duration like `30s` or `5m`",
};

/**
 * When a block's closing `}` is missing, chevrotain only knows that `}` was expected; these are
 * the other tokens that could have stood there, so the message (and "did you mean") is complete.
 */
const ALSO_BEFORE_CLOSING_BRACE: Readonly<Record<string, readonly TokenType[]>> = {
  trustBlock: [
    keyword("issuer"),
    keyword("algorithms"),
    keyword("keys"),
    keyword("max-age"),
    keyword("clock-skew"),
    keyword("multiple-audiences"),
  ],
  serviceDecl: [keyword("port"), keyword("ingress"), keyword("egress")],
  ingressBlock: [
    keyword("port"),
    keyword("protocol"),
    keyword("scopes"),
    keyword("when"),
    keyword("allow"),
    keyword("deny"),
  ],
  egressBlock: [
    keyword("port"),
    keyword("protocol"),
    keyword("when"),
    keyword("allow"),
    keyword("deny"),
  ],
};

const TOP_LEVEL: readonly TokenType[] = [keyword("trust"), keyword("service")];

/** Stands for the end of the input when chevrotain hands over no token at all. */
const END_OF_INPUT: IToken = {
  image: "",
  startOffset: Number.NaN,
  tokenType: EOF,
  tokenTypeIdx: 0,
};

/** How a found token is named in a message. */
function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return "end of file";
  const image = token.image.length > 40 ? `${token.image.slice(0, 40)}…` : token.image;
  return `\`${image}\``;
}

/** How an expected token is named in a message, given the rule that expected it. */
function describeExpected(token: TokenType, ruleName: string): string {
  if (token === Word) return WORD_MEANING[ruleName] ?? "a name";
  if (token === NumberLike) return NUMBER_MEANING[ruleName] ?? "a number";
  if (token === StringLiteral) return "a double-quoted string";
  if (token === ClaimPath) return "a claim like `token.sub`";
  if (token === EOF) return "end of file";
  return `\`${token.LABEL ?? token.name}\``;
}

function joinAlternatives(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

/**
 * Words the parser's messages in plain terms. chevrotain hands over only the message text with
 * each error, so the expected tokens behind each message are remembered here, keyed by message
 * (a message names every expected token, so equal messages mean equal expectations).
 */
export class SyntaxMessages implements IParserErrorMessageProvider {
  private readonly expectedByMessage = new Map<string, readonly TokenType[]>();
  private errorsThisPass = 0;
  private entry: "policyFile" | "condition" = "policyFile";

  /**
   * @param budget errors one pass may produce; the next one throws `TooManySyntaxErrors`, which
   *   ends the parse (chevrotain passes on exceptions that are not its own)
   */
  constructor(private readonly budget: number) {}

  /** The tokens that were expected where the error with this message arose. */
  expectedFor(message: string): readonly TokenType[] {
    return this.expectedByMessage.get(message) ?? [];
  }

  /** Starts counting errors afresh, for a new text parsed from the given entry rule. */
  startPass(entry: "policyFile" | "condition"): void {
    this.entry = entry;
    this.errorsThisPass = 0;
    this.expectedByMessage.clear();
  }

  /** Forgets remembered expectations once a run's errors are reported, so memory stays small. */
  forgetExpectations(): void {
    this.expectedByMessage.clear();
  }

  private remember(expected: readonly TokenType[], found: IToken, ruleName: string): string {
    this.errorsThisPass++;
    if (this.errorsThisPass > this.budget) throw new TooManySyntaxErrors();
    const unique = [...new Set(expected)];
    const wanted = joinAlternatives(unique.map((token) => describeExpected(token, ruleName)));
    const message = `expected ${wanted}, found ${describeFound(found)}`;
    this.expectedByMessage.set(message, unique);
    return message;
  }

  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    ruleName: string;
  }): string {
    // The end is "expected" only where nothing else of the grammar could come; say what could.
    if (options.expected === EOF) return this.atEnd(options.actual);
    const also =
      options.expected === RBrace ? (ALSO_BEFORE_CLOSING_BRACE[options.ruleName] ?? []) : [];
    return this.remember([...also, options.expected], options.actual, options.ruleName);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken }): string {
    return this.atEnd(options.firstRedundant);
  }

  private atEnd(found: IToken): string {
    return this.remember(this.entry === "policyFile" ? TOP_LEVEL : [EOF], found, this.entry);
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    ruleName: string;
  }): string {
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]));
    const found = options.actual[0];
    return this.remember(
      firsts.filter((token): token is TokenType => token !== undefined),
      found ?? END_OF_INPUT,
      options.ruleName,
    );
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    ruleName: string;
  }): string {
    const firsts = options.expectedIterationPaths.map((path) => path[0]);
    const found = options.actual[0];
    return this.remember(
      firsts.filter((token): token is TokenType => token !== undefined),
      found ?? END_OF_INPUT,
      options.ruleName,
    );
  }
}

/** A short, printable rendering of source characters for a message. */
function showCharacters(text: string): string {
  const shown = [...text.slice(0, 24)]
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f || code === 0x60 ? `\\u{${code.toString(16)}}` : char;
    })
    .join("");
  return text.length > 24 ? `${shown}…` : shown;
}

function characterHelp(text: string): string | undefined {
  if (text.startsWith("=")) return "conditions compare with `==` or `!=`";
  if (text.startsWith("'")) return "strings are written in double quotes";
  if (text.startsWith("!")) return "negate a condition with `not`";
  if (text.startsWith("&") || text.startsWith("|")) return "combine conditions with `and`, `or`";
  if (text.startsWith("-")) return "a name starts with a letter; a number with a digit";
  // Control characters or text outside ASCII: most likely not a policy file at all.
  if (/[^\t\n\r\x20-\x7e]/.test(text)) {
    return (
      "only ASCII letters, digits and punctuation of the language may appear " +
      "outside strings and comments"
    );
  }
  return undefined;
}

/** A lexer error (characters no token matches) as a diagnostic. */
export function lexingDiagnostic(
  error: ILexingError,
  text: string,
  span: (start: number, end: number) => Diagnostic["span"],
): Diagnostic {
  const bad = text.slice(error.offset, error.offset + error.length);
  const help = characterHelp(bad);
  const plural = bad.length === 1 ? "character" : "characters";
  return {
    code: "parse/invalid-character",
    severity: "error",
    message: `unexpected ${plural} \`${showCharacters(bad)}\``,
    span: span(error.offset, error.offset + error.length),
    ...(help === undefined ? {} : { help }),
  };
}

/**
 * A parser error as a diagnostic. A word where a keyword belongs, close to one, becomes
 * `parse/unknown-keyword` with a suggestion; the end of the file, `parse/unexpected-end`.
 */
export function recognitionDiagnostic(
  error: IRecognitionException,
  messages: SyntaxMessages,
  textLength: number,
  span: (start: number, end: number) => Diagnostic["span"],
): Diagnostic {
  const token = error.token;
  const end = textLength;
  const atEnd = token.tokenType === EOF || !Number.isFinite(token.startOffset);
  const start = atEnd ? end : token.startOffset;
  const where = span(start, atEnd ? start : start + token.image.length);

  if (atEnd) {
    return {
      code: "parse/unexpected-end",
      severity: "error",
      message: `unexpected end of file: ${error.message.replace(/, found end of file$/, "")}`,
      span: where,
      help: "the file may be cut short; check that every `{` has its `}`",
    };
  }

  const expected = messages.expectedFor(error.message);
  if (token.tokenType === Word || token.tokenType.CATEGORIES?.includes(Word) === true) {
    const expectedKeywords = expected
      .filter((type) => KEYWORD_TOKENS.has(type))
      .map((type) => type.LABEL ?? type.name);
    const suggestion =
      closestMatch(token.image, expectedKeywords) ?? closestMatch(token.image, KEYWORDS.keys());
    if (suggestion !== null && suggestion !== token.image) {
      return {
        code: "parse/unknown-keyword",
        severity: "error",
        message: `unknown keyword \`${token.image}\``,
        span: where,
        help: `did you mean \`${suggestion}\`?`,
      };
    }
  }

  const reservedHelp =
    RESERVED_KEYWORD_SET.has(token.image) && expected.includes(Word)
      ? `\`${token.image}\` is a keyword and cannot be used as a name`
      : undefined;
  return {
    code: "parse/unexpected-token",
    severity: "error",
    message: error.message,
    span: where,
    ...(reservedHelp === undefined ? {} : { help: reservedHelp }),
  };
}
