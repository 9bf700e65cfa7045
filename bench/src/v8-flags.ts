import { setFlagsFromString } from "node:v8";

/**
 * Turns off V8's inlining of JS-to-WebAssembly calls before any code is optimized. With it on,
 * node 20's V8 (11.3) intermittently aborts with `unreachable code` in
 * `Deoptimizer::DoComputeBuiltinContinuation` when an optimized function that inlined a call into
 * Cedar's WebAssembly is deoptimized lazily (seen about one run in five). Only calls into
 * WebAssembly are affected, so only Cedar's figures can move, and those by a call's overhead.
 * Imported first by `main.ts`, so it runs before anything else.
 */
setFlagsFromString("--no-turbo-inline-js-wasm-calls");
