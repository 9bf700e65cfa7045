import { compile } from "@palisade/compiler";
import { createEngine, type Engine } from "@palisade/engine";
import type { Ir } from "@palisade/ir";
import type { PolicySource } from "./print-policy.ts";
import { NOW_MS } from "./tokens.ts";

/** Compiles sources whose trust block names a JWKS file; every such file reads as `jwks`. */
export function compileSources(sources: readonly PolicySource[], jwks: unknown): Ir {
  const keysText = JSON.stringify(jwks);
  const result = compile([...sources], {
    readFile: (path: string) => (path.endsWith("jwks.json") ? keysText : null),
  });
  if (result.ir === null) {
    const errors = result.diagnostics
      .filter((diagnostic) => diagnostic.severity === "error")
      .slice(0, 5)
      .map((d) => `${d.span.file}:${d.span.line}:${d.span.column}: ${d.code}: ${d.message}`);
    throw new Error(`the generated policy does not compile:\n${errors.join("\n")}`);
  }
  return result.ir;
}

/** Loads an engine from serialized IR text, with the bench's fixed clock. */
export function loadEngine(irText: string): Engine {
  const engine = createEngine(JSON.parse(irText), { now: () => NOW_MS });
  if (engine.loadError !== null && engine.loadError !== undefined) {
    throw new Error(`the engine refused the compiled policy: ${JSON.stringify(engine.loadError)}`);
  }
  return engine;
}
