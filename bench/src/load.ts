import { collectGarbage, cpuMs } from "./harness.ts";

/** A contender once loaded, with what loading it cost. */
export interface Loaded<T> {
  readonly value: T;
  readonly loadMs: number;
  /** Growth of the V8 heap (after a full collection) caused by loading. */
  readonly heapBytes: number;
  /** Growth of memory outside the V8 heap (buffers, WebAssembly memory). */
  readonly externalBytes: number;
}

/**
 * Builds something and reports the time it took and the memory it holds afterwards, measured
 * after full collections before and after so that only what stays reachable counts.
 */
export async function measureLoad<T>(build: () => T | Promise<T>): Promise<Loaded<T>> {
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage();
  const began = cpuMs();
  const value = await build();
  const loadMs = cpuMs() - began;
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage();
  return {
    value,
    loadMs,
    heapBytes: Math.max(0, after.heapUsed - before.heapUsed),
    externalBytes: Math.max(0, after.external - before.external),
  };
}
