// Bundles the CLI into one ESM file so the binary runs on plain Node 20. The file is written to a
// temporary name and renamed into place, so a build running while tests start the binary (or two
// builds at once) never leaves a half-written dist/palisade.js.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "dist/palisade.js");

const result = await build({
  entryPoints: [join(here, "src/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __palisadeRequire } from 'node:module';",
      "const require = __palisadeRequire(import.meta.url);",
    ].join("\n"),
  },
  logLevel: "warning",
});

mkdirSync(dirname(outfile), { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  chmodSync(temporary, 0o755);
  renameSync(temporary, file.path);
}
