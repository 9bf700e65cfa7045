import { describe, expect, it } from "vitest";
import { compile } from "../compile.ts";

function diagnose(rule: string) {
  const text = `service orders {\n  ingress {\n    ${rule}\n  }\n}\n`;
  const { ir, diagnostics } = compile([{ file: "orders.policy", text }], { readFile: () => null });
  const found = diagnostics.filter((d) => d.code === "check/deny-with-scopes");
  return { ir, underlined: found.map((d) => text.slice(d.span.start, d.span.end)) };
}

describe("check/deny-with-scopes", () => {
  it("refuses scopes on a deny rule, underlining the first scope", () => {
    const { ir, underlined } = diagnose("deny from billing port 8443 scopes orders:write");
    expect(ir).toBeNull();
    expect(underlined).toEqual(["orders:write"]);
  });

  it("says nothing about scopes on an allow rule", () => {
    expect(diagnose("allow from billing port 8443 scopes orders:write").underlined).toEqual([]);
  });
});
