/**
 * A copy of a syntax tree without spans, for comparing meaning: two trees that differ only in
 * where things were written give deeply equal results.
 */
export function stripSpans(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(stripSpans);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "span" || key === "idSpan" || key === "file") continue;
    out[key] = stripSpans(value);
  }
  return out;
}
