import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { getCedarVersion } from "@cedar-policy/cedar-wasm/nodejs";
import type { Machine } from "./results.ts";

/** The machine, the runtime and the peers' versions. */
export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cedar: getCedarVersion(),
    casbin: packageVersion("casbin"),
    jose: packageVersion("jose"),
  };
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
