import { describe, expect, it } from "vitest";
import { compileTexts } from "../test-helpers.ts";

const DEFINED = `service inventory {
  egress {
    allow to orders port 8443
  }
}
`;

describe("check/undefined-peer", () => {
  it("warns at a peer no file defines, naming the side that allows nothing", () => {
    const result = compileTexts({
      "orders.policy": `service orders {
  ingress {
    allow from inventory, inventroy port 8443
  }
  egress {
    allow to ledger port 80
  }
}
`,
      "inventory.policy": DEFINED,
    });
    expect(result.ir).not.toBeNull();
    const found = result.withCode("check/undefined-peer");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «inventroy»",
      "warning «ledger»",
    ]);
    expect(found.map((d) => d.message)).toEqual([
      "`inventroy` is not defined in this policy set; its egress allows nothing until it is " +
        "defined",
      "`ledger` is not defined in this policy set; its ingress allows nothing until it is defined",
    ]);
    expect(found[0]?.help).toBe("did you mean `inventory`?");
    expect(found[1]?.help).toBeUndefined();
  });

  it("is silent when every peer is defined", () => {
    const result = compileTexts({
      "orders.policy":
        "service orders {\n  ingress {\n    allow from inventory port 8443\n  }\n}\n",
      "inventory.policy": DEFINED,
    });
    expect(result.summary()).toEqual([]);
  });
});

describe("check/undefined-except", () => {
  it("warns at an exception that names no defined service", () => {
    const result = compileTexts({
      "orders.policy":
        "service orders {\n  ingress {\n    allow from any except inventroy port 8443\n  }\n}\n",
      "inventory.policy": DEFINED,
    });
    const found = result.withCode("check/undefined-except");
    expect(found.map((d) => `${d.severity} «${result.underline(d)}»`)).toEqual([
      "warning «inventroy»",
    ]);
    expect(found[0]?.help).toBe("did you mean `inventory`?");
  });

  it("is silent when the exception is defined", () => {
    const result = compileTexts({
      "orders.policy":
        "service orders {\n  ingress {\n    allow from any except inventory port 8443\n  }\n}\n",
      "inventory.policy": DEFINED,
    });
    expect(result.withCode("check/undefined-except")).toEqual([]);
  });
});
