/**
 * A composed YAML document as a small tree of located values: mappings, sequences and scalars,
 * each with its source range and, for scalars, the text as written and its quoting style. The
 * YAML-aware checks read this tree; a plain copy of it is what zod validates.
 *
 * Aliases are resolved here, under a budget: an alias adds the size of what it refers to, and a
 * document may add at most `LIMITS.maxAliasExpansion` nodes that way. An aliased value is shared,
 * not copied, so a bomb is refused after a handful of steps and never built.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Scalar } from "yaml";
import { LIMITS } from "../limits.ts";
import { type Reporter, shown } from "./report.ts";

interface Located {
  readonly start: number;
  readonly end: number;
  /** Collections from this value down to its deepest leaf (a scalar has none). */
  readonly height: number;
  /** Values in this subtree, counting every use of an alias in full. */
  readonly size: number;
}

/** A scalar with its resolved value and the text it was written as. */
export interface YamlScalar extends Located {
  readonly kind: "scalar";
  readonly value: string | number | boolean | null;
  readonly style: Scalar.Type;
  /** The source text of the scalar, quotes included. */
  readonly source: string;
}

/** One `key: value` entry. Keys are plain text; the value's range is its own. */
export interface MappingEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: YamlValue;
}

/** A mapping, keys unique (later duplicates are reported and left out). */
export interface YamlMapping extends Located {
  readonly kind: "mapping";
  readonly entries: readonly MappingEntry[];
}

/** A sequence. */
export interface YamlSequence extends Located {
  readonly kind: "sequence";
  readonly items: readonly YamlValue[];
}

/** Any located value. */
export type YamlValue = YamlScalar | YamlMapping | YamlSequence;

/** The tree of one document, or whether it could not be built (a problem was reported). */
export type TreeResult =
  | { readonly ok: true; readonly root: YamlValue | null }
  | { readonly ok: false };

/** Builds the tree of a composed document; the root is null for an empty document. */
export function buildTree(document: Document.Parsed, text: string, reporter: Reporter): TreeResult {
  const builder = new TreeBuilder(text, reporter);
  const contents = document.contents;
  if (contents === null) return { ok: true, root: null };
  const root = builder.build(contents, 0);
  return builder.failed || root === null ? { ok: false } : { ok: true, root };
}

/** The entry of a mapping under `key`, if any. */
export function entryOf(mapping: YamlMapping, key: string): MappingEntry | undefined {
  return mapping.entries.find((entry) => entry.key === key);
}

/** The mapping under `key`, or null when there is none or the value is not a mapping. */
export function mappingAt(mapping: YamlMapping, key: string): YamlMapping | null {
  const value = entryOf(mapping, key)?.value;
  return value?.kind === "mapping" ? value : null;
}

/**
 * A plain JavaScript copy of a tree, for zod. Mappings become objects without a prototype, so a
 * key like `__proto__` is an ordinary (unknown) field. Aliased values are copied in full, which
 * the alias budget keeps small.
 */
export function toPlain(value: YamlValue): unknown {
  switch (value.kind) {
    case "scalar":
      return value.value;
    case "sequence":
      return value.items.map(toPlain);
    case "mapping": {
      const out: Record<string, unknown> = Object.create(null);
      for (const entry of value.entries) out[entry.key] = toPlain(entry.value);
      return out;
    }
  }
}

/** What a document path leads to: the value there if it exists, and the entry holding it. */
export interface PathTarget {
  /** The deepest value on the path that exists. */
  readonly nearest: YamlValue;
  /** Whether the whole path exists. */
  readonly found: boolean;
  /** The mapping entry of the last step, when the last step was a key that exists. */
  readonly entry?: MappingEntry;
}

/** Follows a zod path (keys and indexes) from the root as far as it goes. */
export function followPath(root: YamlValue, path: readonly PropertyKey[]): PathTarget {
  let nearest = root;
  let entry: MappingEntry | undefined;
  for (const step of path) {
    let next: YamlValue | undefined;
    entry = undefined;
    if (nearest.kind === "mapping" && typeof step === "string") {
      entry = entryOf(nearest, step);
      next = entry?.value;
    } else if (nearest.kind === "sequence" && typeof step === "number") {
      next = nearest.items[step];
    }
    if (next === undefined) return { nearest, found: false };
    nearest = next;
  }
  return entry === undefined ? { nearest, found: true } : { nearest, found: true, entry };
}

/** An anchor seen so far; `value` is unset while the anchored node is still being built. */
interface AnchorEntry {
  value?: YamlValue;
}

class TreeBuilder {
  failed = false;
  private readonly anchors = new Map<string, AnchorEntry>();
  private expanded = 0;

  constructor(
    private readonly text: string,
    private readonly reporter: Reporter,
  ) {}

  /**
   * The located value of a node at `depth` collections below the root. Recursion is safe: the
   * document's depth was checked before composing, and aliases are checked here.
   */
  build(node: unknown, depth: number): YamlValue | null {
    if (this.failed) return null;
    if (isAlias(node)) return this.resolveAlias(node.source, node.range, depth);
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return null;

    const [start, rangeEnd] = node.range ?? [0, 0];
    // A block collection's range runs on over the line break after it; spans end at its text.
    const end = isScalar(node) ? rangeEnd : this.trimmedEnd(start, rangeEnd);
    if (node.tag !== undefined) {
      this.reporter.report(
        "yaml/tag-not-allowed",
        `tag \`${shown(node.tag)}\` is not allowed`,
        start,
        end,
        {
          help: "policies use plain YAML values; to make a value text, quote it",
        },
      );
    }
    if ((isMap(node) || isSeq(node)) && depth + 1 > LIMITS.maxNesting) {
      this.fail(
        "yaml/too-deep",
        `collections are nested more than ${LIMITS.maxNesting} levels`,
        start,
      );
      return null;
    }

    const anchor = node.anchor === undefined ? undefined : this.beginAnchor(node.anchor);
    let value: YamlValue | null;
    if (isScalar(node)) value = this.scalar(node, start, end);
    else if (isSeq(node)) value = this.sequence(node.items, start, end, depth + 1);
    else value = this.mapping(node.items, start, end, depth + 1);
    if (anchor !== undefined && value !== null) anchor.value = value;
    return value;
  }

  private beginAnchor(name: string): AnchorEntry {
    const entry: AnchorEntry = {};
    this.anchors.set(name, entry);
    return entry;
  }

  private resolveAlias(
    name: string,
    range: readonly number[] | null | undefined,
    depth: number,
  ): YamlValue | null {
    const start = range?.[0] ?? 0;
    const end = range?.[1] ?? start;
    const anchor = this.anchors.get(name);
    if (anchor === undefined) {
      this.fail(
        "yaml/unknown-anchor",
        `alias \`*${shown(name)}\` names no anchor defined before it`,
        start,
        end,
      );
      return null;
    }
    const target = anchor.value;
    if (target === undefined) {
      this.fail(
        "yaml/alias-cycle",
        `alias \`*${shown(name)}\` refers to a value that contains it`,
        start,
        end,
      );
      return null;
    }
    this.expanded += target.size;
    if (this.expanded > LIMITS.maxAliasExpansion) {
      this.fail(
        "yaml/alias-budget",
        `aliases in this document expand to more than ${LIMITS.maxAliasExpansion} values`,
        start,
        end,
      );
      return null;
    }
    if (depth + target.height > LIMITS.maxNesting) {
      this.fail(
        "yaml/too-deep",
        `alias \`*${shown(name)}\` nests collections more than ${LIMITS.maxNesting} levels deep`,
        start,
        end,
      );
      return null;
    }
    return target;
  }

  private scalar(node: Scalar, start: number, end: number): YamlScalar {
    const raw: unknown = node.value;
    const value =
      typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean" ? raw : null;
    return {
      kind: "scalar",
      value,
      style: node.type ?? "PLAIN",
      source: this.text.slice(start, end),
      start,
      end,
      height: 0,
      size: 1,
    };
  }

  private sequence(
    items: readonly unknown[],
    start: number,
    end: number,
    depth: number,
  ): YamlSequence | null {
    const built: YamlValue[] = [];
    let height = 0;
    let size = 1;
    for (const item of items) {
      const value = this.build(item, depth);
      if (value === null) {
        if (this.failed) return null;
        continue;
      }
      built.push(value);
      height = Math.max(height, value.height);
      size += value.size;
    }
    return { kind: "sequence", items: built, start, end, height: height + 1, size };
  }

  private mapping(
    pairs: readonly { key: unknown; value: unknown }[],
    start: number,
    end: number,
    depth: number,
  ): YamlMapping | null {
    const entries: MappingEntry[] = [];
    const seen = new Map<string, MappingEntry>();
    let height = 0;
    let size = 1;
    for (const pair of pairs) {
      const key = this.key(pair.key, start);
      if (key === null) continue;
      const first = seen.get(key.text);
      if (first !== undefined) {
        this.reportDuplicate(key.text, key.start, key.end, first);
        continue;
      }

      // A missing value (`{a}` in flow style) is null, placed right after its key.
      const value = pair.value === null ? this.nullAt(key.end) : this.build(pair.value, depth);
      if (value === null) {
        if (this.failed) return null;
        continue;
      }
      const entry: MappingEntry = { key: key.text, keyStart: key.start, keyEnd: key.end, value };
      seen.set(key.text, entry);
      entries.push(entry);
      height = Math.max(height, value.height);
      size += value.size;
    }
    return { kind: "mapping", entries, start, end, height: height + 1, size };
  }

  /** A key as text, or null (reported) when it is not a plain scalar. */
  private key(
    node: unknown,
    mappingStart: number,
  ): { text: string; start: number; end: number } | null {
    if (isScalar(node)) {
      const [start, end] = node.range ?? [mappingStart, mappingStart];
      const raw: unknown = node.value;
      const text = typeof raw === "string" ? raw : this.text.slice(start, end);
      if (node.anchor !== undefined) {
        this.beginAnchor(node.anchor).value = this.scalar(node, start, end);
      }
      if (text.length > 0) return { text, start, end };
    }
    const range = isScalar(node) || isAlias(node) || isMap(node) || isSeq(node) ? node.range : null;
    const start = range?.[0] ?? mappingStart;
    const end = range?.[1] ?? start;
    this.reporter.report("yaml/complex-key", "a mapping key must be plain text", start, end, {
      help:
        "write keys as plain words like `ports:`; empty, aliased and collection keys " +
        "are not allowed",
    });
    return null;
  }

  private reportDuplicate(key: string, start: number, end: number, first: MappingEntry): void {
    this.reporter.report("yaml/duplicate-key", `duplicate key \`${shown(key)}\``, start, end, {
      help: "a key may appear once per mapping; other YAML tools silently keep only the last one",
      related: [
        {
          message: `\`${shown(key)}\` first written here`,
          span: this.reporter.span(first.keyStart, first.keyEnd),
        },
      ],
    });
  }

  private trimmedEnd(start: number, end: number): number {
    let trimmed = end;
    while (trimmed > start && /\s/.test(this.text[trimmed - 1] ?? "")) trimmed--;
    return trimmed;
  }

  private nullAt(offset: number): YamlScalar {
    return {
      kind: "scalar",
      value: null,
      style: "PLAIN",
      source: "",
      start: offset,
      end: offset,
      height: 0,
      size: 1,
    };
  }

  private fail(
    code: "yaml/unknown-anchor" | "yaml/alias-cycle" | "yaml/alias-budget" | "yaml/too-deep",
    message: string,
    start: number,
    end = start + 1,
  ): void {
    this.failed = true;
    const help =
      code === "yaml/alias-budget"
        ? "aliases may share a value a few times; they may not multiply it"
        : code === "yaml/alias-cycle"
          ? "an anchored value cannot include an alias to itself"
          : code === "yaml/unknown-anchor"
            ? "define the anchor (`&name`) before any alias (`*name`) that uses it"
            : "no policy needs this much nesting";
    this.reporter.report(code, message, start, end, { help });
  }
}
