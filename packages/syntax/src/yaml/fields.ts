/**
 * Unknown-field checks on YAML mappings, with a "did you mean" for near misses. A misspelt field
 * must never be ignored: `ingres:` silently dropped would leave a service with no ingress rules.
 */
import { closestMatch } from "../dsl/near-miss.ts";
import { type DocumentPath, type Reporter, shown } from "./report.ts";
import type { YamlMapping } from "./tree.ts";

/** Guidance for fields people write by habit from other tools, keyed by the field as written. */
export type FieldHints = Readonly<Record<string, string>>;

const MERGE_KEY_HINT =
  "merge keys (`<<`) are not read; write the fields out, or alias a whole value with `*name`";

/**
 * Reports every entry of `mapping` whose key is not in `known`. The help is, in this order: a
 * hint for that field, the closest known field, or the list of known fields. A closest field
 * that is missing is not reported as missing as well: the near miss already explains it.
 */
export function checkFields(
  mapping: YamlMapping,
  known: readonly string[],
  reporter: Reporter,
  path: DocumentPath,
  hints: FieldHints = {},
): void {
  for (const entry of mapping.entries) {
    if (known.includes(entry.key)) continue;
    const closest = closestMatch(entry.key, known);
    if (closest !== null && !mapping.entries.some((other) => other.key === closest)) {
      reporter.claim([...path, closest]);
    }
    const help =
      (Object.hasOwn(hints, entry.key) ? hints[entry.key] : undefined) ??
      (entry.key === "<<" ? MERGE_KEY_HINT : undefined) ??
      (closest === null
        ? `expected one of ${known.map((field) => `\`${field}\``).join(", ")}`
        : `did you mean \`${closest}\`?`);
    reporter.report(
      "yaml/unknown-field",
      `unknown field \`${shown(entry.key)}\``,
      entry.keyStart,
      entry.keyEnd,
      { help, path: [...path, entry.key] },
    );
  }
}
