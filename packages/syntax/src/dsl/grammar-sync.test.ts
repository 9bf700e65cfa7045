// Keeps grammar/palisade.ebnf in step with the parser: the same rules, and in each rule the same
// rules and tokens referred to. A rule or keyword added to one and not the other fails here.
import { readFileSync } from "node:fs";
import type { TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { policyParser } from "./parse.ts";
import { KEYWORDS } from "./tokens.ts";

const ebnfText = readFileSync(
  new URL("../../../../grammar/palisade.ebnf", import.meta.url),
  "utf8",
);

interface References {
  readonly rules: Set<string>;
  readonly terminals: Set<string>;
}

/** Rule name to body, for every `name ::= body` in the EBNF (comments removed). */
function ebnfRules(text: string): Map<string, string> {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, "");
  const rules = new Map<string, string>();
  const pattern = /^([A-Za-z][A-Za-z0-9]*)\s*::=/gm;
  const heads = [...withoutComments.matchAll(pattern)];
  heads.forEach((head, index) => {
    const start = (head.index ?? 0) + head[0].length;
    const end = heads[index + 1]?.index ?? withoutComments.length;
    rules.set(head[1] as string, withoutComments.slice(start, end));
  });
  return rules;
}

const isGrammarRule = (name: string) => /^[a-z]/.test(name);

/** What a grammar rule's body refers to: quoted text and capitalised tokens, and other rules. */
function ebnfReferences(body: string): References {
  const rules = new Set<string>();
  const terminals = new Set<string>();
  for (const match of body.matchAll(/"([^"]*)"|([A-Za-z][A-Za-z0-9]*)/g)) {
    if (match[1] !== undefined) terminals.add(match[1]);
    else if (match[2] !== undefined && isGrammarRule(match[2])) rules.add(match[2]);
    else if (match[2] !== undefined) terminals.add(match[2]);
  }
  return { rules, terminals };
}

function label(token: TokenType): string {
  return token.LABEL ?? token.name;
}

/** What a parser rule refers to, read from chevrotain's grammar AST (GAST). */
function parserReferences(production: unknown, into: References): References {
  if (production === null || typeof production !== "object") return into;
  const node = production as {
    terminalType?: TokenType;
    nonTerminalName?: string;
    separator?: TokenType;
    definition?: unknown[];
  };
  if (node.terminalType !== undefined) into.terminals.add(label(node.terminalType));
  // A reference to another rule exposes that rule's definition too; do not walk into it.
  if (node.nonTerminalName !== undefined) {
    into.rules.add(node.nonTerminalName);
    return into;
  }
  if (node.separator !== undefined) into.terminals.add(label(node.separator));
  for (const child of node.definition ?? []) parserReferences(child, into);
  return into;
}

const productions = policyParser.getGAstProductions();
const ebnf = ebnfRules(ebnfText);

describe("grammar/palisade.ebnf", () => {
  it("defines exactly the parser's rules", () => {
    const ebnfGrammarRules = [...ebnf.keys()].filter(isGrammarRule).sort();
    expect(ebnfGrammarRules).toEqual(Object.keys(productions).sort());
  });

  it.each(Object.keys(productions))("rule `%s` refers to the same rules and tokens", (name) => {
    const fromParser = parserReferences(productions[name], {
      rules: new Set(),
      terminals: new Set(),
    });
    const fromEbnf = ebnfReferences(ebnf.get(name) ?? "");
    expect([...fromEbnf.rules].sort()).toEqual([...fromParser.rules].sort());
    expect([...fromEbnf.terminals].sort()).toEqual([...fromParser.terminals].sort());
  });

  it("uses every keyword of the lexer and no other", () => {
    const quoted = new Set<string>();
    for (const [name, body] of ebnf) {
      if (!isGrammarRule(name)) continue;
      for (const match of body.matchAll(/"([a-z][a-z-]*)"/g)) quoted.add(match[1] as string);
    }
    expect([...quoted].sort()).toEqual([...KEYWORDS.keys()].sort());
  });

  it("defines every token class the rules use", () => {
    const used = new Set<string>();
    for (const production of Object.values(productions)) {
      const { terminals } = parserReferences(production, {
        rules: new Set(),
        terminals: new Set(),
      });
      for (const terminal of terminals) if (/^[A-Z]+$/.test(terminal)) used.add(terminal);
    }
    const defined = [...ebnf.keys()].filter((name) => !isGrammarRule(name));
    expect(defined.sort()).toEqual([...used].sort());
  });
});
