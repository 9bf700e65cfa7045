/**
 * Properties 8 (front ends) and 9 (deterministic IR) of issue 6. They involve no engine, so the
 * mutant tests do not run them.
 */
import { serializeIr } from "@palisade/ir";
import {
  formatDsl,
  hasErrors,
  type PolicyFile,
  parseDsl,
  parseYaml,
  stripSpans,
} from "@palisade/syntax";
import fc from "fast-check";
import { expect } from "vitest";
import { type GeneratedPolicy, layout, policy, SPAN, trust } from "./arbitraries.ts";
import { compileSources, singleFile, sourcesOf } from "./harness.ts";
import { dslStyle, PLAIN_DSL_STYLE, printDsl } from "./print-dsl.ts";
import { PLAIN_YAML_STYLE, printYaml, yamlStyle } from "./print-yaml.ts";

const DSL_WORDS = [
  "service",
  "trust",
  "ingress",
  "egress",
  "allow",
  "deny",
  "from",
  "to",
  "port",
  "ports",
  "protocol",
  "protocols",
  "scopes",
  "when",
  "any",
  "except",
  "token.tenant",
  "token.",
  "token.a.b.c",
  "in",
  "has",
  "not",
  "and",
  "or",
  "true",
  "false",
  "tcp",
  "udp",
  "icmp",
  "issuer",
  "algorithms",
  "keys",
  "url",
  "max-age",
  "clock-skew",
  "multiple-audiences",
  "5m",
  "30s",
  "0s",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  "..",
  "==",
  "!=",
  '"',
  '"s"',
  '"\\',
  "8080",
  "0",
  "65536",
  "99999999999999999999",
  "-1",
  "1..2",
  "2..1",
  "orders",
  "a:b",
  "#",
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u00e9",
  "😀",
];

const YAML_WORDS = [
  "apiVersion: dilmune.com/v1",
  "kind: NetworkPolicy",
  "kind: TrustPolicy",
  "metadata:",
  "name:",
  "spec:",
  "ingress:",
  "egress:",
  "from:",
  "to:",
  "- service:",
  "ports:",
  "except:",
  "protocols:",
  "scopes:",
  "action:",
  "when:",
  "endPort:",
  "port:",
  "&a",
  "*a",
  "<<:",
  "---",
  "...",
  "!!str",
  "!!binary",
  "? ",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "|",
  ">",
  "#",
  "no",
  "on",
  "yes",
  "null",
  "~",
  "0x10",
  "0o17",
  "1_000",
  "22:22",
  "1e3",
  ".inf",
  "8443",
  '"8443"',
  "\n",
  "\n  ",
  "\n    ",
  "\t",
  "\u0000",
  "\ufeff",
  "😀",
];

function wordSoup(words: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(" ", "", "\n", "  ")), {
      maxLength: 80,
    })
    .map((pairs) => pairs.map(([word, gap]) => word + gap).join(""));
}

/** One edit of a text: delete a few characters at a position and insert something there. */
interface TextEdit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of edits) {
    const at = result.length === 0 ? 0 : edit.at % (result.length + 1);
    result = result.slice(0, at) + edit.insert + result.slice(at + edit.remove);
  }
  return result;
}

function editedText(printed: fc.Arbitrary<string>, words: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 6 }),
    insert: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 3 })),
  });
  return fc
    .tuple(printed, fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([text, edits]) => applyEdits(text, edits));
}

function deeplyNested(open: string, inner: string, close: string): fc.Arbitrary<string> {
  return fc
    .oneof(fc.integer({ min: 60, max: 70 }), fc.integer({ min: 1000, max: 5000 }))
    .map((depth) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`);
}

const onePolicyFile: fc.Arbitrary<PolicyFile> = policy().map((generated) => ({
  kind: "PolicyFile",
  file: "generated.policy",
  trust: generated.trust ? [generated.trust] : [],
  services: generated.services,
  span: SPAN,
}));

/** Any text a user could hand to the DSL parser, from noise to near-valid policies. */
export const dslText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  wordSoup(DSL_WORDS),
  editedText(
    onePolicyFile.map((file) => printDsl(file)),
    DSL_WORDS,
  ),
  deeplyNested("(", "has token.a", ")").map(
    (condition) => `service a {\n  ingress {\n    deny from b when ${condition}\n  }\n}\n`,
  ),
  deeplyNested("not ", "has token.a", "").map(
    (condition) => `service a { ingress { deny from b when ${condition} } }`,
  ),
);

/** Any text a user could hand to the YAML loader. */
export const yamlText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  wordSoup(YAML_WORDS),
  editedText(
    onePolicyFile.map((file) => printYaml(file)),
    YAML_WORDS,
  ),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  deeplyNested("[", "1", "]"),
  deeplyNested("- ", "x", ""),
  deeplyNested("{a: ", "1", "}"),
);

function expectParseResult(result: { policy: unknown; diagnostics: readonly unknown[] }) {
  expect(typeof result.policy).toBe("object");
  expect(Array.isArray(result.diagnostics)).toBe(true);
}

/** 8a. The DSL parser returns a tree and diagnostics for any string, never an exception. */
export function dslParserNeverThrows() {
  return fc.property(dslText, (text) => {
    expectParseResult(parseDsl(text, "fuzz.policy"));
  });
}

/** 8a. The YAML loader returns a tree and diagnostics for any text, never an exception. */
export function yamlLoaderNeverThrows() {
  return fc.property(yamlText, (text) => {
    expectParseResult(parseYaml(text, "fuzz.yaml"));
  });
}

/** A policy file as the roundtrip sees it, including partial trust blocks the parser accepts. */
const roundtripFile: fc.Arbitrary<PolicyFile> = fc
  .tuple(
    onePolicyFile,
    fc.option(
      fc.tuple(trust, fc.subarray(["issuer", "algorithms", "keys", "clockSkew"] as const)),
      { freq: 3 },
    ),
  )
  .map(([file, partial]) => {
    if (partial === null) return file;
    const [block, drop] = partial;
    const trimmed = { ...block, ...Object.fromEntries(drop.map((field) => [field, null])) };
    return { ...file, trust: [trimmed] };
  });

/** 8b. Formatting a tree and parsing the text gives the same tree, modulo spans. */
export function formatThenParseIsIdentity() {
  return fc.property(roundtripFile, (file) => {
    const text = formatDsl(file);
    const parsed = parseDsl(text, "formatted.policy");
    expect({ text, errors: parsed.diagnostics.filter((d) => d.severity === "error") }).toEqual({
      text,
      errors: [],
    });
    expect(stripSpans(parsed.policy)).toEqual(stripSpans(file));
    expect(formatDsl(parsed.policy)).toBe(text);
  });
}

/**
 * 8c. The test's own DSL and YAML printings of a policy both parse back to the tree it was
 * printed from, and compile to the same IR hash.
 */
export function dslAndYamlAgree() {
  return fc.property(onePolicyFile, dslStyle, yamlStyle, (file, dsl, yaml) => {
    const dslText = printDsl(file, dsl);
    const yamlText = printYaml(file, yaml);
    const fromDsl = parseDsl(dslText, "policy.policy");
    const fromYaml = parseYaml(yamlText, "policy.yaml");
    expect({ dslText, errors: hasErrors(fromDsl.diagnostics) }).toEqual({ dslText, errors: false });
    expect({ yamlText, errors: hasErrors(fromYaml.diagnostics) }).toEqual({
      yamlText,
      errors: false,
    });
    expect(stripSpans(fromDsl.policy)).toEqual(stripSpans(file));
    expect(stripSpans(fromYaml.policy)).toEqual(stripSpans(file));

    const dslIr = compileSources([{ file: "policy.policy", text: dslText }]);
    const yamlIr = compileSources([{ file: "policy.yaml", text: yamlText }]);
    expect(yamlIr.hash).toBe(dslIr.hash);
  });
}

function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

/** 9a. Reordering the input files changes no byte of the IR. */
export function fileOrderDoesNotMatter() {
  const scenario = policy().chain((generated) =>
    fc
      .record({ split: layout(generated.services.length), dsl: dslStyle, yaml: yamlStyle })
      .chain(({ split, dsl, yaml }) => {
        const sources = sourcesOf(generated, split, { dsl, yaml });
        return shuffled(sources).map((reordered) => ({ sources, reordered }));
      }),
  );
  return fc.property(scenario, ({ sources, reordered }) => {
    const first = serializeIr(compileSources(sources));
    const second = serializeIr(compileSources(reordered));
    expect(second).toBe(first);
  });
}

function reorderRules(generated: GeneratedPolicy): fc.Arbitrary<GeneratedPolicy> {
  return fc
    .tuple(
      shuffled(generated.services),
      ...generated.services.map((declared) =>
        fc.record({ ingress: shuffled(declared.ingress), egress: shuffled(declared.egress) }),
      ),
    )
    .map(([order, ...sides]) => {
      const byId = new Map(generated.services.map((declared, at) => [declared.id, sides[at]]));
      return {
        trust: generated.trust,
        services: order.map((declared) => ({ ...declared, ...byId.get(declared.id) })),
      };
    });
}

/**
 * 9b. Reordering the rules within each service (and the services within the set) keeps the
 * hash; so does splitting the set into other files of other forms.
 */
export function ruleOrderDoesNotMatter() {
  const scenario = policy().chain((generated) =>
    fc.record({
      generated: fc.constant(generated),
      reordered: reorderRules(generated),
      split: layout(generated.services.length),
    }),
  );
  return fc.property(scenario, ({ generated, reordered, split }) => {
    const plain = compileSources(sourcesOf(generated, singleFile(generated)));
    const shuffledIr = compileSources(sourcesOf(reordered, singleFile(reordered)));
    expect(shuffledIr.hash).toBe(plain.hash);
    const spread = compileSources(
      sourcesOf(reordered, split, { dsl: PLAIN_DSL_STYLE, yaml: PLAIN_YAML_STYLE }),
    );
    expect(spread.hash).toBe(plain.hash);
  });
}
