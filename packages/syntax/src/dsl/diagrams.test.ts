// The committed syntax diagrams must be the ones the current parser draws.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntaxDiagramsHtml } from "./diagrams.ts";

const committed = readFileSync(
  new URL("../../../../grammar/diagrams.html", import.meta.url),
  "utf8",
);

describe("grammar/diagrams.html", () => {
  it("is current (regenerate with `node grammar/generate-diagrams.mjs`)", () => {
    expect(committed === syntaxDiagramsHtml()).toBe(true);
  });

  it("draws every rule of the parser", () => {
    for (const rule of ["policyFile", "serviceDecl", "ingressRule", "portClause", "condition"]) {
      expect(committed).toContain(`"name": "${rule}"`);
    }
  });

  it("loads its scripts from the installed package, not from the network", () => {
    expect(committed).not.toMatch(/(?:src|href)='https?:/);
    expect(committed).toContain("src='../packages/syntax/node_modules/chevrotain/diagrams/");
  });
});
