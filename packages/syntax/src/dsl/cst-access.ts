/**
 * Reading chevrotain's concrete syntax tree. After error recovery any child may be missing, and
 * a token may be one that recovery made up; these helpers skip such tokens.
 */
import type { CstNode, IToken, TokenType } from "chevrotain";
import { KEYWORDS, type Keyword } from "./tokens.ts";

/** True when the token was really in the text (not made up by error recovery). */
export function isReal(token: IToken): boolean {
  return token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}

const NO_TOKENS: readonly IToken[] = [];

/** The real tokens of one type directly under a node, in source order. */
export function tokensOf(node: CstNode, type: TokenType): readonly IToken[] {
  const found = node.children[type.name] as IToken[] | undefined;
  if (found === undefined) return NO_TOKENS;
  return found.every(isReal) ? found : found.filter(isReal);
}

function realTokenAt(node: CstNode, key: string): IToken | undefined {
  const found = node.children[key] as IToken[] | undefined;
  if (found === undefined) return undefined;
  for (const token of found) if (isReal(token)) return token;
  return undefined;
}

/** The first real token of one type directly under a node. */
export function tokenOf(node: CstNode, type: TokenType): IToken | undefined {
  return realTokenAt(node, type.name);
}

/** The syntax tree key of each keyword's tokens, looked up once. */
const KEYWORD_KEYS = new Map<string, string>(
  [...KEYWORDS].map(([text, type]) => [text, type.name]),
);

/** The first real token of a keyword directly under a node. */
export function keywordOf(node: CstNode, text: Keyword): IToken | undefined {
  return realTokenAt(node, KEYWORD_KEYS.get(text) ?? "");
}

/** The child nodes of one grammar rule directly under a node, in source order. */
export function nodesOf(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

/** Orders tokens as written. */
export function bySourceOrder(a: IToken, b: IToken): number {
  return a.startOffset - b.startOffset;
}

/** Orders nodes as written; a node recovery left without location goes last. */
export function byNodeOrder(a: CstNode, b: CstNode): number {
  const first = a.location?.startOffset ?? Number.NaN;
  const second = b.location?.startOffset ?? Number.NaN;
  return (
    (Number.isFinite(first) ? first : Infinity) - (Number.isFinite(second) ? second : Infinity) || 0
  );
}

/**
 * Start and end offset of a node, from the locations the parser tracks. Null for a node that
 * error recovery left without any real token.
 */
export function nodeRange(node: CstNode): [number, number] | null {
  const start = node.location?.startOffset;
  const last = node.location?.endOffset;
  if (start === undefined || last === undefined) return null;
  if (!Number.isFinite(start) || !Number.isFinite(last)) return null;
  return [start, last + 1];
}
