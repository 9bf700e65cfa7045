/**
 * What every step from syntax tree to AST shares: making spans, reporting problems (kept up to a
 * bound, the rest counted), and decoding strings.
 */
import type { CstNode, IToken } from "chevrotain";
import type { Span } from "../ast.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { nodeRange } from "./cst-access.ts";
import { UnterminatedString } from "./tokens.ts";

/**
 * Diagnostics kept per file while building; enough that the first `maxDiagnosticsPerFile` by
 * position are among them whatever order the checks run in.
 */
const MAX_KEPT_DIAGNOSTICS = 10 * LIMITS.maxDiagnosticsPerFile;

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  n: "\n",
  r: "\r",
  t: "\t",
};

/**
 * The shared state of one build. Offsets in tokens are relative to the parsed text, which may
 * sit at `base` inside a larger file (a condition inside YAML); spans are always in file terms.
 */
export class BuildContext {
  /** Problems found while building, in the order found, up to a bound. */
  readonly diagnostics: Diagnostic[] = [];
  /** Problems found beyond those kept: only counted, so a huge broken file stays cheap. */
  dropped = 0;

  /**
   * @param file the file name nodes carry
   * @param spanInFile makes a span from offsets in the file
   * @param base offset in the file of the parsed text's first character
   */
  constructor(
    protected readonly file: string,
    private readonly spanInFile: (start: number, end: number) => Span,
    private readonly base = 0,
  ) {}

  // Spans and diagnostics.

  /** The file offset of an offset in the parsed text. */
  protected fileOffset(offset: number): number {
    return this.base + offset;
  }

  /** The span between two offsets of the parsed text. */
  protected span(start: number, end: number): Span {
    return this.spanInFile(this.base + start, this.base + end);
  }

  /** The span of one token. */
  protected tokenSpan(token: IToken): Span {
    return this.span(token.startOffset, token.startOffset + token.image.length);
  }

  /** The span from the start of `first` to the end of `last`. */
  protected join(first: Span, last: Span): Span {
    return this.extend(first, last.end);
  }

  /** The span from the start of `first` to the file offset `end` (or `first`'s own end). */
  protected extend(first: Span, end: number): Span {
    return this.spanInFile(first.start, Math.max(first.end, end));
  }

  /** The span of a syntax tree node, or null when recovery left it without real tokens. */
  protected nodeSpan(node: CstNode): Span | null {
    const range = nodeRange(node);
    return range === null ? null : this.span(range[0], range[1]);
  }

  /** Records an error, or only counts it once enough are kept. */
  protected error(
    code: string,
    message: string,
    span: Span,
    help?: string,
    related?: Diagnostic["related"],
  ): void {
    if (this.diagnostics.length >= MAX_KEPT_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    this.diagnostics.push({
      code,
      severity: "error",
      message,
      span,
      ...(help === undefined ? {} : { help }),
      ...(related === undefined ? {} : { related }),
    });
  }

  // Values.

  /** The text of a string token with its escapes decoded; an unknown one is reported once. */
  protected stringValue(token: IToken): string {
    const unterminated = token.tokenType === UnterminatedString;
    const body = token.image.slice(1, unterminated ? undefined : -1);
    if (!body.includes("\\")) return body;

    const parts: string[] = [];
    let reported = false;
    let from = 0;
    for (let at = body.indexOf("\\"); at !== -1; at = body.indexOf("\\", from)) {
      parts.push(body.slice(from, at));
      const escaped = body.charAt(at + 1);
      from = at + 2;
      const replacement = ESCAPES[escaped];
      if (replacement !== undefined) {
        parts.push(replacement);
        continue;
      }
      parts.push(escaped);
      // One report per string is enough; a long run of bad escapes would flood the list.
      if (reported || escaped === "") continue;
      reported = true;
      const start = token.startOffset + 1 + at;
      this.error(
        "parse/invalid-escape",
        `unknown escape \`\\${escaped}\` in a string`,
        this.span(start, start + 2),
        'the escapes are `\\"`, `\\\\`, `\\n`, `\\r` and `\\t`',
      );
    }
    parts.push(body.slice(from));
    return parts.join("");
  }
}
