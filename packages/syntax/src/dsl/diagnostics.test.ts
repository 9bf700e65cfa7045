// Each fault the front end can find: its code, the text it underlines, its wording.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Diagnostic } from "../diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { parseDsl, policyParser } from "./parse.ts";

interface Found {
  readonly code: string;
  readonly underline: string;
  readonly message: string;
  readonly help?: string;
}

function found(text: string, diagnostic: Diagnostic): Found {
  return {
    code: diagnostic.code,
    underline: text.slice(diagnostic.span.start, diagnostic.span.end),
    message: diagnostic.message,
    ...(diagnostic.help === undefined ? {} : { help: diagnostic.help }),
  };
}

function problems(text: string): Found[] {
  return parseDsl(text, "bad.policy").diagnostics.map((diagnostic) => found(text, diagnostic));
}

/** The problems of one rule placed in an ingress (or egress) block. */
function ruleProblems(rule: string, direction = "ingress"): Found[] {
  return problems(`service s {\n  ${direction} {\n    ${rule}\n  }\n}\n`);
}

function codesAndUnderlines(list: readonly Found[]): [string, string][] {
  return list.map((problem) => [problem.code, problem.underline]);
}

describe("syntax errors", () => {
  it("names what was expected and what was found", () => {
    expect(problems("service s { ingress { allow from a port } }")).toEqual([
      {
        code: "parse/unexpected-token",
        underline: "}",
        message: "expected a port, found `}`",
      },
    ]);
  });

  it("suggests the keyword a misspelt word was meant to be", () => {
    expect(ruleProblems("allow from billing prot https")).toEqual([
      {
        code: "parse/unknown-keyword",
        underline: "prot",
        message: "unknown keyword `prot`",
        help: "did you mean `port`?",
      },
    ]);
    expect(codesAndUnderlines(problems("servce orders {}"))[0]).toEqual([
      "parse/unknown-keyword",
      "servce",
    ]);
    expect(problems("Service orders {}")[0]?.help).toBe("did you mean `service`?");
    expect(ruleProblems("allow frm billing port 80")[0]?.help).toBe("did you mean `from`?");
    expect(ruleProblems("allow from a port 80 protocol tpc")[0]?.help).toBe("did you mean `tcp`?");
  });

  it("says when a keyword stands where a name belongs", () => {
    expect(problems("service any {}")).toEqual([
      {
        code: "parse/unexpected-token",
        underline: "any",
        message: "expected a service id, found `any`",
        help: "`any` is a keyword and cannot be used as a name",
      },
    ]);
  });

  it("reports a truncated file at its end", () => {
    const text = "service orders {\n  ingress {\n    allow from billing port";
    expect(problems(text)).toEqual([
      {
        code: "parse/unexpected-end",
        underline: "",
        message: "unexpected end of file: expected a port",
        help: "the file may be cut short; check that every `{` has its `}`",
      },
    ]);
    const diagnostic = parseDsl(text, "cut.policy").diagnostics[0];
    expect([diagnostic?.span.line, diagnostic?.span.column]).toEqual([3, 28]);
  });

  it("reports a missing closing brace", () => {
    expect(codesAndUnderlines(problems("service s { ingress { allow from a port 80 }"))).toEqual([
      ["parse/unexpected-end", ""],
    ]);
  });

  it("reports an ingress rule written with `to`", () => {
    expect(codesAndUnderlines(ruleProblems("allow to a port 80"))).toEqual([
      ["parse/unexpected-token", "to"],
    ]);
  });
});

describe("characters and strings", () => {
  it("reports characters outside the language, with a hint for `=`", () => {
    expect(ruleProblems('deny from b when token.a = "x"')).toEqual([
      {
        code: "parse/invalid-character",
        underline: "=",
        message: "unexpected character `=`",
        help: "conditions compare with `==` or `!=`",
      },
    ]);
    expect(codesAndUnderlines(problems("service s; {}"))).toEqual([
      ["parse/invalid-character", ";"],
    ]);
  });

  it("shows control characters escaped in the message", () => {
    const [problem] = problems("service s {\u0001\u0002}");
    expect(problem?.message).toBe("unexpected characters `\\u{1}\\u{2}`");
  });

  it("reports a string not closed on its line", () => {
    expect(problems('trust {\n  issuer "https://idp\n  keys "k.json"\n}\n')).toEqual([
      {
        code: "parse/unterminated-string",
        underline: '"https://idp',
        message: "string is not closed on its line",
        help: 'end the string with `"`; a string cannot span lines',
      },
    ]);
  });

  it("reports an unknown escape, once per string", () => {
    expect(codesAndUnderlines(problems('trust { issuer "a\\qb\\zc" }'))).toEqual([
      ["parse/invalid-escape", "\\q"],
    ]);
  });
});

describe("ports", () => {
  it.each([
    ["8o80", "`8o80` is not a port number"],
    ["80.5", "`80.5` is not a port number"],
    ["-1", "`-1` is not a port number"],
    ["70000", "port `70000` is out of range"],
    ["0", "port `0` is out of range"],
    ["65536", "port `65536` is out of range"],
    ["08080", "port `08080` has a leading zero"],
  ])("refuses port %s", (port, message) => {
    expect(ruleProblems(`allow from a port ${port}`)).toEqual([
      {
        code: "parse/invalid-port",
        underline: port,
        message,
        help: port === "08080" ? "write `8080`" : "a port is a whole number from 1 to 65535",
      },
    ]);
  });

  it("accepts the ends of the port range", () => {
    expect(ruleProblems("allow from a ports 1, 65535")).toEqual([]);
  });

  it("refuses an empty range and suggests the order", () => {
    expect(ruleProblems("allow from a ports 8010..8000")).toEqual([
      {
        code: "parse/empty-range",
        underline: "8010..8000",
        message: "port range `8010..8000` is empty",
        help: "write the lower port first: `8000..8010`",
      },
    ]);
  });

  it("checks named port declarations", () => {
    expect(codesAndUnderlines(problems("service s { port a:b 80 port web 99999 }"))).toEqual([
      ["parse/invalid-port-name", "a:b"],
      ["parse/invalid-port", "99999"],
    ]);
  });

  it("refuses a port name that is not a name", () => {
    expect(codesAndUnderlines(ruleProblems("allow from a port orders:read"))).toEqual([
      ["parse/invalid-port-name", "orders:read"],
    ]);
  });
});

describe("names, scopes, values", () => {
  it("refuses reserved and malformed service ids wherever they appear", () => {
    expect(problems("service yes {}")).toEqual([
      {
        code: "parse/invalid-service-id",
        underline: "yes",
        message: "invalid service id `yes`",
        help: "`yes` is reserved or ambiguous and cannot name a service",
      },
    ]);
    expect(codesAndUnderlines(ruleProblems("allow from _x, on port 80"))).toEqual([
      ["parse/invalid-service-id", "_x"],
      ["parse/invalid-service-id", "on"],
    ]);
    expect(codesAndUnderlines(ruleProblems("allow from any except null port 80"))).toEqual([
      ["parse/invalid-service-id", "null"],
    ]);
  });

  it("refuses a scope with blanks", () => {
    expect(codesAndUnderlines(ruleProblems('allow from a port 80 scopes "read all"'))).toEqual([
      ["parse/invalid-scope", '"read all"'],
    ]);
  });

  it("refuses values that are not whole numbers", () => {
    expect(ruleProblems("deny from a when token.level == 1.5")).toEqual([
      {
        code: "parse/invalid-number",
        underline: "1.5",
        message: "`1.5` is not a whole number",
        help: "a value is a double-quoted string, a whole number, `true` or `false`",
      },
    ]);
  });

  it("refuses durations in other units", () => {
    expect(problems("trust { max-age 1h }")).toEqual([
      {
        code: "parse/duration",
        underline: "1h",
        message: "`1h` is not a duration",
        help: "write whole seconds like `30s` or whole minutes like `5m`",
      },
    ]);
  });
});

describe("structure", () => {
  it("refuses a trust setting given twice and points at the first", () => {
    const text = 'trust {\n  issuer "a"\n  issuer "b"\n}';
    const [diagnostic] = parseDsl(text, "t.policy").diagnostics;
    expect(diagnostic === undefined ? null : found(text, diagnostic)).toEqual({
      code: "parse/duplicate-setting",
      underline: 'issuer "b"',
      message: "`issuer` is set twice in this trust block",
      help: "keep one of them",
    });
    const first = diagnostic?.related?.[0]?.span;
    expect(text.slice(first?.start, first?.end)).toBe('issuer "a"');
  });

  it("refuses a second ingress block in one service", () => {
    expect(codesAndUnderlines(problems("service s { ingress {} ingress {} }"))).toEqual([
      ["parse/duplicate-block", "ingress"],
    ]);
  });

  it("refuses a clause given twice", () => {
    expect(codesAndUnderlines(ruleProblems("allow from a port 80 port 81"))).toEqual([
      ["parse/duplicate-clause", "port 81"],
    ]);
  });

  it("refuses clauses out of order", () => {
    expect(ruleProblems("allow from a scopes x port 80")).toEqual([
      {
        code: "parse/clause-order",
        underline: "port 80",
        message: "`port` must come before `scopes`",
        help: "write a rule's clauses in the order `port`, `protocol`, `scopes`, `when`",
      },
    ]);
  });

  it("refuses ports on the rule and on a peer at once", () => {
    const text = "service s { egress { allow to db (port 5432), cache port 6379 } }";
    const [diagnostic] = parseDsl(text, "p.policy").diagnostics;
    expect(diagnostic === undefined ? null : found(text, diagnostic)).toEqual({
      code: "parse/ports-on-rule-and-peer",
      underline: "(port 5432)",
      message: "ports are given both for the rule and for peer `db`",
      help: "give ports once for the whole rule, or in parentheses after each peer",
    });
    const rulePorts = diagnostic?.related?.[0]?.span;
    expect(text.slice(rulePorts?.start, rulePorts?.end)).toBe("port 6379");
  });

  it("refuses scopes on an egress rule", () => {
    expect(codesAndUnderlines(ruleProblems("allow to a port 80 scopes x:y", "egress"))).toEqual([
      ["parse/scopes-on-egress", "scopes x:y"],
    ]);
  });
});

describe("many problems", () => {
  it("reports every error in a file, sorted by position", () => {
    const text = [
      "service a {",
      "  ingress {",
      "    allow from b port 8o80",
      "    deny frm c",
      "    allow from d ports 8010..8000",
      "  }",
      "  egress { allow to e port 1 scopes x:y }",
      "}",
      "servce b {}",
      "service c { ingress { allow from x port 0 } }",
    ].join("\n");
    expect(codesAndUnderlines(problems(text))).toEqual([
      ["parse/invalid-port", "8o80"],
      ["parse/unknown-keyword", "frm"],
      ["parse/empty-range", "8010..8000"],
      ["parse/scopes-on-egress", "scopes x:y"],
      ["parse/unknown-keyword", "servce"],
      ["parse/invalid-port", "0"],
    ]);
  });

  it("keeps at most the per-file limit, the last one counting the rest", () => {
    const rules = Array.from({ length: 150 }, () => "allow from a port 0").join("\n");
    const list = parseDsl(`service s { ingress {\n${rules}\n} }`, "many.policy").diagnostics;
    expect(list.length).toBe(LIMITS.maxDiagnosticsPerFile);
    expect(list.at(-1)?.code).toBe("parse/too-many-errors");
    expect(list.at(-1)?.message).toBe("51 more problems in this file are not shown");
    expect(list.slice(0, -1).every((diagnostic) => diagnostic.code === "parse/invalid-port")).toBe(
      true,
    );
  });

  it("stops reading a file with very many syntax errors", () => {
    const text = `service s { ingress { ${"allow ".repeat(5000)}} }`;
    const codes = new Set(parseDsl(text, "x.policy").diagnostics.map((d) => d.code));
    expect([...codes].sort()).toEqual(["parse/gave-up"]);
  });
});

describe("limits of the parser itself", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("refuses a file over the size limit without reading it", () => {
    const text = " ".repeat(LIMITS.maxSourceBytes + 1);
    expect(problems(text)).toEqual([
      {
        code: "parse/source-too-large",
        underline: "",
        message: "the file is larger than 64 MiB",
        help: "split the policy over several files",
      },
    ]);
  });

  it("turns a failure inside the parser into a diagnostic", () => {
    vi.spyOn(policyParser, "policyFile").mockImplementation(() => {
      throw new RangeError("stack exhausted");
    });
    const result = parseDsl("service s {}", "x.policy");
    expect(result.policy.services).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["parse/internal-error", "the policy parser failed on this file"],
    ]);
  });

  it("throws a TypeError when called with something other than text", () => {
    expect(() => parseDsl(42 as unknown as string, "x.policy")).toThrow(TypeError);
    expect(() => parseDsl("", undefined as unknown as string)).toThrow(TypeError);
  });
});
