import { describe, expect, it } from "vitest";
import { hasComments, withoutComments } from "./comments.ts";

describe("hasComments", () => {
  it("finds comments but not a `#` inside a string", () => {
    expect(hasComments('trust {\n  issuer "https://idp#x" # the issuer\n}\n')).toBe(true);
    expect(hasComments('trust {\n  issuer "https://idp#x"\n}\n')).toBe(false);
    expect(hasComments('trust {\n  issuer "a\\"#b"\n}\n')).toBe(false);
  });
});

describe("withoutComments", () => {
  it("drops comment lines and trailing comments, then tidies blank lines", () => {
    const text = [
      "# the api service",
      "",
      "service api {",
      "  # who may call",
      "  ingress {",
      "    allow from web port 80   # the web tier",
      "  }",
      "}",
      "",
      "# end",
      "",
    ].join("\n");
    expect(withoutComments(text)).toBe(
      ["service api {", "  ingress {", "    allow from web port 80", "  }", "}", ""].join("\n"),
    );
  });

  it("keeps a single blank line between blocks", () => {
    expect(withoutComments("a {\n}\n\n# note\n\nb {\n}\n")).toBe("a {\n}\n\nb {\n}\n");
  });
});
