// Hunts for counterexamples: runs the property tests with a random seed and many more runs than
// CI does. Usage: `pnpm test:props:hunt [scale]` (default scale 20, meaning 20 times the CI runs).
// Replay a failure with `PALISADE_PROP_SEED=<seed> pnpm test:props:hunt <scale>`; the seed is
// printed first, and fast-check repeats it (with the shrink path) in every failure message.
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";

const seed = process.env.PALISADE_PROP_SEED ?? String(randomInt(1, 2 ** 31 - 1));
const scale = process.argv[2] ?? process.env.PALISADE_PROP_SCALE ?? "20";
if (!Number.isFinite(Number(scale)) || Number(scale) <= 0) {
  process.stderr.write(`hunt: the scale must be a positive number, got \`${scale}\`\n`);
  process.exit(2);
}

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
process.stdout.write(`hunt: seed ${seed}, scale ${scale}\n`);

const child = spawn(
  process.execPath,
  [
    vitest,
    "run",
    "test/properties",
    "--exclude",
    "test/properties/mutants.test.ts",
    "--testTimeout",
    "0",
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PALISADE_PROP_SEED: seed, PALISADE_PROP_SCALE: scale },
  },
);
child.on("exit", (code, signal) => {
  if (code !== 0) process.stdout.write(`hunt: failed with seed ${seed}, scale ${scale}\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
