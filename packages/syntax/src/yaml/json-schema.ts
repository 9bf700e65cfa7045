/**
 * The JSON Schema of one YAML policy document, generated from the zod schemas, so that editors
 * can check YAML files as they are written. `packages/syntax/policy.schema.json` holds a copy; a
 * test keeps it current.
 */
import { z } from "zod";
import { PolicyDocumentSchema } from "./schema.ts";

/**
 * A JSON Schema (draft 2020-12) for one document of a YAML policy file. It checks shapes and
 * plain values; how scalars are written (`"8443"` quoted, `010`, `yes`) only the loader checks.
 */
export function policyJsonSchema(): object {
  return z.toJSONSchema(PolicyDocumentSchema, { target: "draft-2020-12" });
}
