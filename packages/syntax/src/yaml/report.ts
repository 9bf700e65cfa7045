/**
 * The diagnostics of the YAML form: their codes, and the collector the loader's steps report to.
 */
import type { Span } from "../ast.ts";
import { type Diagnostic, type LineIndex, sortDiagnostics } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";

/** Every code the YAML loader reports; one per distinct fault. */
export type YamlDiagnosticCode =
  | "yaml/syntax"
  | "yaml/source-too-large"
  | "yaml/document-too-large"
  | "yaml/too-deep"
  | "yaml/mapping-too-large"
  | "yaml/duplicate-key"
  | "yaml/complex-key"
  | "yaml/tag-not-allowed"
  | "yaml/unknown-anchor"
  | "yaml/alias-cycle"
  | "yaml/alias-budget"
  | "yaml/not-a-mapping"
  | "yaml/missing-field"
  | "yaml/missing-value"
  | "yaml/unknown-field"
  | "yaml/wrong-type"
  | "yaml/invalid-value"
  | "yaml/api-version"
  | "yaml/unknown-kind"
  | "yaml/invalid-service-id"
  | "yaml/reserved-service-id"
  | "yaml/port-not-integer"
  | "yaml/port-out-of-range"
  | "yaml/invalid-port"
  | "yaml/invalid-port-name"
  | "yaml/not-boolean"
  | "yaml/not-integer"
  | "yaml/empty-rule"
  | "yaml/empty-peer-list"
  | "yaml/empty-port-list"
  | "yaml/empty-list"
  | "yaml/invalid-peer"
  | "yaml/except-without-any"
  | "yaml/ports-on-rule-and-peer"
  | "yaml/invalid-action"
  | "yaml/empty-condition"
  | "yaml/invalid-protocol"
  | "yaml/invalid-scope"
  | "yaml/invalid-keys"
  | "yaml/too-many-diagnostics";

/** A place in a YAML document as zod names it: mapping keys and sequence indexes from the root. */
export type DocumentPath = readonly (string | number)[];

/** Optional parts of a diagnostic besides code, message and place. */
export interface ReportDetails {
  readonly help?: string;
  readonly related?: readonly { readonly message: string; readonly span: Span }[];
  /** Where in the document the fault is; shape checks at or under it are then not repeated. */
  readonly path?: DocumentPath;
  readonly severity?: "error" | "warning";
}

/**
 * Most diagnostics held while reading a file. Only the first `LIMITS.maxDiagnosticsPerFile` by
 * position are returned; a file with a million faults must not hold a million of them.
 */
const MAX_KEPT = LIMITS.maxDiagnosticsPerFile * 10;

/** Longest piece of user text quoted in a message; the span shows all of it. */
const MAX_QUOTED = 60;

/**
 * User text as it goes between backticks in a message: control characters escaped, long text
 * cut short.
 */
export function shown(text: string): string {
  let out = "";
  for (const char of text) {
    if (out.length >= MAX_QUOTED) return `${out.slice(0, MAX_QUOTED - 1)}…`;
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char === "`" ? "'" : char;
  }
  return out;
}

const PATH_SEPARATOR = "\u0000";

function pathKey(path: DocumentPath, length: number): string {
  return path.slice(0, length).join(PATH_SEPARATOR);
}

/**
 * Collects the diagnostics of one file. The YAML-aware checks run before the zod shape check and
 * claim the paths they reported on, so that zod does not report the same fault a second time in
 * vaguer words.
 */
export class Reporter {
  private readonly list: Diagnostic[] = [];
  private claimed = new Set<string>();
  /** Diagnostics not kept at all, once `MAX_KEPT` are held. */
  private dropped = 0;

  constructor(
    readonly index: LineIndex,
    private readonly textLength: number,
  ) {}

  /** The span from `start` up to `end`, kept inside the text. */
  span(start: number, end: number): Span {
    const from = Math.min(Math.max(0, start), this.textLength);
    return this.index.span(from, Math.min(Math.max(from, end), this.textLength));
  }

  /** The part of `start..end` on its first line, to point at a mapping without all of it. */
  firstLine(start: number, end: number): [number, number] {
    const { line, column } = this.index.position(start);
    const lineEnd = start + this.index.lineText(line).length - (column - 1);
    return [start, Math.max(start + 1, Math.min(end, lineEnd))];
  }

  /** Adds a diagnostic made elsewhere (the condition parser's), claiming `path`. */
  adopt(diagnostic: Diagnostic, path: DocumentPath): void {
    this.claimed.add(pathKey(path, path.length));
    if (this.list.length >= MAX_KEPT) this.dropped++;
    else this.list.push(diagnostic);
  }

  /** Reports an error (or a warning, when `details.severity` says so). */
  report(
    code: YamlDiagnosticCode,
    message: string,
    start: number,
    end: number,
    details: ReportDetails = {},
  ): void {
    if (details.path !== undefined) this.claimed.add(pathKey(details.path, details.path.length));
    if (this.list.length >= MAX_KEPT) {
      this.dropped++;
      return;
    }
    this.list.push({
      code,
      severity: details.severity ?? "error",
      message,
      span: this.span(start, end),
      ...(details.help === undefined ? {} : { help: details.help }),
      ...(details.related === undefined ? {} : { related: details.related }),
    });
  }

  /** Marks `path` as dealt with, without a diagnostic (a near miss already explains it). */
  claim(path: DocumentPath): void {
    this.claimed.add(pathKey(path, path.length));
  }

  /** True when a fault was already reported at `path` or at a place that encloses it. */
  isClaimed(path: DocumentPath): boolean {
    for (let length = 0; length <= path.length; length++) {
      if (this.claimed.has(pathKey(path, length))) return true;
    }
    return false;
  }

  /** True when a fault was reported at `path` or somewhere inside it. */
  hasClaimWithin(path: DocumentPath): boolean {
    const prefix = pathKey(path, path.length);
    for (const claimed of this.claimed) {
      if (claimed === prefix || prefix === "" || claimed.startsWith(prefix + PATH_SEPARATOR)) {
        return true;
      }
    }
    return false;
  }

  /** Forgets claimed paths; paths are relative to one document. */
  startDocument(): void {
    this.claimed = new Set();
  }

  /**
   * The diagnostics sorted by position, capped at `LIMITS.maxDiagnosticsPerFile`; the rest are
   * counted in one last diagnostic.
   */
  finish(): Diagnostic[] {
    const sorted = sortDiagnostics(this.list);
    const cap = LIMITS.maxDiagnosticsPerFile;
    if (sorted.length <= cap) return sorted;
    const hidden = sorted.length - cap + this.dropped;
    const kept = sorted.slice(0, cap);
    const last = kept[kept.length - 1];
    const at = last === undefined ? this.span(0, 0) : last.span;
    kept.push({
      code: "yaml/too-many-diagnostics",
      severity: "error",
      message: `${hidden} more problems in this file were not listed`,
      span: at,
      help: "fix the problems above and check the file again",
    });
    return kept;
  }
}
