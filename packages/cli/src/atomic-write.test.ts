import { spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeFileAtomic } from "./atomic-write.ts";

// The rename can be made to fail on demand, to test the clean-up after a failed rename.
const renameFault = vi.hoisted(() => ({ on: false }));
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (renameFault.on) throw Object.assign(new Error("EIO: simulated"), { code: "EIO" });
      fs.renameSync(from, to);
    },
  };
});

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "palisade-atomic-"));
});
afterEach(() => {
  renameFault.on = false;
  rmSync(folder, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("replaces the content and leaves no temporary file behind", () => {
    const target = join(folder, "out.json");
    writeFileSync(target, "old\n");
    writeFileAtomic(target, "new\n");
    expect(readFileSync(target, "utf8")).toBe("new\n");
    expect(readdirSync(folder)).toEqual(["out.json"]);
  });

  it("throws and leaves nothing when the folder does not exist", () => {
    expect(() => writeFileAtomic(join(folder, "missing", "out.json"), "x")).toThrow(/ENOENT/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("removes its temporary file when the rename fails", () => {
    const target = join(folder, "out.json");
    writeFileSync(target, "old\n");
    renameFault.on = true;
    expect(() => writeFileAtomic(target, "new\n")).toThrow("EIO: simulated");
    expect(readdirSync(folder)).toEqual(["out.json"]);
    expect(readFileSync(target, "utf8")).toBe("old\n");
  });

  it("refuses to replace a folder, writing nothing", () => {
    const target = join(folder, "taken");
    mkdirSync(target);
    writeFileSync(join(target, "inside"), "kept\n");
    expect(() => writeFileAtomic(target, "new\n")).toThrow(
      "it is a folder, not a regular file; only a regular file is replaced",
    );
    expect(readdirSync(folder)).toEqual(["taken"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("kept\n");
  });

  it("refuses to replace a symbolic link, leaving the link and its target as they were", () => {
    writeFileSync(join(folder, "target"), "kept\n");
    symlinkSync("target", join(folder, "link"));
    expect(() => writeFileAtomic(join(folder, "link"), "new\n")).toThrow(
      "it is a symbolic link, not a regular file; only a regular file is replaced",
    );
    expect(lstatSync(join(folder, "link")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(folder, "target"), "utf8")).toBe("kept\n");
    expect(readdirSync(folder).sort()).toEqual(["link", "target"]);
  });

  it("refuses to replace a FIFO", () => {
    const made = spawnSync("mkfifo", [join(folder, "pipe")]);
    expect(made.status).toBe(0);
    expect(() => writeFileAtomic(join(folder, "pipe"), "new\n")).toThrow(
      "it is a FIFO, not a regular file; only a regular file is replaced",
    );
    expect(lstatSync(join(folder, "pipe")).isFIFO()).toBe(true);
    expect(readdirSync(folder)).toEqual(["pipe"]);
  });
});
