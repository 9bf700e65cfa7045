/**
 * Syntax diagrams of the policy language, drawn by chevrotain from the parser itself, so they
 * can never disagree with it. `grammar/generate-diagrams.mjs` writes them to
 * `grammar/diagrams.html`; a test checks that file is current.
 */
import { createSyntaxDiagramsCode } from "chevrotain";
import { policyParser } from "./parse.ts";

/**
 * Where the page loads chevrotain's drawing scripts and style sheet from, relative to the
 * `grammar/` folder: the installed package, so the page works offline after `pnpm install`.
 */
const RESOURCES = "../packages/syntax/node_modules/chevrotain/diagrams/";

/** The HTML page of syntax diagrams for every rule of the grammar. */
export function syntaxDiagramsHtml(): string {
  return createSyntaxDiagramsCode(policyParser.getSerializedGastProductions(), {
    resourceBase: RESOURCES,
    css: `${RESOURCES}diagrams.css`,
  });
}
