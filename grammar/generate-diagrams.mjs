// Writes grammar/diagrams.html, the syntax diagrams drawn from the parser. Run it from the
// repository root after changing the grammar: `node grammar/generate-diagrams.mjs`.
// The parser is TypeScript, so it is bundled in memory with esbuild and imported from there.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const entry = fileURLToPath(new URL("../packages/syntax/src/dsl/diagrams.ts", import.meta.url));
const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
  logLevel: "warning",
});
const code = bundle.outputFiles[0].text;
const diagrams = await import(
  `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`
);
writeFileSync(new URL("./diagrams.html", import.meta.url), diagrams.syntaxDiagramsHtml());
