/**
 * Lists that must not be empty. An empty list of peers or ports reads as "everything" to other
 * tools (Kubernetes among them), so here it is an error, and so is the same key left without a
 * value. Leaving the key out altogether is how to say "not given".
 */
import type { DocumentPath, Reporter, YamlDiagnosticCode } from "./report.ts";
import type { MappingEntry, YamlValue } from "./tree.ts";

/** How to report an empty list of one kind. */
export interface EmptyListFault {
  readonly code: YamlDiagnosticCode;
  readonly message: string;
  readonly help: string;
}

/** True for `[]` and for a key with no value (or an explicit null). */
export function isEmptyList(value: YamlValue): boolean {
  return (
    (value.kind === "sequence" && value.items.length === 0) ||
    (value.kind === "scalar" && value.value === null && value.style === "PLAIN")
  );
}

/**
 * The items of the list under `entry`. Null when the list is empty (reported, underlining the
 * key and the empty list) or when the value is not a list at all (left to the shape check).
 */
export function readNonEmptyList(
  entry: MappingEntry,
  reporter: Reporter,
  path: DocumentPath,
  fault: EmptyListFault,
): readonly YamlValue[] | null {
  const value = entry.value;
  if (isEmptyList(value)) {
    const end = value.kind === "sequence" ? value.end : entry.keyEnd;
    reporter.report(fault.code, fault.message, entry.keyStart, end, { help: fault.help, path });
    return null;
  }
  return value.kind === "sequence" ? value.items : null;
}

/** The usual fault for an optional list given empty: say so, and how to leave it out. */
export function emptyListFault(entry: MappingEntry, what: string): EmptyListFault {
  return {
    code: "yaml/empty-list",
    message: `empty ${what}`,
    help: `list at least one item, or leave \`${entry.key}\` out`,
  };
}
