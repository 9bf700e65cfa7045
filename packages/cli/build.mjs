// Bundles the CLI into one ESM file so the binary runs on plain Node 20.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/palisade.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __palisadeRequire } from 'node:module';\nconst require = __palisadeRequire(import.meta.url);",
  },
  logLevel: "warning",
});
