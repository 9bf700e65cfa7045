// The shipped examples are written in the language exactly as specified.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDsl } from "./parse.ts";

const examples = new URL("../../../../examples/", import.meta.url);
const mesh = new URL("mesh/policy/", examples);

describe("examples", () => {
  it("api-service.policy parses without diagnostics", () => {
    const text = readFileSync(new URL("api-service.policy", examples), "utf8");
    const { policy, diagnostics } = parseDsl(text, "examples/api-service.policy");
    expect(diagnostics).toEqual([]);
    expect(policy.services.map((service) => service.id)).toEqual(["api-service"]);
  });

  it("the mesh parses without diagnostics: one trust block and ten services", () => {
    const files = readdirSync(mesh).filter((name) => name.endsWith(".policy"));
    const parsed = files.map((name) => parseDsl(readFileSync(new URL(name, mesh), "utf8"), name));
    expect(parsed.flatMap((result) => result.diagnostics)).toEqual([]);
    expect(parsed.flatMap((result) => result.policy.trust).length).toBe(1);
    const ids = parsed.flatMap((result) => result.policy.services.map((service) => service.id));
    expect(ids.sort()).toEqual([
      "admin-panel",
      "api-service",
      "cache",
      "database",
      "dns",
      "gateway",
      "mailer",
      "metrics",
      "queue",
      "worker",
    ]);
  });
});
