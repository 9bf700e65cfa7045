import { createHash } from "node:crypto";
import type { Ir } from "./schema.ts";

/**
 * JSON with object keys sorted at every level and no insignificant white space, so equal values
 * always give equal bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Drops every `span` member, leaving what the policy means. */
function withoutSpans(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(withoutSpans);
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (key !== "span") out[key] = withoutSpans(member);
  }
  return out;
}

/**
 * The content hash of an IR: sha256 over its canonical JSON without `hash` and without spans.
 * Moving a rule to another line therefore keeps the hash; changing what it allows does not.
 */
export function computeHash(ir: Omit<Ir, "hash"> | Ir): string {
  const { hash: _ignored, ...rest } = ir as Ir;
  const digest = createHash("sha256").update(canonicalJson(withoutSpans(rest))).digest("hex");
  return `sha256:${digest}`;
}

/** The bytes `compile` writes: canonical JSON plus a final newline. */
export function serializeIr(ir: Ir): string {
  return `${canonicalJson(ir)}\n`;
}
