import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Ir } from "@palisade/ir";
import { describe, expect, it } from "vitest";
import { compile } from "../compile.ts";
import { canReach } from "./reach.ts";

const MESH = join(import.meta.dirname, "../../../../examples/mesh");

function meshIr(): Ir {
  const sources = readdirSync(join(MESH, "policy")).map((name) => ({
    file: `policy/${name}`,
    text: readFileSync(join(MESH, "policy", name), "utf8"),
  }));
  const result = compile(sources, {
    readFile: (path) => readFileSync(join(MESH, path), "utf8"),
  });
  if (!result.ir) throw new Error("the mesh example should compile");
  return result.ir;
}

describe("canReach", () => {
  const ir = meshIr();

  it("finds a shortest path through allowed edges", () => {
    expect(canReach(ir, "gateway", "database")).toEqual({
      reachable: true,
      path: ["gateway", "api-service", "database"],
    });
    expect(canReach(ir, "admin-panel", "mailer")).toEqual({
      reachable: false,
      path: [],
    });
    expect(canReach(ir, "worker", "mailer")).toEqual({
      reachable: true,
      path: ["worker", "mailer"],
    });
  });

  it("follows edges one way only", () => {
    expect(canReach(ir, "database", "gateway")).toEqual({ reachable: false, path: [] });
  });

  it("says every service reaches itself, and unknown ids reach nothing", () => {
    expect(canReach(ir, "dns", "dns")).toEqual({ reachable: true, path: ["dns"] });
    expect(canReach(ir, "nobody", "dns")).toEqual({ reachable: false, path: [] });
  });
});
