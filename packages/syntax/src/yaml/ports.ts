/**
 * Ports in the YAML form: numbers, port names and `{port, endPort}` ranges. A port must be an
 * integer written as plain decimal digits, because every spelling YAML also accepts (`"8443"`,
 * `8443.0`, `010`, `0x20FB`, `8_443`, `1e3`, `22:22`) means a different thing to some other tool.
 */
import type { PortSpec } from "../ast.ts";
import { checkFields } from "./fields.ts";
import { type EmptyListFault, readNonEmptyList } from "./lists.ts";
import { type DocumentPath, type Reporter, shown } from "./report.ts";
import { PLAIN_DECIMAL, scalarText } from "./scalars.ts";
import { fieldsOf, PORT_NAME_PATTERN, PortRangeSchema } from "./schema.ts";
import type { MappingEntry, YamlScalar, YamlValue } from "./tree.ts";

const EMPTY_PORT_LIST: EmptyListFault = {
  code: "yaml/empty-port-list",
  message: "empty port list",
  help:
    "other tools read an empty port list as every port; list the ports, write " +
    "`{port: 1, endPort: 65535}` for all of them, or leave `ports` out of a deny rule",
};

const LOWEST_PORT = 1;
const HIGHEST_PORT = 65535;

/** Starts like a number: a digit, perhaps after a sign or a point. */
const NUMBER_LIKE = /^[-+.]?[0-9]/;

/** A port number; anything else in that place is reported. */
export function readPortNumber(
  value: YamlValue,
  reporter: Reporter,
  path: DocumentPath,
): number | null {
  if (value.kind !== "scalar") return null;
  const text = scalarText(value);

  if (value.style !== "PLAIN") {
    reportString(value, text, reporter, path);
    return null;
  }
  if (typeof value.value === "number" && PLAIN_DECIMAL.test(value.source)) {
    if (value.value < LOWEST_PORT || value.value > HIGHEST_PORT) {
      reportOutOfRange(value, reporter, path);
      return null;
    }
    return value.value;
  }
  if (typeof value.value === "number" && /^-[0-9]+$/.test(value.source)) {
    reportOutOfRange(value, reporter, path);
    return null;
  }
  if (typeof value.value === "number" || NUMBER_LIKE.test(text)) {
    reporter.report(
      "yaml/port-not-integer",
      "port must be a plain decimal integer",
      value.start,
      value.end,
      { help: numberSpellingHelp(text), path },
    );
    return null;
  }
  reporter.report(
    "yaml/port-not-integer",
    `port must be an integer, not \`${shown(text)}\``,
    value.start,
    value.end,
    { help: "port names are allowed in port lists only", path },
  );
  return null;
}

/** One item of a port list: a number, a port name or a `{port, endPort}` range. */
export function readPortItem(
  value: YamlValue,
  reporter: Reporter,
  path: DocumentPath,
): PortSpec | null {
  if (value.kind === "mapping") return readPortRange(value, reporter, path);
  if (value.kind !== "scalar") return null;

  const text = scalarText(value);
  const numeric = typeof value.value === "number" || NUMBER_LIKE.test(text.trim());
  if (numeric) {
    const port = readPortNumber(value, reporter, path);
    return port === null
      ? null
      : { kind: "Port", port, span: reporter.span(value.start, value.end) };
  }
  if (typeof value.value === "string" && PORT_NAME_PATTERN.test(value.value)) {
    return { kind: "PortName", name: value.value, span: reporter.span(value.start, value.end) };
  }
  if (typeof value.value === "string") {
    reporter.report(
      "yaml/invalid-port-name",
      `\`${shown(text)}\` is not a valid port name`,
      value.start,
      value.end,
      { help: portNameHelp(), path },
    );
  } else {
    reporter.report(
      "yaml/invalid-port",
      `\`${shown(text)}\` is not a port number or port name`,
      value.start,
      value.end,
      {
        help: "write a port number like `8443`, a port name, or `{port: 8000, endPort: 8010}`",
        path,
      },
    );
  }
  return null;
}

/**
 * The ports of a `ports:` entry, or null when there is no such entry. An empty list (or an
 * entry with no value) is an error: other tools read an empty port list as every port.
 */
export function readPortList(
  entry: MappingEntry | undefined,
  reporter: Reporter,
  path: DocumentPath,
): PortSpec[] | null {
  if (entry === undefined) return null;
  const items = readNonEmptyList(entry, reporter, path, EMPTY_PORT_LIST);
  if (items === null) return null;

  const ports: PortSpec[] = [];
  items.forEach((item, index) => {
    const port = readPortItem(item, reporter, [...path, index]);
    if (port !== null) ports.push(port);
  });
  return ports;
}

/** Checks the name of a named port (a key of `spec.ports`). */
export function checkPortName(
  entry: MappingEntry,
  reporter: Reporter,
  path: DocumentPath,
): boolean {
  if (PORT_NAME_PATTERN.test(entry.key)) return true;
  reporter.report(
    "yaml/invalid-port-name",
    `\`${shown(entry.key)}\` is not a valid port name`,
    entry.keyStart,
    entry.keyEnd,
    { help: portNameHelp(), path },
  );
  return false;
}

function readPortRange(value: YamlValue, reporter: Reporter, path: DocumentPath): PortSpec | null {
  if (value.kind !== "mapping") return null;
  checkFields(value, fieldsOf(PortRangeSchema), reporter, path);
  const first = value.entries.find((entry) => entry.key === "port");
  const last = value.entries.find((entry) => entry.key === "endPort");
  if (first === undefined) {
    reporter.report("yaml/missing-field", "port range has no `port`", value.start, value.end, {
      help: "write `{port: 8000, endPort: 8010}`, or `{port: 8000}` for one port",
      path,
    });
    return null;
  }
  const from = readPortNumber(first.value, reporter, [...path, "port"]);
  const to = last === undefined ? null : readPortNumber(last.value, reporter, [...path, "endPort"]);
  if (from === null || (last !== undefined && to === null)) return null;
  const span = reporter.span(value.start, value.end);
  return to === null ? { kind: "Port", port: from, span } : { kind: "PortRange", from, to, span };
}

function reportString(value: YamlScalar, text: string, reporter: Reporter, path: DocumentPath) {
  const numeric = NUMBER_LIKE.test(text.trim());
  reporter.report(
    "yaml/port-not-integer",
    "port must be an integer, not a string",
    value.start,
    value.end,
    {
      help: numeric
        ? `write \`${shown(text.trim())}\` without quotes`
        : "write the port number without quotes",
      path,
    },
  );
}

function reportOutOfRange(value: YamlScalar, reporter: Reporter, path: DocumentPath): void {
  reporter.report(
    "yaml/port-out-of-range",
    `port \`${shown(value.source)}\` is outside ${LOWEST_PORT} to ${HIGHEST_PORT}`,
    value.start,
    value.end,
    { help: `ports are numbered from ${LOWEST_PORT} to ${HIGHEST_PORT}`, path },
  );
}

/** Why a number-like port spelling is refused, in terms of what other tools would read. */
function numberSpellingHelp(text: string): string {
  if (/^[0-9]+(?::[0-9]+)+$/.test(text)) {
    return (
      `YAML 1.1 tools read \`${shown(text)}\` as a base-60 number; write one port, ` +
      "or a range as `{port: 8000, endPort: 8010}`"
    );
  }
  if (/^[-+]?0[0-9]+$/.test(text) || /^0o/i.test(text)) {
    return (
      `\`${shown(text)}\` reads as octal to some YAML tools and as decimal to others; ` +
      "write the port without leading zeros"
    );
  }
  if (/^0x/i.test(text)) return "write the port in decimal digits, not hexadecimal";
  if (text.includes("_")) return `write \`${shown(text.replace(/_/g, ""))}\` without \`_\``;
  return "write the port as digits only, like `8443`";
}

function portNameHelp(): string {
  return "a port name starts with a letter and holds only letters, digits, `-` and `_`";
}
