import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadIr, serializeIr } from "@palisade/ir";
import { LIMITS, type Source } from "@palisade/syntax";
import { describe, expect, it } from "vitest";
import { compile } from "./compile.ts";
import { compileTexts, indented, TRUST } from "./test-helpers.ts";

const EXAMPLES = join(import.meta.dirname, "../../../examples");

/** The files of an example folder, named the way the CLI would name them (from the repo root). */
function exampleSources(folder: string): Source[] {
  return readdirSync(join(EXAMPLES, folder))
    .sort()
    .map((name) => ({
      file: `examples/${folder}/${name}`,
      text: readFileSync(join(EXAMPLES, folder, name), "utf8"),
    }));
}

function exampleFile(name: string): Source {
  return { file: `examples/${name}`, text: readFileSync(join(EXAMPLES, name), "utf8") };
}

/** Reads keys files relative to the repository root, as the CLI run from there would. */
const readFromRepo = (path: string) => {
  try {
    return readFileSync(join(EXAMPLES, "..", path), "utf8");
  } catch {
    return null;
  }
};

function summary(diagnostics: readonly { code: string; severity: string; message: string }[]) {
  return diagnostics.map((d) => `${d.code} ${d.severity}`);
}

describe("the shipped examples", () => {
  it("the mesh compiles with only the wildcard warning, and loads in the engine's reader", () => {
    const result = compile(exampleSources("mesh/policy"), { readFile: readFromRepo });
    expect(summary(result.diagnostics)).toEqual(["check/wildcard-peer warning"]);
    expect(result.ir?.services.map((s) => s.id)).toEqual([
      "admin-panel",
      "api-service",
      "cache",
      "database",
      "dns",
      "gateway",
      "mailer",
      "metrics",
      "queue",
      "worker",
    ]);
    expect(result.ir?.trust?.keys.kind).toBe("jwks");
    const loaded = loadIr(serializeIr(result.ir as NonNullable<typeof result.ir>));
    expect(loaded.ok).toBe(true);
  });

  it("api-service compiles alone, warning only that its peers are not defined", () => {
    const result = compileTexts({
      "api-service.policy": exampleFile("api-service.policy").text,
    });
    expect(result.ir).not.toBeNull();
    expect(result.summary()).toEqual([
      "check/undefined-peer warning «gateway»",
      "check/undefined-peer warning «admin-panel»",
      "check/undefined-peer warning «database (port 5432)»",
      "check/undefined-peer warning «cache (port 6379)»",
    ]);
    expect(result.withCode("check/undefined-peer")[0]?.message).toBe(
      "`gateway` is not defined in this policy set; its egress allows nothing until it is defined",
    );
    expect(result.withCode("check/undefined-peer")[2]?.message).toBe(
      "`database` is not defined in this policy set; its ingress allows nothing until it is " +
        "defined",
    );
  });

  it("the YAML form of api-service compiles to the same meaning (same hash)", () => {
    const dsl = compile([exampleFile("api-service.policy")]);
    const yaml = compile([exampleFile("api-service.yaml")]);
    expect(yaml.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(yaml.ir?.hash).toBe(dsl.ir?.hash);
  });

  it("the YAML form of the mesh compiles to the same hash as the DSL", () => {
    const dsl = compile(exampleSources("mesh/policy"), { readFile: readFromRepo });
    const yaml = compile(exampleSources("mesh/yaml"), { readFile: readFromRepo });
    expect(summary(yaml.diagnostics)).toEqual(["check/wildcard-peer warning"]);
    expect(yaml.ir?.services).toHaveLength(10);
    expect(yaml.ir?.hash).toBe(dsl.ir?.hash);
  });
});

describe("determinism", () => {
  it("gives the same bytes whatever the order of the files", () => {
    const files = exampleSources("mesh/policy");
    const orders = [
      files,
      [...files].reverse(),
      [files[2], files[0], files[4], files[1], files[3]],
    ];
    const outputs = orders.map((order) => {
      const result = compile(order as Source[], { readFile: readFromRepo });
      return serializeIr(result.ir as NonNullable<typeof result.ir>);
    });
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });

  it("keeps the hash when rules are reordered, though the spans move", () => {
    const rules = [
      "allow from billing port 8443 scopes orders:read",
      "allow from gateway ports 8000..8010, 9090 protocols tcp, udp",
      "deny from inventory port 9000",
      "allow from any except inventory port 9090",
      'deny from billing port 9000 when token.tenant in ["a", "b"] and not has token.trial',
    ];
    const policy = (order: readonly string[]) =>
      `${TRUST}service orders {\n  ingress {\n${indented(order)}  }\n}\n`;
    const first = compileTexts({ "orders.policy": policy(rules) });
    const shuffled = compileTexts({
      "orders.policy": policy([rules[3], rules[0], rules[4], rules[2], rules[1]] as string[]),
    });
    expect(first.ir?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(shuffled.ir?.hash).toBe(first.ir?.hash);
    expect(shuffled.ir?.services[0]?.ingress.map((r) => r.id)).toEqual(
      first.ir?.services[0]?.ingress.map((r) => r.id),
    );
    expect(serializeIr(shuffled.ir as NonNullable<typeof shuffled.ir>)).not.toBe(
      serializeIr(first.ir as NonNullable<typeof first.ir>),
    );
  });

  it("numbers rules per side in their sorted order", () => {
    const result = compileTexts({
      "a.policy": `service a {
  ingress {
    deny from c
    allow from b port 80
  }
  egress {
    allow to b port 80
  }
}
service b {
  ingress {
    allow from a port 80
  }
  egress {
    allow to a port 80
  }
}
service c {
}
`,
    });
    const a = result.ir?.services[0];
    expect(a?.ingress.map((r) => `${r.id} ${r.effect}`)).toEqual([
      "a/ingress/0 allow",
      "a/ingress/1 deny",
    ]);
    expect(a?.ingress[1]?.ports).toEqual([[1, 65535]]);
    expect(a?.egress.map((r) => r.id)).toEqual(["a/egress/0"]);
  });
});

describe("how compile reports", () => {
  it("names both places of a service defined in two files, and gives no IR", () => {
    const result = compileTexts({
      "b.policy": "service orders {\n}\n",
      "a.policy": "# the first\nservice orders {\n}\n",
    });
    expect(result.ir).toBeNull();
    expect(result.summary()).toEqual(["check/duplicate-service error «orders»"]);
    const [duplicate] = result.diagnostics;
    expect(duplicate?.span.file).toBe("b.policy");
    expect(duplicate?.message).toBe(
      "service `orders` is defined twice: at a.policy:2:9 and at b.policy:1:9",
    );
    expect(
      duplicate?.related?.map((r) => `${r.span.file}:${r.span.line}:${r.span.column}`),
    ).toEqual(["a.policy:2:9"]);
  });

  it("reports a service defined twice in one file at the second definition", () => {
    const result = compileTexts({ "a.policy": "service orders {\n}\nservice orders {\n}\n" });
    expect(result.summary()).toEqual(["check/duplicate-service error «orders»"]);
    expect(result.diagnostics[0]?.span.line).toBe(3);
  });

  it("does not report again what the parser reported", () => {
    const result = compileTexts({
      "a.policy": "service a {\n  ingress {\n    allow from b ports 0, 9000..8000\n  }\n}\n",
    });
    expect(result.ir).toBeNull();
    expect(
      result.diagnostics.filter((d) => d.code.startsWith("check/") && d.severity === "error"),
    ).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toHaveLength(2);
  });

  it("caps the diagnostics of one file and says how many were left out", () => {
    const services = Array.from(
      { length: LIMITS.maxDiagnosticsPerFile + 20 },
      (_, i) => `service s${i} {\n  ingress {\n    allow from b${i}\n  }\n}\n`,
    );
    const result = compileTexts({ "many.policy": services.join("") });
    // Each service gives an error (no ports) and a warning (undefined peer).
    expect(result.diagnostics).toHaveLength(LIMITS.maxDiagnosticsPerFile + 1);
    const last = result.diagnostics[result.diagnostics.length - 1];
    expect(last?.code).toBe("check/too-many-diagnostics");
    expect(last?.severity).toBe("error");
    expect(last?.message).toBe("140 more problems in this file are not shown (70 of them errors)");
  });

  it("sorts diagnostics by file and position", () => {
    const result = compileTexts({
      "b.policy": "service b {\n  ingress {\n    allow from x port 1\n  }\n}\n",
      "a.policy":
        "service a {\n  ingress {\n    allow from p port 1\n    allow from q port 2\n  }\n}\n",
    });
    expect(result.diagnostics.map((d) => `${d.span.file}:${d.span.line} ${d.code}`)).toEqual([
      "a.policy:3 check/undefined-peer",
      "a.policy:4 check/undefined-peer",
      "b.policy:3 check/undefined-peer",
    ]);
  });

  it("throws TypeError on arguments of the wrong type, never on policy text", () => {
    expect(() => compile("service a {}" as unknown as Source[])).toThrow(TypeError);
    expect(() => compile([{ file: "a.policy" } as unknown as Source])).toThrow(TypeError);
    const garbage = compile([{ file: "a.policy", text: "}{ service ((( allow" }]);
    expect(garbage.ir).toBeNull();
    expect(garbage.diagnostics.length).toBeGreaterThan(0);
  });

  it("allows self-edges: a service may name itself as a peer", () => {
    const result = compileTexts({
      "a.policy": `service a {
  ingress {
    allow from a port 80
  }
  egress {
    allow to a port 80
  }
}
`,
    });
    expect(result.summary()).toEqual([]);
    expect(result.ir?.services[0]?.ingress[0]?.peers).toEqual({ kind: "services", ids: ["a"] });
  });

  it("compiles an empty policy set to an IR with no services", () => {
    const result = compile([]);
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.services).toEqual([]);
    expect(result.ir?.trust).toBeNull();
  });
});

describe("a file with a syntax error", () => {
  it("reports the syntax error alone, not what the partial tree seems to lack", () => {
    const text = "service orders {\n  ingress {\n    allow from billing prot 8443\n  }\n}\n";
    const { ir, diagnostics } = compile([{ file: "typo.policy", text }], { readFile: () => null });
    expect(ir).toBeNull();
    expect(diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)])).toEqual([
      ["parse/unknown-keyword", "prot"],
    ]);
  });

  it("keeps the findings about other files of the set", () => {
    const broken = { file: "a.policy", text: "service a {\n  ingress {\n    allow from\n  }\n}\n" };
    const fine = {
      file: "b.policy",
      text: "service b {\n  egress {\n    allow to c port 1\n  }\n}\n",
    };
    const { diagnostics } = compile([broken, fine], { readFile: () => null });
    expect(diagnostics.some((d) => d.span.file === "b.policy")).toBe(true);
    expect(
      diagnostics
        .filter((d) => d.span.file === "a.policy")
        .every((d) => d.code.startsWith("parse/")),
    ).toBe(true);
  });
});
