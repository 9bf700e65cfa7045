import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { compile } from "@palisade/compiler";
import { type Ir, loadIr } from "@palisade/ir";
import type { Diagnostic } from "@palisade/syntax";
import type { CliContext } from "./context.ts";
import { describeError, InputError, UsageError } from "./exit-codes.ts";
import { collectFiles, displayPath, isIrFile, POLICY_FILES } from "./policy-paths.ts";

/** A policy set read from sources or from a compiled file. */
export type LoadedPolicy =
  | {
      readonly ok: true;
      readonly ir: Ir;
      readonly diagnostics: readonly Diagnostic[];
      /** The files read, as shown in messages. */
      readonly files: readonly string[];
      /** Every file read, keys files included, as absolute paths. */
      readonly inputs: readonly string[];
    }
  | {
      readonly ok: false;
      /** Compiler diagnostics when sources failed to compile (empty for a bad compiled file). */
      readonly diagnostics: readonly Diagnostic[];
      /** Why a compiled file was refused, when that is what failed. */
      readonly error: string | null;
      readonly files: readonly string[];
      readonly inputs: readonly string[];
    };

/** Reads a text file named on the command line; failure is unreadable input. */
export function readInputFile(context: CliContext, path: string): string {
  try {
    return readFileSync(resolve(context.io.cwd, path), "utf8");
  } catch (error) {
    throw new InputError(`cannot read \`${path}\`: ${describeError(error)}`);
  }
}

/**
 * Compiles the policy sources under `paths` (files and folders, searched recursively, test
 * files skipped). File names in diagnostics and spans are relative to the working folder.
 */
export function compilePaths(context: CliContext, paths: readonly string[]): LoadedPolicy {
  const { cwd } = context.io;
  const files = collectFiles(cwd, paths, POLICY_FILES);
  const sources = files.map((full) => {
    const file = displayPath(cwd, full);
    const text = readInputFile(context, full);
    context.sources.add(file, text);
    return { file, text };
  });
  const shown = sources.map((source) => source.file);
  const inputs = [...files];

  const result = compile(sources, {
    readFile: (path: string) => {
      const full = resolve(cwd, path);
      try {
        const text = readFileSync(full, "utf8");
        inputs.push(full);
        return text;
      } catch {
        return null;
      }
    },
  });
  if (result.ir === null)
    return { ok: false, diagnostics: result.diagnostics, error: null, files: shown, inputs };
  return { ok: true, ir: result.ir, diagnostics: result.diagnostics, files: shown, inputs };
}

/** Reads and validates a compiled IR file (`palisade compile` output). */
export function loadCompiledFile(context: CliContext, path: string): LoadedPolicy {
  const text = readInputFile(context, path);
  const full = resolve(context.io.cwd, path);
  const shown = displayPath(context.io.cwd, full);
  const loaded = loadIr(text);
  if (!loaded.ok) {
    return {
      ok: false,
      diagnostics: [],
      error: `${shown}: ${loaded.error.message} [${loaded.error.code}]`,
      files: [shown],
      inputs: [full],
    };
  }
  return { ok: true, ir: loaded.ir, diagnostics: [], files: [shown], inputs: [full] };
}

/**
 * A policy given either as sources (files and folders) or as one compiled IR file (`.json`).
 * Mixing the two is a usage error.
 */
export function loadPolicyArgument(
  context: CliContext,
  command: string,
  paths: readonly string[],
): LoadedPolicy {
  const compiled = paths.filter(isIrFile);
  if (compiled.length === 0) return compilePaths(context, paths);
  if (paths.length > 1) {
    throw new UsageError(
      "give either one compiled policy (`.json`) or policy sources, not both or several",
      command,
    );
  }
  return loadCompiledFile(context, compiled[0] ?? "");
}

/** True when a failed compile mixed DSL and YAML files and found services defined twice. */
function mixesForms(loaded: LoadedPolicy): boolean {
  const dsl = loaded.files.some((file) => /\.policy$/i.test(file));
  const yaml = loaded.files.some((file) => /\.ya?ml$/i.test(file));
  return dsl && yaml && loaded.diagnostics.some((d) => d.code === "check/duplicate-service");
}

/**
 * Prints what went wrong loading a policy (diagnostics, or why a compiled file was refused).
 * Warnings of a good load are printed in full only when `warnings` is `show`; `count` gives one
 * line instead, since commands other than `compile` are about something else, and `hide`
 * nothing (the demo, which shows a shipped example).
 * Returns the IR when there is one.
 */
export function reportLoad(
  context: CliContext,
  loaded: LoadedPolicy,
  format: "text" | "json",
  warnings: "show" | "count" | "hide" = "show",
): Ir | null {
  if (loaded.ok && warnings === "hide") return loaded.ir;
  if (loaded.ok && warnings === "count") {
    const count = loaded.diagnostics.length;
    if (count > 0 && format === "text") {
      const counted = context.err.yellow(`${count} ${count === 1 ? "warning" : "warnings"}`);
      context.note(`${counted} in the policy; \`palisade compile\` shows them`);
    }
    return loaded.ir;
  }
  context.reportDiagnostics(loaded.diagnostics, format);
  if (loaded.ok) return loaded.ir;
  if (format === "text" && mixesForms(loaded)) {
    context.note(
      `${context.err.cyan("note")}: these paths hold both .policy and YAML files that define ` +
        "the same services; if they are one policy written in two forms (as in " +
        "examples/mesh/policy and examples/mesh/yaml), give one form only",
    );
  }
  if (loaded.error !== null) {
    context.note(
      format === "json"
        ? JSON.stringify({ severity: "error", message: loaded.error })
        : `${context.err.red("error")}: ${loaded.error}`,
    );
  }
  return null;
}
