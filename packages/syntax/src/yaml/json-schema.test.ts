// The committed JSON Schema (packages/syntax/policy.schema.json) must be what the zod schemas
// generate today. To refresh it after changing schema.ts, run this file with
// PALISADE_WRITE_SCHEMA=1 set, then commit the result.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policyJsonSchema } from "./json-schema.ts";

const committedFile = new URL("../../policy.schema.json", import.meta.url);

interface SchemaNode {
  readonly [key: string]: unknown;
}

function definition(schema: SchemaNode, name: string): SchemaNode {
  const defs = schema.$defs as Record<string, SchemaNode>;
  const found = defs[name];
  if (found === undefined) throw new Error(`no definition ${name}`);
  return found;
}

function property(node: SchemaNode, name: string): SchemaNode {
  return (node.properties as Record<string, SchemaNode>)[name] as SchemaNode;
}

describe("policyJsonSchema", () => {
  it("matches the committed policy.schema.json", () => {
    const generated = `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
    if (process.env.PALISADE_WRITE_SCHEMA === "1") writeFileSync(committedFile, generated);
    expect(readFileSync(committedFile, "utf8")).toBe(generated);
  });

  it("accepts exactly the two document kinds, by reference", () => {
    const schema = policyJsonSchema() as SchemaNode;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.oneOf).toEqual([
      { $ref: "#/$defs/NetworkPolicy" },
      { $ref: "#/$defs/TrustPolicy" },
    ]);
  });

  it("closes every object, so editors flag a misspelt field", () => {
    const schema = policyJsonSchema() as SchemaNode;
    for (const name of ["NetworkPolicy", "TrustPolicy", "IngressRule", "EgressRule", "Peer"]) {
      expect(definition(schema, name).additionalProperties).toBe(false);
    }
    expect(Object.keys(definition(schema, "IngressRule").properties as object)).toEqual([
      "from",
      "ports",
      "protocols",
      "action",
      "when",
      "scopes",
    ]);
  });

  it("states non-empty peer and port lists and the port range", () => {
    const schema = policyJsonSchema() as SchemaNode;
    const ingress = definition(schema, "IngressRule");
    expect(property(ingress, "from").minItems).toBe(1);
    expect(property(ingress, "ports").minItems).toBe(1);
    const port = definition(schema, "Port");
    expect((port.anyOf as SchemaNode[])[0]).toEqual({
      type: "integer",
      minimum: 1,
      maximum: 65535,
      description: "a port number from 1 to 65535, written as plain decimal digits",
    });
  });
});
