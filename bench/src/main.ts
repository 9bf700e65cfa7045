import "./v8-flags.ts";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { ratioChart } from "./chart.ts";
import { measureBigCompile, measureParsing } from "./compile-bench.ts";
import { DisagreementError } from "./harness.ts";
import { describeMachine } from "./machine.ts";
import { generateMesh } from "./mesh.ts";
import type { CompileResult, ResultRow, RunResults } from "./results.ts";
import { type RunSettings, runSize } from "./scenarios.ts";
import { resultTables } from "./table.ts";
import { createSigningKey } from "./tokens.ts";

/**
 * The benchmark's entry point (`pnpm bench`). Environment: `BENCH_SIZES` (comma-separated
 * service counts, default `10,150,1000,10000`; 150 services make about 1 000 rules) and
 * `BENCH_QUICK=1` (fewer, shorter rounds, for trying changes; not for reporting).
 */
async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const quick = process.env.BENCH_QUICK === "1";
  const sizes = (process.env.BENCH_SIZES ?? DEFAULT_SIZES)
    .split(",")
    .map((item) => Number(item.trim()));
  const settings: RunSettings = {
    rounds: quick ? 3 : 9,
    warmupRounds: quick ? 1 : 3,
    roundMs: quick ? 15 : 40,
    freshPerRound: quick ? 100 : 250,
    agreementMs: quick ? 3_000 : 15_000,
    log,
  };
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    log("warning: run with --expose-gc (as `pnpm bench` does) for stable memory figures");
  }

  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const began = performance.now();
  log(
    `# palisade bench: ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ` +
      `cedar-wasm ${machine.cedar}, casbin ${machine.casbin}, jose ${machine.jose}`,
  );

  const key = createSigningKey("bench-es256");
  // A throwaway pass over the smallest mesh first, so the first measured scenario does not also
  // pay for every contender's code getting compiled and optimized.
  log("\nwarming up on a throwaway 10-service pass");
  await runSize(10, key, { ...settings, rounds: 2, warmupRounds: 1, log: () => {} });
  const rows: ResultRow[] = [];
  const compiles: CompileResult[] = [];
  for (const services of sizes) {
    const result = await runSize(services, key, settings);
    rows.push(...result.rows);
    compiles.push(result.compile);
  }

  const largest = Math.max(...sizes);
  log(`\n## front ends and compiler`);
  const parse = measureParsing(generateMesh(largest, largest), quick ? 1 : 3);
  for (const item of parse) {
    log(
      `parse ${item.form}: ${item.megabytesPerSecond.toFixed(1)} MB/s (${item.ms.toFixed(0)} ms)`,
    );
  }
  const big = measureBigCompile(10_000, 5, quick ? 1 : 3);
  log(
    `compile ${big.label}: ${big.ms.toFixed(0)} ms, heap after ${(big.heapAfterBytes / 1e6).toFixed(0)} MB, ` +
      `retained ${(big.retainedBytes / 1e6).toFixed(0)} MB, compiles within a ${big.smallestHeapMB ?? "(none tried)"} MB heap cap`,
  );
  compiles.push(big);

  const results: RunResults = {
    machine,
    startedAt,
    durationSeconds: (performance.now() - began) / 1000,
    rows,
    parse,
    compile: compiles,
  };
  const tables = resultTables(results);
  log(`\n${tables}`);
  const subtitle =
    `${machine.cpus} × ${machine.cpuModel}, node ${machine.node}; ` +
    `cedar-wasm ${machine.cedar}, casbin ${machine.casbin}, jose ${machine.jose}; ${startedAt}`;
  const trial = quick || sizes.join() !== DEFAULT_SIZES;
  const written = writeResults(results, tables, ratioChart(rows, subtitle), trial);
  log(`written: ${written.map((name) => `results/${name}`).join(", ")}`);
}

const DEFAULT_SIZES = "10,150,1000,10000";

/**
 * A full run writes `latest.json`, `latest.md` and `ratios.svg`, first keeping the previous
 * `latest.json` as `previous.json`; a quick run or one with other sizes writes `trial.*` (not
 * committed), so trying a change never overwrites the reported figures. Returns the file names.
 */
function writeResults(results: RunResults, tables: string, chart: string, trial: boolean) {
  const folder = new URL("../results/", import.meta.url);
  mkdirSync(folder, { recursive: true });
  const names = trial
    ? ["trial.json", "trial.md", "trial.svg"]
    : ["latest.json", "latest.md", "ratios.svg"];
  const latest = new URL("latest.json", folder);
  if (!trial && existsSync(latest)) copyFileSync(latest, new URL("previous.json", folder));
  const contents = [`${JSON.stringify(results, null, 2)}\n`, tables, chart];
  names.forEach((name, index) => {
    writeFileSync(new URL(name, folder), contents[index] as string);
  });
  return names;
}

main().catch((error: unknown) => {
  if (error instanceof DisagreementError) {
    process.stderr.write(`\nbench aborted: ${error.message}\n`);
  } else {
    process.stderr.write(
      `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = 1;
});
