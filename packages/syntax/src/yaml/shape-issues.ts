/**
 * zod's issues on a document's plain value, as diagnostics placed on the YAML that caused them.
 * The YAML-aware walk runs first and claims the places it reported on; an issue at or under a
 * claimed place is the same fault again and is dropped.
 */
import type { z } from "zod";
import { type DocumentPath, type Reporter, shown } from "./report.ts";
import { followPath, type YamlValue } from "./tree.ts";

/** Reports the issues zod found in one document whose tree is `root`. */
export function reportShapeIssues(
  issues: readonly z.core.$ZodIssue[],
  root: YamlValue,
  reporter: Reporter,
): void {
  for (const issue of issues) {
    const path = issue.path.filter(
      (step): step is string | number => typeof step === "string" || typeof step === "number",
    );
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) reportUnknownField([...path, key], root, reporter);
      continue;
    }
    if (reporter.isClaimed(path)) continue;
    // No alternative fitted; when something inside was reported already, that is the reason.
    if (issue.code === "invalid_union" && reporter.hasClaimWithin(path)) continue;
    reportIssue(issue, path, root, reporter);
  }
}

function reportUnknownField(path: DocumentPath, root: YamlValue, reporter: Reporter): void {
  if (reporter.isClaimed(path)) return;
  const target = followPath(root, path);
  const key = String(path[path.length - 1]);
  const [start, end] =
    target.entry === undefined
      ? [target.nearest.start, target.nearest.end]
      : [target.entry.keyStart, target.entry.keyEnd];
  reporter.report("yaml/unknown-field", `unknown field \`${shown(key)}\``, start, end, {
    help: "remove it, or check its spelling",
    path,
  });
}

function reportIssue(
  issue: z.core.$ZodIssue,
  path: DocumentPath,
  root: YamlValue,
  reporter: Reporter,
): void {
  const target = followPath(root, path);
  const field = fieldName(path);
  const [start, end] = target.found
    ? [target.nearest.start, target.nearest.end]
    : reporter.firstLine(target.nearest.start, target.nearest.end);

  if (!target.found) {
    reporter.report("yaml/missing-field", `missing ${field}`, start, end, {
      help: `add ${field} here`,
      path,
    });
    return;
  }
  const value = target.nearest;
  if (value.kind === "scalar" && value.value === null && issue.code === "invalid_type") {
    const [keyStart, keyEnd] =
      target.entry === undefined ? [start, end] : [target.entry.keyStart, target.entry.keyEnd];
    reporter.report("yaml/missing-value", `${field} has no value`, keyStart, keyEnd, {
      help: "give it a value, or leave the field out",
      path,
    });
    return;
  }

  switch (issue.code) {
    case "invalid_type":
      reporter.report(
        "yaml/wrong-type",
        `${field} must be ${kindWords(issue.expected)}`,
        start,
        end,
        {
          help: `found ${describe(value)}`,
          path,
        },
      );
      return;
    case "too_small":
    case "too_big": {
      const below = issue.code === "too_small";
      const bound = String(below ? issue.minimum : issue.maximum);
      const empty = below && bound === "1" && issue.origin !== "number";
      reporter.report(
        issue.origin === "array" ? "yaml/empty-list" : "yaml/invalid-value",
        empty
          ? `${field} must not be empty`
          : `${field} must be ${below ? "at least" : "at most"} ${bound}`,
        start,
        end,
        {
          help: empty ? "give it a value, or leave the field out" : `found ${describe(value)}`,
          path,
        },
      );
      return;
    }
    case "invalid_value":
      reporter.report(
        "yaml/invalid-value",
        `${field} must be ${issue.values.map((choice) => `\`${String(choice)}\``).join(" or ")}`,
        start,
        end,
        { help: `found ${describe(value)}`, path },
      );
      return;
    default:
      reporter.report("yaml/invalid-value", `${field} is not valid here`, start, end, {
        help: `found ${describe(value)}`,
        path,
      });
  }
}

/** A field as `` `ports` ``, a list item as ``item 2 of `ports` ``, the root as "the document". */
function fieldName(path: DocumentPath): string {
  const last = path[path.length - 1];
  if (last === undefined) return "the document";
  if (typeof last === "string") return `\`${shown(last)}\``;
  const list = path[path.length - 2];
  return `item ${last + 1} of ${list === undefined ? "the list" : `\`${shown(String(list))}\``}`;
}

function kindWords(expected: string): string {
  switch (expected) {
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    case "string":
      return "text";
    case "number":
    case "int":
      return "a number";
    case "boolean":
      return "`true` or `false`";
    default:
      return `a value of kind ${expected}`;
  }
}

function describe(value: YamlValue): string {
  if (value.kind === "mapping") return "a mapping";
  if (value.kind === "sequence") return "a list";
  return `\`${shown(value.source)}\``;
}
