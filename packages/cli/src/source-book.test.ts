import { describe, expect, it } from "vitest";
import { SourceBook } from "./source-book.ts";

describe("SourceBook", () => {
  const book = new SourceBook(".");
  book.add("a.policy", "first\r\nsecond line\n\nlast");

  it("gives line lengths without the line break or a `\\r` before it", () => {
    expect([1, 2, 3, 4].map((line) => book.lineLength("a.policy", line))).toEqual([5, 11, 0, 4]);
    expect(book.lineLength("a.policy", 0)).toBeNull();
    expect(book.lineLength("a.policy", 5)).toBeNull();
  });

  it("gives a piece of a line, clamped to the line", () => {
    expect(book.lineSlice("a.policy", 2, 3, 7)).toBe("ond ");
    expect(book.lineSlice("a.policy", 1, -4, 99)).toBe("first");
    expect(book.lineSlice("a.policy", 4, 2, 1)).toBe("");
    expect(book.lineSlice("a.policy", 9, 0, 3)).toBe("");
  });

  it("has no lines for a file it cannot read", () => {
    expect(book.lineLength("missing/nowhere.policy", 1)).toBeNull();
    expect(book.lineSlice("missing/nowhere.policy", 1, 0, 3)).toBe("");
  });
});
