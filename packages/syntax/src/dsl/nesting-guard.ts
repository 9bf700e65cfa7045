/**
 * The guard against deep nesting, run on the token stream before the parser sees it. The parser
 * recurses once per `(`; 100 000 of them would overflow the stack. So nesting is measured here,
 * in a loop, and every region nested too deep is cut out of the stream and reported instead.
 */
import type { IToken, TokenType } from "chevrotain";
import { keyword, LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "./tokens.ts";

/** One region cut out of the stream because it was nested too deep. */
export interface DeepRegion {
  /** The opening token that went one level too deep. */
  readonly opener: IToken;
  /** What kind of bracket it was. */
  readonly bracket: "(" | "[" | "{";
}

/**
 * Tokens that start a new rule, block or service. A cut stops at the first of these even when
 * its brackets never close, so one unbalanced condition does not swallow the rest of the file.
 */
const RESTART_TOKENS: ReadonlySet<TokenType> = new Set([
  keyword("allow"),
  keyword("deny"),
  keyword("service"),
  keyword("trust"),
  keyword("ingress"),
  keyword("egress"),
  LBrace,
  RBrace,
]);

const CLOSING = new Map<TokenType, TokenType>([
  [LParen, RParen],
  [LBracket, RBracket],
  [LBrace, RBrace],
]);

const SYMBOL = new Map<TokenType, DeepRegion["bracket"]>([
  [LParen, "("],
  [LBracket, "["],
  [LBrace, "{"],
]);

/**
 * Filters a token stream fed in pieces, dropping every region nested deeper than `limit` (each
 * kind of bracket counts on its own). One pass, no recursion, state kept between pieces.
 */
export class NestingGuard {
  private parens = 0;
  private brackets = 0;
  private braces = 0;
  /** While cutting: the opening type, and how many of it are open inside the cut. */
  private cutting: { readonly open: TokenType; readonly close: TokenType; depth: number } | null =
    null;
  private resumePending = false;

  /**
   * Called with the first token kept after each cut: the parser's complaint about the gap it
   * sees there is a consequence of the cut, not a fault of its own.
   */
  constructor(
    private readonly limit: number,
    private readonly onRegion: (region: DeepRegion) => void,
    private readonly onResume: (token: IToken) => void,
  ) {}

  /** Appends to `out` the tokens of `tokens` that are not nested too deep. */
  push(tokens: readonly IToken[], out: IToken[]): void {
    for (const token of tokens) {
      const type = token.tokenType;
      const cut = this.cutting;
      if (cut !== null) {
        if (type === cut.open) cut.depth++;
        else if (type === cut.close) cut.depth--;
        else if (RESTART_TOKENS.has(type)) cut.depth = 0;
        if (cut.depth > 0 || type === cut.close) {
          if (cut.depth <= 0) this.cutting = null;
          continue;
        }
        this.cutting = null;
      }

      const level = this.enter(type);
      if (level > this.limit) {
        this.leave(type);
        this.cutting = { open: type, close: CLOSING.get(type) ?? type, depth: 1 };
        this.resumePending = true;
        this.onRegion({ opener: token, bracket: SYMBOL.get(type) ?? "(" });
        continue;
      }
      if (this.resumePending) {
        this.resumePending = false;
        this.onResume(token);
      }
      out.push(token);
    }
  }

  /** The nesting level a token opens (0 for any other token); updates the counts. */
  private enter(type: TokenType): number {
    if (type === LParen) return ++this.parens;
    if (type === LBracket) return ++this.brackets;
    if (type === LBrace) return ++this.braces;
    if (type === RParen) this.parens = Math.max(0, this.parens - 1);
    else if (type === RBracket) this.brackets = Math.max(0, this.brackets - 1);
    else if (type === RBrace) this.braces = Math.max(0, this.braces - 1);
    return 0;
  }

  private leave(type: TokenType): void {
    if (type === LParen) this.parens--;
    else if (type === LBracket) this.brackets--;
    else if (type === LBrace) this.braces--;
  }
}
