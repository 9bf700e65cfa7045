import { describe, expect, it } from "vitest";
import { colourWanted, createStyle } from "./colour.ts";

describe("colourWanted", () => {
  it("colours a terminal only, and never with NO_COLOR set", () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: "" })).toBe(true);
  });
});

describe("createStyle", () => {
  it("wraps text in ANSI codes only when enabled", () => {
    expect(createStyle(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(createStyle(false).red("x")).toBe("x");
  });
});
