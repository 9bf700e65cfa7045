/**
 * `when:` conditions. Their text is the policy language's condition syntax, so the DSL's own
 * condition parser reads them; this file tells it where the text sits in the YAML file.
 */
import type { Expr, Span } from "../ast.ts";
import { parseCondition } from "../dsl/parse.ts";
import type { DocumentPath, Reporter } from "./report.ts";
import type { YamlScalar } from "./tree.ts";

/**
 * The condition written in a `when:` scalar, or null when it does not parse (the parser's
 * diagnostics are reported). Non-text values are left to the shape check.
 */
export function readCondition(
  scalar: YamlScalar,
  reporter: Reporter,
  path: DocumentPath,
): Expr | null {
  if (typeof scalar.value !== "string") return null;
  const offset = contentOffset(scalar);
  const file = reporter.index.file;

  if (offset !== null) {
    const result = parseCondition(scalar.value, file, { lines: reporter.index, offset });
    for (const diagnostic of result.diagnostics) reporter.adopt(diagnostic, path);
    return result.condition;
  }

  // The scalar's source is not the condition character for character (escapes, folded lines),
  // so positions inside it cannot be mapped back: every span becomes the whole scalar.
  const result = parseCondition(scalar.value, file);
  const whole = reporter.span(scalar.start, scalar.end);
  for (const diagnostic of result.diagnostics) {
    const related = diagnostic.related?.map((note) => ({ ...note, span: whole }));
    reporter.adopt(
      { ...diagnostic, span: whole, ...(related === undefined ? {} : { related }) },
      path,
    );
  }
  if (result.condition !== null) placeSpans(result.condition, whole);
  return result.condition;
}

/**
 * Where the condition's first character is in the file, when the scalar's source holds the
 * condition unchanged: plain, or quoted without escapes and on one line. Null otherwise.
 */
function contentOffset(scalar: YamlScalar): number | null {
  const value = scalar.value;
  if (typeof value !== "string") return null;
  switch (scalar.style) {
    case "PLAIN":
      return scalar.source === value ? scalar.start : null;
    case "QUOTE_SINGLE":
    case "QUOTE_DOUBLE":
      return scalar.source.slice(1, -1) === value ? scalar.start + 1 : null;
    default:
      return null;
  }
}

/** Sets every span of a freshly parsed condition to `span`, in place and without recursion. */
function placeSpans(expr: Expr, span: Span): void {
  const pending: Expr[] = [expr];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    // INVARIANT: the parser hands over a new tree that nothing else holds yet, so its readonly
    // spans may be replaced here before anyone reads them.
    (node as { span: Span }).span = span;
    if (node.kind === "And" || node.kind === "Or") pending.push(node.left, node.right);
    else if (node.kind === "Not") pending.push(node.operand);
  }
}
