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

/** Source lines from texts in memory; `reads` collects how many units each slice asked for. */
function linesOf(files: Readonly<Record<string, string>>, reads: number[] = []): SourceLines {
  const lineOf = (file: string, line: number): string | null =>
    files[file]?.split("\n")[line - 1] ?? null;
  return {
    lineLength: (file, line) => lineOf(file, line)?.length ?? null,
    lineSlice: (file, line, from, to) => {
      reads.push(to - from);
      return (lineOf(file, line) ?? "").slice(from, to);
    },
  };
}

const sources = linesOf({ "orders.policy": TEXT });

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

  it("escapes control characters in the line and the message, caret still under the span", () => {
    const line = 'deny from "\u001b]0;PWNED\u0007\u001b[2J" \u009b\u007f\u202e\u2066 prot';
    const diagnostic: Diagnostic = {
      code: "parse/x",
      severity: "error",
      message: "unexpected `\u001b[2J`",
      span: { ...span(1, line.length - 3, 1, line.length + 1), file: "evil.policy" },
      help: "a\u0007b",
    };
    const rendered = renderDiagnostic(diagnostic, linesOf({ "evil.policy": line }), plain);
    expect(rendered).toBe(
      [
        "evil.policy:1:33: error[parse/x]: unexpected `\\u{1b}[2J`",
        '  1 | deny from "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J" \\u{9b}\\u{7f}\\u{202e}\\u{2066} prot',
        `    | ${" ".repeat(70)}^~~~`,
        "  help: a\\u{7}b",
        "",
      ].join("\n"),
    );
    for (const raw of ["\u001b", "\u0007", "\u009b", "\u007f", "\u202e", "\u2066"]) {
      expect(rendered.includes(raw)).toBe(false);
    }
  });
});

describe("renderCodeFrame on long lines", () => {
  const a = "a".repeat(1_000_000);
  const b = "b".repeat(1_000_000);

  it("shows a window around the span with … on both cut sides, reading only that window", () => {
    const reads: number[] = [];
    const lines = linesOf({ "orders.policy": `${a}prot${b}` }, reads);
    const frame = renderCodeFrame(span(1, 1_000_001, 1, 1_000_005), lines, plain, plain.red);
    expect(frame).toEqual([
      `  1 | …${"a".repeat(40)}prot${"b".repeat(116)}…`,
      `    | ${" ".repeat(41)}^~~~`,
    ]);
    expect(reads).toEqual([648]);
  });

  it("cuts only the right side when the span is near the start", () => {
    const frame = renderCodeFrame(
      span(1, 3, 1, 5),
      linesOf({ "orders.policy": b }),
      plain,
      plain.red,
    );
    expect(frame).toEqual([`  1 | ${"b".repeat(160)}…`, "    |   ^~"]);
  });

  it("fills the window from the left when the line ends soon after the span", () => {
    const frame = renderCodeFrame(
      span(1, 1_000_001, 1, 1_000_005),
      linesOf({ "orders.policy": `${a}prot` }),
      plain,
      plain.red,
    );
    expect(frame).toEqual([`  1 | …${"a".repeat(156)}prot`, `    | ${" ".repeat(157)}^~~~`]);
  });

  it("caps the underline of a span longer than the window", () => {
    const frame = renderCodeFrame(
      span(1, 101, 1, 1_000_000),
      linesOf({ "orders.policy": a }),
      plain,
      plain.red,
    );
    expect(frame).toEqual([
      `  1 | …${"a".repeat(160)}…`,
      `    | ${" ".repeat(41)}^${"~".repeat(119)}`,
    ]);
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
