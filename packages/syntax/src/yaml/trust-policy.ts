/**
 * A `TrustPolicy` document to trust settings: issuer, algorithms, where the keys are, token age
 * and clock skew in whole seconds, and whether several audiences are accepted. A field left out
 * is null; the compiler applies the defaults.
 */
import type { KeySource, TrustBlock } from "../ast.ts";
import { checkFields } from "./fields.ts";
import { emptyListFault, readNonEmptyList } from "./lists.ts";
import { type Reporter, shown } from "./report.ts";
import { readBoolean, readSeconds, readText } from "./scalars.ts";
import { fieldsOf, TrustPolicySpecSchema } from "./schema.ts";
import { entryOf, mappingAt, type YamlMapping, type YamlValue } from "./tree.ts";

/** The trust settings a `TrustPolicy` document (its root mapping) holds. */
export function trustToAst(root: YamlMapping, reporter: Reporter): TrustBlock {
  const metadata = mappingAt(root, "metadata");
  if (metadata !== null) checkFields(metadata, ["name"], reporter, ["metadata"]);
  const spec = mappingAt(root, "spec");
  if (spec !== null) {
    checkFields(spec, fieldsOf(TrustPolicySpecSchema), reporter, ["spec"]);
  }
  const field = (name: string): YamlValue | null =>
    spec === null ? null : (entryOf(spec, name)?.value ?? null);

  const issuer = field("issuer");
  const algorithmsEntry = spec === null ? undefined : entryOf(spec, "algorithms");
  const algorithmItems =
    algorithmsEntry === undefined
      ? null
      : readNonEmptyList(
          algorithmsEntry,
          reporter,
          ["spec", "algorithms"],
          emptyListFault(algorithmsEntry, "algorithm list"),
        );
  const keys = field("keys");
  const maxTokenAge = field("maxTokenAge");
  const clockSkew = field("clockSkew");
  const multipleAudiences = field("multipleAudiences");

  return {
    kind: "Trust",
    issuer: issuer === null ? null : readText(issuer, reporter),
    algorithms:
      algorithmItems === null
        ? null
        : algorithmItems.flatMap((item) => readText(item, reporter) ?? []),
    keys: keys === null ? null : keySource(keys, reporter),
    maxTokenAge:
      maxTokenAge === null
        ? null
        : readSeconds(maxTokenAge, reporter, ["spec", "maxTokenAge"], "maxTokenAge"),
    clockSkew:
      clockSkew === null
        ? null
        : readSeconds(clockSkew, reporter, ["spec", "clockSkew"], "clockSkew"),
    multipleAudiences:
      multipleAudiences === null
        ? null
        : readBoolean(multipleAudiences, reporter, ["spec", "multipleAudiences"]),
    span: reporter.span(root.start, root.end),
  };
}

function keySource(value: YamlValue, reporter: Reporter): KeySource | null {
  const path = ["spec", "keys"];
  if (value.kind === "scalar" && typeof value.value === "string") {
    reporter.report(
      "yaml/invalid-keys",
      "`keys` must say whether it is a file or a URL",
      value.start,
      value.end,
      {
        help:
          `write \`keys: {file: ${shown(value.value)}}\` ` +
          `or \`keys: {url: ${shown(value.value)}}\``,
        path,
      },
    );
    return null;
  }
  if (value.kind !== "mapping") return null;
  checkFields(value, ["file", "url"], reporter, path);
  const file = entryOf(value, "file");
  const url = entryOf(value, "url");
  const span = reporter.span(value.start, value.end);
  const nearMiss = reporter.isClaimed([...path, "file"]) || reporter.isClaimed([...path, "url"]);
  if ((file === undefined) === (url === undefined)) {
    if (nearMiss) return null;
    reporter.report(
      "yaml/invalid-keys",
      file === undefined
        ? "`keys` names neither a `file` nor a `url`"
        : "`keys` names both a `file` and a `url`",
      ...reporter.firstLine(value.start, value.end),
      { help: "write exactly one of `{file: <path>}` and `{url: <https URL>}`", path },
    );
    return null;
  }
  if (file !== undefined) {
    const text = readText(file.value, reporter);
    return text === null ? null : { kind: "KeyFile", path: text.value, span };
  }
  const text = url === undefined ? null : readText(url.value, reporter);
  return text === null ? null : { kind: "KeyUrl", url: text.value, span };
}
