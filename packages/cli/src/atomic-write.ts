import { randomBytes } from "node:crypto";
import { lstatSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { replaceRefusal } from "./write-target.ts";

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * part: the text goes to a temporary file in the same folder (the same file system, so the
 * rename is atomic), which is then renamed over the target. On any failure the temporary file
 * is removed and the target is left as it was; the error is rethrown. An existing target keeps
 * its permission bits. Only a regular file (or nothing) is replaced: a symbolic link, FIFO,
 * device or folder at `path` is refused with an error and nothing is written.
 */
export function writeFileAtomic(path: string, text: string): void {
  const refusal = replaceRefusal(path);
  if (refusal !== null) throw new Error(refusal);
  let mode = 0o644;
  try {
    mode = lstatSync(path).mode & 0o777;
  } catch {
    // No file there yet: a new file gets the usual permissions.
  }
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    writeFileSync(temporary, text, { encoding: "utf8", flag: "wx", mode });
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // The temporary file was never created or is already gone; the first error is the one
      // worth reporting.
    }
    throw error;
  }
}
