import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectFiles, POLICY_FILES } from "./policy-paths.ts";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "palisade-paths-"));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("collectFiles", () => {
  it("refuses a FIFO named as a policy file, which could never be read to its end", () => {
    expect(spawnSync("mkfifo", [join(folder, "pipe.policy")]).status).toBe(0);
    expect(() => collectFiles(folder, ["pipe.policy"], POLICY_FILES)).toThrow(
      "cannot read `pipe.policy`: it is not a regular file or a folder",
    );
  });

  it("takes a named symbolic link to a file, but does not follow links in folders", () => {
    writeFileSync(join(folder, "real.policy"), "");
    symlinkSync("real.policy", join(folder, "link.policy"));
    expect(collectFiles(folder, ["link.policy"], POLICY_FILES)).toEqual([
      join(folder, "link.policy"),
    ]);
    expect(collectFiles(folder, ["."], POLICY_FILES)).toEqual([join(folder, "real.policy")]);
  });
});
