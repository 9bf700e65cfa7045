import { describe, expect, it } from "vitest";
import { closest, editDistance, formatOption, parseCommandArgs } from "./args.ts";
import { UsageError } from "./exit-codes.ts";

const OPTIONS = {
  request: { type: "string" },
  check: { type: "boolean" },
  policy: { type: "string", multiple: true },
  output: { type: "string", short: "o" },
} as const;

function usageMessage(args: string[]): string {
  try {
    parseCommandArgs("decide", args, OPTIONS);
  } catch (error) {
    if (error instanceof UsageError) return `${error.command}: ${error.message}`;
    throw error;
  }
  return "no error";
}

describe("parseCommandArgs", () => {
  it("reads options, repeated options and positionals", () => {
    const { values, positionals } = parseCommandArgs(
      "decide",
      ["--policy", "a", "b", "--policy=c", "--request", "-", "-o", "out.json", "--check"],
      OPTIONS,
    );
    expect(values).toEqual({
      policy: ["a", "c"],
      request: "-",
      output: "out.json",
      check: true,
    });
    expect(positionals).toEqual(["b"]);
  });

  it("suggests the nearest option for a misspelt one", () => {
    expect(usageMessage(["--reqest", "x"])).toBe(
      "decide: unknown option `--reqest`; did you mean `--request`?",
    );
    expect(usageMessage(["--zzz"])).toBe("decide: unknown option `--zzz`");
  });

  it("says when a value is missing, unwanted or starts with a dash", () => {
    expect(usageMessage(["--request"])).toBe("decide: option `--request` needs a value");
    expect(usageMessage(["--check=yes"])).toBe("decide: option `--check` takes no value");
    expect(usageMessage(["--request", "-x"])).toBe(
      "decide: the value of `--request` starts with `-`; write it as `--request=VALUE`",
    );
  });
});

describe("formatOption", () => {
  it("accepts listed formats, defaults, and refuses others", () => {
    expect(formatOption("graph", undefined, ["mermaid", "dot"], "mermaid")).toBe("mermaid");
    expect(formatOption("graph", "dot", ["mermaid", "dot"], "mermaid")).toBe("dot");
    expect(() => formatOption("graph", "svg", ["mermaid", "dot"], "mermaid")).toThrow(
      "`--format svg` is not one of `mermaid`, `dot`",
    );
  });
});

describe("closest", () => {
  it("finds a near miss within two edits and nothing further away", () => {
    expect(editDistance("compil", "compile")).toBe(1);
    expect(closest("compil", ["compile", "check"])).toBe("compile");
    expect(closest("chekc", ["compile", "check"])).toBe("check");
    expect(closest("deploy", ["compile", "check"])).toBeNull();
  });
});
