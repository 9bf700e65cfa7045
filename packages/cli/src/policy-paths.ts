import { readdirSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { describeError, InputError, UsageError } from "./exit-codes.ts";

/** True for a policy test file (`*.test.yaml`, `*.test.yml`). */
export function isTestFile(name: string): boolean {
  return /\.test\.ya?ml$/i.test(name);
}

/** True for a policy source (`.policy`, `.yaml`, `.yml`) that is not a test file. */
export function isPolicyFile(name: string): boolean {
  return /\.(policy|ya?ml)$/i.test(name) && !isTestFile(name);
}

/** True for a DSL source. */
export function isDslFile(name: string): boolean {
  return /\.policy$/i.test(name);
}

/** True for a file that holds a compiled IR rather than policy source. */
export function isIrFile(name: string): boolean {
  return /\.json$/i.test(name);
}

/**
 * How a path is shown and recorded in spans: relative to the working folder, with `/` between
 * folders whatever the platform, so diagnostics and compiled files are the same everywhere.
 */
export function displayPath(cwd: string, absolute: string): string {
  const shown = relative(cwd, absolute);
  return (shown === "" ? "." : shown).split(sep).join("/");
}

/** Folders never searched: hidden ones (`.git`) and installed dependencies. */
function skipFolder(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

function walk(folder: string, accept: (name: string) => boolean, out: string[]): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = resolve(folder, entry.name);
    if (entry.isDirectory()) {
      if (!skipFolder(entry.name)) walk(full, accept, out);
    } else if (entry.isFile() && accept(entry.name)) {
      out.push(full);
    }
  }
}

/** Which files a path argument stands for, and what a named file must look like. */
export interface FileKind {
  /** Files picked up when searching a folder. */
  readonly accept: (name: string) => boolean;
  /** Why a file named directly is refused, or null when it is fine. */
  readonly refuse: (name: string) => string | null;
  /** What the files are called in messages (`policy files`). */
  readonly noun: string;
}

/** Policy sources: `.policy`, `.yaml`, `.yml`; test files are skipped. */
export const POLICY_FILES: FileKind = {
  accept: isPolicyFile,
  refuse: (name) =>
    isTestFile(name)
      ? `\`${name}\` is a policy test file; run it with \`palisade test\``
      : isPolicyFile(name)
        ? null
        : `\`${name}\` is not a policy file (\`.policy\`, \`.yaml\` or \`.yml\`)`,
  noun: "policy files",
};

/** Policy test files: `*.test.yaml`, `*.test.yml`. */
export const TEST_FILES: FileKind = {
  accept: isTestFile,
  refuse: (name) =>
    /\.ya?ml$/i.test(name) ? null : `\`${name}\` is not a policy test file (\`*.test.yaml\`)`,
  noun: "policy test files",
};

/**
 * Expands path arguments into a sorted, duplicate-free list of absolute file paths. Folders are
 * searched recursively. A missing path, or a search that finds nothing, is unreadable input.
 */
export function collectFiles(cwd: string, paths: readonly string[], kind: FileKind): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const full = resolve(cwd, path);
    let isFolder: boolean;
    try {
      const stats = statSync(full);
      isFolder = stats.isDirectory();
      // A FIFO or device named here would block the read or never end; only files are read.
      if (!isFolder && !stats.isFile()) {
        throw new InputError(`cannot read \`${path}\`: it is not a regular file or a folder`);
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read \`${path}\`: ${describeError(error)}`);
    }
    if (isFolder) {
      const inFolder: string[] = [];
      try {
        walk(full, kind.accept, inFolder);
      } catch (error) {
        throw new InputError(`cannot search \`${path}\`: ${describeError(error)}`);
      }
      if (inFolder.length === 0) throw new InputError(`no ${kind.noun} found in \`${path}\``);
      for (const file of inFolder) found.add(file);
    } else {
      const refusal = kind.refuse(path);
      if (refusal !== null) throw new UsageError(refusal);
      found.add(full);
    }
  }
  return [...found].sort((a, b) => {
    const left = displayPath(cwd, a);
    const right = displayPath(cwd, b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
