import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compile, generatePolicySet } from "@palisade/compiler";
import { hasErrors, parseDsl, parseYaml } from "@palisade/syntax";
import { collectGarbage, cpuMs, median } from "./harness.ts";
import type { Mesh } from "./mesh.ts";
import { meshToDslText, meshToYamlText } from "./print-policy.ts";
import type { CompileResult, ParseResult } from "./results.ts";

/** Parse speed of both front ends on the same mesh, median of `repetitions` parses each. */
export function measureParsing(mesh: Mesh, repetitions: number): ParseResult[] {
  const forms = [
    { form: "dsl" as const, text: meshToDslText(mesh), parse: parseDsl, file: "mesh.policy" },
    { form: "yaml" as const, text: meshToYamlText(mesh), parse: parseYaml, file: "mesh.yaml" },
  ];
  return forms.map(({ form, text, parse, file }) => {
    const times: number[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      collectGarbage();
      const began = cpuMs();
      const result = parse(text, file);
      times.push(cpuMs() - began);
      if (hasErrors(result.diagnostics)) {
        const first = result.diagnostics[0];
        throw new Error(
          `the generated ${form} does not parse: ${first?.span.line}:${first?.span.column}: ` +
            `${first?.code}: ${first?.message}`,
        );
      }
      if (result.policy.services.length !== mesh.services.length) {
        throw new Error(`the ${form} parser returned ${result.policy.services.length} services`);
      }
    }
    const bytes = Buffer.byteLength(text);
    const ms = median(times.sort((a, b) => a - b));
    return {
      form,
      bytes,
      services: mesh.services.length,
      ms,
      megabytesPerSecond: bytes / 1e3 / ms,
    };
  });
}

/**
 * Compiles the compiler's own generated set (`generatePolicySet`) of `services` services and
 * `services * rulesPerService` rules: median CPU time, heap right after, heap the IR keeps, and
 * the smallest old-space cap (of `HEAP_CAPS`) under which a child process still compiles it.
 */
export function measureBigCompile(
  services: number,
  rulesPerService: number,
  repetitions: number,
): CompileResult {
  const sources = generatePolicySet(services, rulesPerService, 1);
  const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  const times: number[] = [];
  let heapAfterBytes = 0;
  let retainedBytes = 0;
  let rules = 0;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    collectGarbage();
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const began = cpuMs();
    const result = compile(sources);
    times.push(cpuMs() - began);
    heapAfterBytes = Math.max(heapAfterBytes, process.memoryUsage().heapUsed - before);
    if (result.ir === null) {
      const first = result.diagnostics.find((diagnostic) => diagnostic.severity === "error");
      throw new Error(`the generated set does not compile: ${first?.code}: ${first?.message}`);
    }
    const ir = result.ir;
    collectGarbage();
    collectGarbage();
    retainedBytes = Math.max(retainedBytes, process.memoryUsage().heapUsed - before);
    // Read after the collection, so the IR is still reachable while it is measured.
    rules = ir.services.reduce(
      (sum, service) => sum + service.ingress.length + service.egress.length,
      0,
    );
  }
  return {
    label: `${services} services / ${services * rulesPerService} rules`,
    generator: "generatePolicySet",
    services,
    rules,
    bytes,
    ms: median(times.sort((a, b) => a - b)),
    repetitions,
    heapAfterBytes,
    retainedBytes,
    smallestHeapMB: HEAP_CAPS.find((cap) => compilesWithin(services, rulesPerService, cap)) ?? null,
  };
}

/** Old-space caps tried in turn, in MB, to find the least heap the compile fits in. */
const HEAP_CAPS = [64, 100, 150, 200, 300, 500];

/** Runs the compile in a child process whose old space is capped at `megabytes`. */
function compilesWithin(services: number, rulesPerService: number, megabytes: number): boolean {
  const probe = fileURLToPath(new URL("./compile-probe.ts", import.meta.url));
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${megabytes}`,
      "--import",
      "tsx",
      probe,
      `${services}`,
      `${rulesPerService}`,
    ],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" },
  );
  return child.status === 0 && child.stdout.includes("compiled");
}
