import type { Diagnostic, Span } from "@palisade/syntax";
import { describe, expect, it } from "vitest";
import { createStyle } from "./colour.ts";
import {
  countDiagnostics,
  diagnosticToJson,
  renderCodeFrame,
  renderDiagnostic,
} from "./render-diagnostic.ts";
import type { SourceLines } from "./source-book.ts";

const TEXT = [
  "service orders {",
  "  ingress {",
  "    allow from billing prot 8443",
  "\tallow from gateway port 8080",
  "  }",
  "}",
].join("\n");

const sources: SourceLines = {
  line: (file, line) => (file === "orders.policy" ? (TEXT.split("\n")[line - 1] ?? null) : null),
};

function span(line: number, column: number, endLine: number, endColumn: number): Span {
  return { file: "orders.policy", start: 0, end: 0, line, column, endLine, endColumn };
}

const plain = createStyle(false);

describe("renderDiagnostic", () => {
  it("prints the location, code, message, source line, caret and help", () => {
    const diagnostic: Diagnostic = {
      code: "parse/unexpected-token",
      severity: "error",
      message: "unexpected `prot`",
      span: span(3, 24, 3, 28),
      help: "did you mean `port`?",
    };
    expect(renderDiagnostic(diagnostic, sources, plain)).toBe(
      [
        "orders.policy:3:24: error[parse/unexpected-token]: unexpected `prot`",
        "  3 |     allow from billing prot 8443",
        "    |                        ^~~~",
        "  help: did you mean `port`?",
        "",
      ].join("\n"),
    );
  });

  it("lines the caret up under text that follows a tab", () => {
    const frame = renderCodeFrame(span(4, 8, 4, 12), sources, plain, plain.red);
    expect(frame).toEqual([
      "  4 |     allow from gateway port 8080",
      `    | ${" ".repeat(10)}^~~~`,
    ]);
  });

  it("underlines a span over several lines to the end of its first line", () => {
    const frame = renderCodeFrame(span(2, 3, 5, 4), sources, plain, plain.red);
    expect(frame).toEqual(["  2 |   ingress {", "    |   ^~~~~~~~~"]);
  });

  it("puts a single caret under an empty span, even past the end of the line", () => {
    const frame = renderCodeFrame(span(6, 2, 6, 2), sources, plain, plain.red);
    expect(frame).toEqual(["  6 | }", "    |  ^"]);
  });

  it("prints only the header when the source is unknown, and notes for related places", () => {
    const diagnostic: Diagnostic = {
      code: "check/duplicate-service",
      severity: "warning",
      message: "service `orders` is defined twice",
      span: { ...span(1, 9, 1, 15), file: "other.policy" },
      related: [{ message: "first defined here", span: span(1, 9, 1, 15) }],
    };
    expect(renderDiagnostic(diagnostic, sources, plain)).toBe(
      [
        "other.policy:1:9: warning[check/duplicate-service]: service `orders` is defined twice",
        "  note: orders.policy:1:9: first defined here",
        "  1 | service orders {",
        "    |         ^~~~~~",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked", () => {
    const diagnostic: Diagnostic = {
      code: "parse/x",
      severity: "error",
      message: "m",
      span: span(6, 1, 6, 2),
    };
    const coloured = renderDiagnostic(diagnostic, sources, createStyle(true));
    expect(coloured).toContain("\u001b[31m");
    expect(renderDiagnostic(diagnostic, sources, plain)).not.toContain("\u001b[");
  });
});

describe("diagnosticToJson", () => {
  it("flattens the span and keeps help", () => {
    const diagnostic: Diagnostic = {
      code: "parse/x",
      severity: "error",
      message: "m",
      span: span(3, 24, 3, 28),
      help: "h",
    };
    expect(diagnosticToJson(diagnostic)).toEqual({
      code: "parse/x",
      severity: "error",
      message: "m",
      file: "orders.policy",
      line: 3,
      column: 24,
      endLine: 3,
      endColumn: 28,
      help: "h",
    });
  });
});

describe("countDiagnostics", () => {
  it("counts errors and warnings apart", () => {
    const make = (severity: "error" | "warning"): Diagnostic => ({
      code: "c",
      severity,
      message: "m",
      span: span(1, 1, 1, 1),
    });
    expect(countDiagnostics([make("error"), make("warning"), make("warning")])).toBe(
      "1 error, 2 warnings",
    );
    expect(countDiagnostics([])).toBeNull();
  });
});
