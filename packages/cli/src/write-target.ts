import { lstatSync, type Stats, statSync } from "node:fs";

/** What a path names, seen without following a symbolic link there. */
export type PathKind =
  | "absent"
  | "regular file"
  | "symbolic link"
  | "folder"
  | "FIFO"
  | "device"
  | "socket";

function kindOf(stats: Stats): PathKind {
  if (stats.isFile()) return "regular file";
  if (stats.isSymbolicLink()) return "symbolic link";
  if (stats.isDirectory()) return "folder";
  if (stats.isFIFO()) return "FIFO";
  if (stats.isSocket()) return "socket";
  return "device";
}

/**
 * What `path` names, by `lstat` (a symbolic link is reported as one, not as its target).
 * A path with nothing there is `absent`; any other failure to look is thrown.
 */
export function pathKind(path: string): PathKind {
  try {
    return kindOf(lstatSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
}

/**
 * Why the CLI must not replace what is at `path`, or null when it may: only a regular file, or
 * nothing at all, may be replaced. A symbolic link, FIFO, device, socket or folder is refused,
 * so that an output never lands somewhere other than the name it was given.
 */
export function replaceRefusal(path: string): string | null {
  const kind = pathKind(path);
  if (kind === "absent" || kind === "regular file") return null;
  return `it is a ${kind}, not a regular file; only a regular file is replaced`;
}

/**
 * The input among `inputs` that `path` is, or null when it is none of them. Files are compared
 * by device and inode, so a second name for an input (a hard link, a symbolic link to it, a
 * path through a linked folder) is caught too. Inputs that cannot be looked at are skipped.
 */
export function sameFileAs(path: string, inputs: readonly string[]): string | null {
  let target: { dev: bigint; ino: bigint };
  try {
    target = statSync(path, { bigint: true });
  } catch {
    return null;
  }
  for (const input of inputs) {
    try {
      const seen = statSync(input, { bigint: true });
      if (seen.dev === target.dev && seen.ino === target.ino) return input;
    } catch {
      // An input gone since it was read cannot be the file about to be written.
    }
  }
  return null;
}
