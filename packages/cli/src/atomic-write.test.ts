import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.ts";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "palisade-atomic-"));
});
afterEach(() => {
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
    // A non-empty folder in the target's place makes the rename fail after the write.
    const target = join(folder, "taken");
    mkdirSync(target);
    writeFileSync(join(target, "inside"), "kept\n");
    expect(() => writeFileAtomic(target, "new\n")).toThrow();
    expect(readdirSync(folder)).toEqual(["taken"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("kept\n");
  });
});
