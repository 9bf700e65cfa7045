import { formatRatio } from "./chart.ts";
import type { RunResults } from "./results.ts";
import { formatNs } from "./scenario-rows.ts";

/** The results as Markdown tables (which also read well as plain text). */
export function resultTables(results: RunResults): string {
  const { machine } = results;
  const lines = [
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, ${machine.platform};`,
    `node ${machine.node} (V8 ${machine.v8}); cedar-wasm ${machine.cedar}, ` +
      `casbin ${machine.casbin}, jose ${machine.jose}.`,
    `Run ${results.startedAt}, ${results.durationSeconds.toFixed(0)} s.`,
    "",
    "| scenario | services (rules) | contender | per decision | ratio to palisade | heap after load | load |",
    "|---|---|---|--:|--:|--:|--:|",
  ];
  for (const row of results.rows) {
    const heap =
      row.heapBytes === null
        ? ""
        : `${mb(row.heapBytes)}${row.externalBytes ? ` + ${mb(row.externalBytes)} ext` : ""}`;
    lines.push(
      `| ${row.scenario} | ${row.services} (${row.rules}) | ${row.contender} | ` +
        `${formatNs(row.nsPerOp)} | ${row.contender === "palisade" ? "1" : formatRatio(row.ratio)} | ` +
        `${heap} | ${row.loadMs === null ? "" : `${row.loadMs.toFixed(0)} ms`} |`,
    );
  }
  lines.push(
    "",
    "Per decision: median over rounds of main-thread CPU time (connection, cached token) or of",
    "elapsed time (fresh token, whose signature check runs on libuv's thread pool). Ratio: the",
    "contender's time over Palisade's in the same scenario. Rules: rules in the IR.",
  );
  if (results.parse.length > 0) {
    lines.push("", "| front end | input | time | speed |", "|---|---|--:|--:|");
    for (const parse of results.parse) {
      lines.push(
        `| ${parse.form} | ${parse.services} services, ${mb(parse.bytes)} | ` +
          `${parse.ms.toFixed(0)} ms | ${parse.megabytesPerSecond.toFixed(1)} MB/s |`,
      );
    }
  }
  if (results.compile.length > 0) {
    lines.push(
      "",
      "| compile | services | rules | DSL | CPU time | heap after | retained | least heap cap |",
      "|---|--:|--:|--:|--:|--:|--:|---|",
    );
    for (const compile of results.compile) {
      const fits = compile.smallestHeapMB === null ? "" : `${compile.smallestHeapMB} MB`;
      lines.push(
        `| ${compile.label} (${compile.generator}) | ${compile.services} | ${compile.rules} | ` +
          `${mb(compile.bytes)} | ${compile.ms.toFixed(0)} ms | ${mbOrBlank(compile.heapAfterBytes)} | ` +
          `${mbOrBlank(compile.retainedBytes)} | ${fits} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;
}

function mbOrBlank(bytes: number): string {
  return Number.isFinite(bytes) ? mb(bytes) : "";
}
