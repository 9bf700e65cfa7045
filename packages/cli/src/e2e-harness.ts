/**
 * Support for the end-to-end tests: they run the built binary (`dist/palisade.js`) as a child
 * process on real files in a temporary folder, as a user would.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** The bundled binary the tests run. */
export const BINARY = join(REPO, "packages/cli/dist/palisade.js");

/**
 * Builds the binary when it is missing. The test command builds it before vitest starts; this
 * covers running vitest alone on a fresh clone.
 */
export function ensureBuilt(): void {
  if (existsSync(BINARY)) return;
  const built = spawnSync(process.execPath, ["build.mjs"], {
    cwd: join(REPO, "packages/cli"),
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`building the CLI failed:\n${built.stderr}`);
}

/** What a run of the binary gave. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `palisade ARGS` in `cwd`, with `input` on stdin; colour settings are cleared. */
export function palisade(
  args: readonly string[],
  options: { cwd: string; input?: string; env?: Record<string, string> },
): RunResult {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== "NO_COLOR" && name !== "FORCE_COLOR") env[name] = value;
  }
  const result = spawnSync(process.execPath, [BINARY, ...args], {
    cwd: options.cwd,
    input: options.input ?? "",
    env: { ...env, ...options.env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder holding `files` (paths relative to it, `/`-separated). */
export function workspace(files: Readonly<Record<string, string>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "palisade-e2e-"));
  writeFiles(root, files);
  return root;
}

/** Writes (or overwrites) files under `root`, creating folders as needed. */
export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

/** Copies the shipped mesh example (both forms, keys, tests) into `root/examples/mesh`. */
export function copyMesh(root: string): void {
  for (const part of ["policy", "yaml", "keys", "tests"]) {
    cpSync(join(REPO, "examples/mesh", part), join(root, "examples/mesh", part), {
      recursive: true,
    });
  }
}

/** Removes a temporary folder made by `workspace`. */
export function removeWorkspace(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
