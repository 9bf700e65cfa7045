import { randomBytes } from "node:crypto";
import { renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * part: the text goes to a temporary file in the same folder (the same file system, so the
 * rename is atomic), which is then renamed over the target. On any failure the temporary file
 * is removed and the target is left as it was; the error is rethrown. An existing target keeps
 * its permission bits.
 */
export function writeFileAtomic(path: string, text: string): void {
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o777;
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
