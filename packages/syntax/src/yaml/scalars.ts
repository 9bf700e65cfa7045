/**
 * Readers for scalar fields that look at how a value was written, not only at what YAML made of
 * it. YAML 1.1 tools read `yes` as true, `010` as eight and `22:22` as 1342; YAML 1.2 reads the
 * first and last as text. A policy linted by one tool and loaded by another must mean the same
 * to both, so only the one spelling all of them agree on is accepted.
 *
 * Each reader returns null, without a report, for a value of the wrong kind altogether (a list
 * where text belongs): the zod shape check reports those.
 */
import type { Located } from "../ast.ts";
import { closestMatch } from "../dsl/near-miss.ts";
import { SERVICE_ID_PATTERN, serviceIdProblem } from "../names.ts";
import { type DocumentPath, type Reporter, shown, type YamlDiagnosticCode } from "./report.ts";
import type { YamlScalar, YamlValue } from "./tree.ts";

/** Plain decimal digits without leading zeros: the only way a YAML integer is written here. */
export const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** Scalars that YAML 1.1 reads as booleans. */
const YAML11_BOOLEANS = new Set(["y", "n", "yes", "no", "on", "off"]);

/** The scalar's text as the policy means it: the source for plain non-text values. */
export function scalarText(scalar: YamlScalar): string {
  if (typeof scalar.value === "string") return scalar.value;
  return scalar.style === "PLAIN" ? scalar.source : String(scalar.value);
}

/** A located copy of a value, spanning the scalar. */
export function locate<T>(value: T, scalar: YamlScalar, reporter: Reporter): Located<T> {
  return { value, span: reporter.span(scalar.start, scalar.end) };
}

/** Text, written in any style. */
export function readText(value: YamlValue, reporter: Reporter): Located<string> | null {
  if (value.kind !== "scalar" || typeof value.value !== "string") return null;
  return locate(value.value, value, reporter);
}

/**
 * A service id. A reserved word (`no`, `on`, `null`, a DSL keyword...) or anything outside the
 * id pattern is reported; the id is still returned, so the rest of the tree can be built.
 */
export function readServiceId(
  value: YamlValue,
  reporter: Reporter,
  path: DocumentPath,
): Located<string> | null {
  if (value.kind !== "scalar") return null;
  const text = scalarText(value);
  const problem = serviceIdProblem(text);
  if (problem !== null) {
    const plainNonText = value.style === "PLAIN" && typeof value.value !== "string";
    const yamlMeaning =
      plainNonText && value.value !== null && typeof value.value !== "number"
        ? `YAML reads \`${shown(text)}\` as ${String(value.value)}; `
        : plainNonText && value.value === null
          ? `YAML reads \`${shown(text)}\` as null; `
          : YAML11_BOOLEANS.has(text.toLowerCase())
            ? `YAML 1.1 tools read \`${shown(text)}\` as a boolean; `
            : "";
    if (SERVICE_ID_PATTERN.test(text)) {
      reporter.report("yaml/reserved-service-id", problem, value.start, value.end, {
        help: `${yamlMeaning}choose another name for the service`,
        path,
      });
    } else {
      reporter.report(
        "yaml/invalid-service-id",
        `\`${shown(text)}\` is not a valid service id`,
        value.start,
        value.end,
        { help: `${yamlMeaning}${problem}`, path },
      );
    }
  }
  return locate(text, value, reporter);
}

/** `true` or `false`, written plainly in lower case; `yes`, `on`, `True`, `"true"` are refused. */
export function readBoolean(
  value: YamlValue,
  reporter: Reporter,
  path: DocumentPath,
): Located<boolean> | null {
  if (value.kind !== "scalar") return null;
  if (value.style === "PLAIN" && (value.source === "true" || value.source === "false")) {
    return locate(value.source === "true", value, reporter);
  }
  const text = scalarText(value);
  const lower = text.toLowerCase();
  const help =
    value.style !== "PLAIN"
      ? "write `true` or `false` without quotes"
      : YAML11_BOOLEANS.has(lower)
        ? `YAML 1.1 tools read \`${shown(text)}\` as a boolean, YAML 1.2 as text; ` +
          "write `true` or `false`"
        : lower === "true" || lower === "false"
          ? "write `true` or `false` in lower case"
          : "write `true` or `false`";
  reporter.report(
    "yaml/not-boolean",
    `expected \`true\` or \`false\`, not \`${shown(text)}\``,
    value.start,
    value.end,
    { help, path },
  );
  return null;
}

/** A whole number of seconds, written as plain decimal digits. */
export function readSeconds(
  value: YamlValue,
  reporter: Reporter,
  path: DocumentPath,
  field: string,
): Located<number> | null {
  if (value.kind !== "scalar") return null;
  if (
    value.style === "PLAIN" &&
    typeof value.value === "number" &&
    PLAIN_DECIMAL.test(value.source)
  ) {
    return locate(value.value, value, reporter);
  }
  const text = scalarText(value);
  const help = /^[0-9]+[smh]$/.test(text)
    ? "durations are whole seconds in the YAML form: `5m` is written `300`"
    : value.style === "PLAIN"
      ? "write the number of seconds as digits only, like `300`"
      : "write the number of seconds without quotes";
  reporter.report(
    "yaml/not-integer",
    `\`${field}\` must be a whole number of seconds, not \`${shown(text)}\``,
    value.start,
    value.end,
    { help, path },
  );
  return null;
}

/** One of a fixed set of words, exactly as spelt there. */
export function readChoice<T extends string>(
  value: YamlValue,
  choices: readonly T[],
  reporter: Reporter,
  path: DocumentPath,
  code: YamlDiagnosticCode,
  what: string,
): Located<T> | null {
  if (value.kind !== "scalar") return null;
  const text = scalarText(value);
  const choice = choices.find((candidate) => candidate === value.value);
  if (choice !== undefined) return locate(choice, value, reporter);

  const closest = closestMatch(text.trim(), choices);
  const expected = choices.map((candidate) => `\`${candidate}\``).join(" or ");
  reporter.report(code, `\`${shown(text)}\` is not a valid ${what}`, value.start, value.end, {
    help:
      closest === null
        ? `expected ${expected}`
        : `did you mean \`${closest}\`? expected ${expected}`,
    path,
  });
  return null;
}
