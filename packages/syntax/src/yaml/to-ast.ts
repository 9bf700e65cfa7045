/**
 * One YAML document (as a located tree) to the syntax tree both forms share. The walk makes the
 * YAML-aware checks: unknown fields, how scalars were written, empty rules and lists, peers and
 * their ports. It reports each fault with its document path, so that the zod shape check that
 * runs after it does not repeat the same fault; it skips, without a report, values of the wrong
 * kind altogether, which zod reports.
 */
import type { ServiceDecl, TrustBlock } from "../ast.ts";
import { closestMatch } from "../dsl/near-miss.ts";
import { checkFields } from "./fields.ts";
import { serviceToAst } from "./network-policy.ts";
import { type Reporter, shown } from "./report.ts";
import { readChoice, scalarText } from "./scalars.ts";
import {
  API_VERSION,
  DOCUMENT_KINDS,
  fieldsOf,
  NetworkPolicySchema,
  TrustPolicySchema,
} from "./schema.ts";
import { entryOf, type YamlValue } from "./tree.ts";
import { trustToAst } from "./trust-policy.ts";

/** What one document holds: a service (null when it has no usable name) or trust settings. */
export type DocumentAst =
  | { readonly kind: "NetworkPolicy"; readonly service: ServiceDecl | null }
  | { readonly kind: "TrustPolicy"; readonly trust: TrustBlock };

/**
 * The AST of one document, or null when the document is not one of ours (a wrong `apiVersion`
 * or `kind`, reported) or not a mapping at all.
 */
export function documentToAst(root: YamlValue, reporter: Reporter): DocumentAst | null {
  if (root.kind !== "mapping") {
    reporter.report(
      "yaml/not-a-mapping",
      "a policy document must be a mapping",
      ...reporter.firstLine(root.start, root.end),
      {
        help: `start each document with \`apiVersion: ${API_VERSION}\` and a \`kind\``,
        path: [],
      },
    );
    return null;
  }

  const apiVersion = entryOf(root, "apiVersion");
  const kind = entryOf(root, "kind");
  if (apiVersion === undefined || kind === undefined) {
    const missing = apiVersion === undefined ? "apiVersion" : "kind";
    const nearMiss = root.entries.find((entry) => closestMatch(entry.key, [missing]) !== null);
    reporter.report(
      "yaml/missing-field",
      `document has no \`${missing}\``,
      ...reporter.firstLine(root.start, root.end),
      {
        help:
          nearMiss === undefined
            ? `start each document with \`apiVersion: ${API_VERSION}\` and a \`kind\``
            : `did you mean \`${missing}\` instead of \`${shown(nearMiss.key)}\`?`,
        path: [],
      },
    );
    return null;
  }
  if (apiVersion.value.kind !== "scalar" || apiVersion.value.value !== API_VERSION) {
    const written = apiVersion.value.kind === "scalar" ? scalarText(apiVersion.value) : "…";
    reporter.report(
      "yaml/api-version",
      `unsupported \`apiVersion\` \`${shown(written)}\``,
      apiVersion.value.start,
      apiVersion.value.end,
      { help: `Palisade policies use \`apiVersion: ${API_VERSION}\``, path: [] },
    );
    return null;
  }
  const kindName = readChoice(
    kind.value,
    DOCUMENT_KINDS,
    reporter,
    [],
    "yaml/unknown-kind",
    "kind",
  );
  if (kindName === null) return null;

  if (kindName.value === "NetworkPolicy") {
    checkFields(root, fieldsOf(NetworkPolicySchema), reporter, []);
    return { kind: "NetworkPolicy", service: serviceToAst(root, reporter) };
  }
  checkFields(root, fieldsOf(TrustPolicySchema), reporter, []);
  return { kind: "TrustPolicy", trust: trustToAst(root, reporter) };
}
