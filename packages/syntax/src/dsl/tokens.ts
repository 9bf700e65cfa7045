/**
 * The tokens of the policy language (`*.policy` files) and the lexer built from them.
 *
 * Every pattern here is linear: character classes whose repetitions cannot overlap, so no input
 * can make the lexer backtrack. Keywords are not lexed on their own: the lexer reads every name
 * as a `Word`, and `lexPolicy` then gives the words spelt like a keyword that keyword's token
 * type. So `portal` stays a word, and the lexer tries one pattern per name instead of one per
 * keyword sharing its first letter.
 */
import { createToken, type ILexingResult, Lexer, type TokenType } from "chevrotain";

/** Any name: service ids, named ports, scopes like `orders:read`, algorithm names. */
export const Word = createToken({
  name: "Word",
  label: "WORD",
  pattern: /[A-Za-z_][A-Za-z0-9_.:/*-]*/,
});

/**
 * Keywords that may not name anything. They are not words to the parser, which keeps the
 * grammar free of ambiguity (`allow from port` cannot mean a service called `port`).
 */
const RESERVED_KEYWORDS = [
  "trust",
  "service",
  "ingress",
  "egress",
  "allow",
  "deny",
  "from",
  "to",
  "port",
  "ports",
  "protocol",
  "protocols",
  "scopes",
  "when",
  "any",
  "except",
  "and",
  "or",
  "not",
  "in",
  "has",
  "true",
  "false",
] as const;

/**
 * Keywords that only mean something in one place (a trust setting, a protocol name). They also
 * count as words, so a service may still be called `keys` or `tcp`.
 */
const CONTEXTUAL_KEYWORDS = [
  "issuer",
  "algorithms",
  "keys",
  "url",
  "max-age",
  "clock-skew",
  "multiple-audiences",
  "tcp",
  "udp",
] as const;

/** A keyword of the language, reserved or contextual. */
export type Keyword = (typeof RESERVED_KEYWORDS)[number] | (typeof CONTEXTUAL_KEYWORDS)[number];

function keywordToken(text: Keyword, contextual: boolean): TokenType {
  return createToken({
    name: `Keyword_${text.replace(/-/g, "_")}`,
    label: text,
    pattern: Lexer.NA,
    ...(contextual ? { categories: [Word] } : {}),
  });
}

/** The token of each keyword, by its spelling. */
export const KEYWORDS: ReadonlyMap<Keyword, TokenType> = new Map<Keyword, TokenType>([
  ...RESERVED_KEYWORDS.map((text) => [text, keywordToken(text, false)] as const),
  ...CONTEXTUAL_KEYWORDS.map((text) => [text, keywordToken(text, true)] as const),
]);

/** The token of a keyword; throws at start-up if the name is not a keyword (a grammar bug). */
export function keyword(text: Keyword): TokenType {
  const token = KEYWORDS.get(text);
  if (token === undefined) throw new Error(`not a keyword: ${text}`);
  return token;
}

/** Keywords that can never be a name, for messages about misplaced keywords. */
export const RESERVED_KEYWORD_SET: ReadonlySet<string> = new Set(RESERVED_KEYWORDS);

/** Blanks and line breaks separate tokens and are otherwise ignored. A byte order mark too. */
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** `#` to the end of the line. */
export const Comment = createToken({
  name: "Comment",
  pattern: /#[^\n]*/,
  group: Lexer.SKIPPED,
});

// Strings, claims and numbers are matched by hand-written scanners rather than regular
// expressions: a repeated group in a JavaScript regular expression uses stack per repetition,
// and a ten-megabyte string or `1.1.1…` would overflow it. These loops use none.

function isWordCharacter(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95
  );
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/** `"` up to the closing `"` on the same line, with `\` escaping the next character. */
function scanString(text: string, offset: number): [string] | null {
  if (text.charCodeAt(offset) !== 34) return null;
  for (let index = offset + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 34) return [text.slice(offset, index + 1)];
    if (isLineBreak(code)) return null;
    if (code === 92) {
      if (index + 1 >= text.length || isLineBreak(text.charCodeAt(index + 1))) return null;
      index++;
    }
  }
  return null;
}

/** `"` up to the end of the line: a string whose closing quote is missing. */
function scanUnterminatedString(text: string, offset: number): [string] | null {
  if (text.charCodeAt(offset) !== 34) return null;
  let index = offset + 1;
  while (index < text.length && !isLineBreak(text.charCodeAt(index))) index++;
  return [text.slice(offset, index)];
}

/** `token` then one or more `.name` parts, a name being a letter or `_` then `[A-Za-z0-9_:-]`. */
function scanClaimPath(text: string, offset: number): [string] | null {
  if (!text.startsWith("token", offset)) return null;
  let index = offset + 5;
  let parts = 0;
  while (text.charCodeAt(index) === 46) {
    const first = text.charCodeAt(index + 1);
    if (!isWordCharacter(first) || (first >= 48 && first <= 57)) break;
    index += 2;
    for (let code = text.charCodeAt(index); ; code = text.charCodeAt(index)) {
      if (!isWordCharacter(code) && code !== 58 && code !== 45) break;
      index++;
    }
    parts++;
  }
  return parts === 0 ? null : [text.slice(offset, index)];
}

/** An optional `-`, a digit, then letters, digits, `_`, and single dots between them. */
function scanNumberLike(text: string, offset: number): [string] | null {
  let index = text.charCodeAt(offset) === 45 ? offset + 1 : offset;
  const first = text.charCodeAt(index);
  if (!(first >= 48 && first <= 57)) return null;
  index++;
  for (;;) {
    while (isWordCharacter(text.charCodeAt(index))) index++;
    if (text.charCodeAt(index) !== 46 || !isWordCharacter(text.charCodeAt(index + 1))) break;
    index++;
  }
  return [text.slice(offset, index)];
}

/** A double-quoted string on one line; `\"`, `\\`, `\n`, `\r`, `\t` are its escapes. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  label: "STRING",
  pattern: scanString,
  start_chars_hint: ['"'],
  line_breaks: false,
});

/**
 * A string whose closing quote is missing on its line. It counts as a string so parsing goes on;
 * the front end reports it.
 */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  label: "STRING",
  pattern: scanUnterminatedString,
  start_chars_hint: ['"'],
  line_breaks: false,
  categories: [StringLiteral],
});

/** `token.` followed by a claim name and optional sub-claims, like `token.org.tenant`. */
export const ClaimPath = createToken({
  name: "ClaimPath",
  label: "CLAIM",
  pattern: scanClaimPath,
  start_chars_hint: ["t"],
  line_breaks: false,
});

/**
 * Something that starts like a number. It is read wider than a valid number on purpose:
 * `8o80`, `1.5` and `5m` each stay one token, so a diagnostic can underline all of it and
 * durations need no separate token. Validity is checked when building the tree.
 */
export const NumberLike = createToken({
  name: "NumberLike",
  label: "NUMBER",
  pattern: scanNumberLike,
  start_chars_hint: ["-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
});

/** `..` between the two ends of a port range. */
export const DotDot = createToken({ name: "DotDot", label: "..", pattern: ".." });
/** `==` in a condition. */
export const Equals = createToken({ name: "Equals", label: "==", pattern: "==" });
/** `!=` in a condition. */
export const NotEquals = createToken({ name: "NotEquals", label: "!=", pattern: "!=" });
/** `{` opening a block. */
export const LBrace = createToken({ name: "LBrace", label: "{", pattern: "{" });
/** `}` closing a block. */
export const RBrace = createToken({ name: "RBrace", label: "}", pattern: "}" });
/** `(` around peer ports or a sub-condition. */
export const LParen = createToken({ name: "LParen", label: "(", pattern: "(" });
/** `)` closing a `(`. */
export const RParen = createToken({ name: "RParen", label: ")", pattern: ")" });
/** `[` opening a list of values in a condition. */
export const LBracket = createToken({ name: "LBracket", label: "[", pattern: "[" });
/** `]` closing a list of values. */
export const RBracket = createToken({ name: "RBracket", label: "]", pattern: "]" });
/** `,` between list items. */
export const Comma = createToken({ name: "Comma", label: ",", pattern: "," });

/** Every token the parser knows: what the lexer produces, and the keywords. */
export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  ClaimPath,
  NumberLike,
  Word,
  DotDot,
  Equals,
  NotEquals,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  ...KEYWORDS.values(),
];

/**
 * The lexer, built once, trying tokens in the order listed. `ClaimPath` precedes `Word` so
 * `token.sub` is one token; strings precede everything that could start inside one. Only start
 * offsets are tracked: spans come from offsets and token text. Optimisations are required, so a
 * pattern the lexer cannot speed up fails at start-up rather than running slowly.
 */
const lexer = new Lexer(
  ALL_TOKENS.filter((token) => token.PATTERN !== Lexer.NA),
  { positionTracking: "onlyOffset", ensureOptimizations: true },
);

const KEYWORD_BY_SPELLING: ReadonlyMap<string, TokenType> = KEYWORDS;

/**
 * Lexes policy text: chevrotain's tokens (start offsets only) and lexing errors, with every word
 * spelt like a keyword turned into that keyword's token.
 */
export function lexPolicy(text: string): ILexingResult {
  const result = lexer.tokenize(text);
  for (const token of result.tokens) {
    if (token.tokenType !== Word) continue;
    const keywordType = KEYWORD_BY_SPELLING.get(token.image);
    if (keywordType === undefined) continue;
    token.tokenType = keywordType;
    token.tokenTypeIdx = keywordType.tokenTypeIdx as number;
  }
  return result;
}
