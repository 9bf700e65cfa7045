/**
 * The YAML form of a policy: `apiVersion: dilmune.com/v1` documents of kind `NetworkPolicy` (one
 * service and its rules) and `TrustPolicy` (token trust settings), several per file, read into
 * the syntax tree the DSL also produces.
 *
 * The steps: compose the documents under guards (`read-documents.ts`), build a located tree per
 * document with aliases resolved under a budget (`tree.ts`), walk it into the AST with the
 * YAML-aware checks (`to-ast.ts`), then validate its plain value against the zod schema
 * (`schema.ts`) for whatever fault the walk did not already report.
 */
import type { ServiceDecl, TrustBlock } from "../ast.ts";
import { LineIndex } from "../diagnostic.ts";
import type { ParseResult } from "../source.ts";
import { readDocuments, reportYamlErrors } from "./read-documents.ts";
import { Reporter } from "./report.ts";
import { NetworkPolicySchema, TrustPolicySchema } from "./schema.ts";
import { reportShapeIssues } from "./shape-issues.ts";
import { documentToAst } from "./to-ast.ts";
import { buildTree, toPlain, type YamlValue } from "./tree.ts";

export { policyJsonSchema } from "./json-schema.ts";

/**
 * Reads a YAML policy file. Never throws on any text: every problem comes back as a diagnostic
 * with a `yaml/…` code (or `parse/…` from a `when:` condition), and the tree holds whatever
 * could be read. Throws `TypeError` only when called with something other than strings.
 */
export function parseYaml(text: string, file: string): ParseResult {
  if (typeof text !== "string" || typeof file !== "string") {
    throw new TypeError("parseYaml expects the text and the file name as strings");
  }
  const index = new LineIndex(file, text);
  const reporter = new Reporter(index, text.length);
  const trust: TrustBlock[] = [];
  const services: ServiceDecl[] = [];

  for (const document of readDocuments(text, reporter)) {
    reporter.startDocument();
    if (reportYamlErrors(document, reporter)) continue;
    const tree = buildTree(document, text, reporter);
    if (!tree.ok || tree.root === null || isEmptyDocument(tree.root)) continue;

    const ast = documentToAst(tree.root, reporter);
    if (ast === null) continue;
    const schema = ast.kind === "NetworkPolicy" ? NetworkPolicySchema : TrustPolicySchema;
    const checked = schema.safeParse(toPlain(tree.root));
    if (!checked.success) reportShapeIssues(checked.error.issues, tree.root, reporter);

    if (ast.kind === "TrustPolicy") trust.push(ast.trust);
    else if (ast.service !== null) services.push(ast.service);
  }

  return {
    policy: { kind: "PolicyFile", file, trust, services, span: index.span(0, text.length) },
    diagnostics: reporter.finish(),
  };
}

/** A document with nothing in it (a stray `---`, or only comments) is no policy and no fault. */
function isEmptyDocument(root: YamlValue): boolean {
  return root.kind === "scalar" && root.value === null && root.source === "";
}
