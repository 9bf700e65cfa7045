/**
 * A `NetworkPolicy` document to a service declaration: its named ports and its ingress and
 * egress rules, with the checks that only the YAML form needs (how peers and ports are written,
 * empty rules and lists, ports on a rule and on its peers at once).
 */
import type {
  AnyPeer,
  Direction,
  Effect,
  Expr,
  Located,
  NamedPort,
  Peer,
  Protocol,
  Rule,
  ServiceDecl,
  ServicePeer,
} from "../ast.ts";
import { SCOPE_PATTERN } from "../names.ts";
import { readCondition } from "./condition.ts";
import { checkFields, type FieldHints } from "./fields.ts";
import { type EmptyListFault, emptyListFault, readNonEmptyList } from "./lists.ts";
import { checkPortName, readPortList, readPortNumber } from "./ports.ts";
import { type DocumentPath, type Reporter, shown } from "./report.ts";
import { readChoice, readServiceId, readText } from "./scalars.ts";
import {
  EgressRuleSchema,
  fieldsOf,
  IngressRuleSchema,
  NetworkPolicySpecSchema,
  PeerSchema,
} from "./schema.ts";
import { entryOf, type MappingEntry, mappingAt, type YamlMapping, type YamlValue } from "./tree.ts";

const SPEC_HINTS: FieldHints = {
  policyTypes:
    "there is no `policyTypes`: a missing `ingress` or `egress` already means no connections " +
    "in that direction",
  podSelector: "a `NetworkPolicy` names its service in `metadata.name`",
};

const INGRESS_HINTS: FieldHints = {
  to: "ingress rules name their callers under `from`",
};

const EGRESS_HINTS: FieldHints = {
  from: "egress rules name the services they reach under `to`",
  scopes: "scopes apply to ingress rules only",
  scope: "scopes apply to ingress rules only",
};

const EMPTY_PEER_LIST: EmptyListFault = {
  code: "yaml/empty-peer-list",
  message: "empty peer list",
  help:
    "other tools read an empty peer list as every peer; name the peers, or write " +
    '`service: "*"` for any service',
};

/**
 * The service a `NetworkPolicy` document declares (its root mapping), or null when it has no
 * usable `metadata.name`.
 */
export function serviceToAst(root: YamlMapping, reporter: Reporter): ServiceDecl | null {
  const metadata = mappingAt(root, "metadata");
  const name = metadata === null ? undefined : entryOf(metadata, "name");
  if (metadata !== null) checkFields(metadata, ["name"], reporter, ["metadata"]);
  const id = name === undefined ? null : readServiceId(name.value, reporter, ["metadata", "name"]);

  const spec = mappingAt(root, "spec");
  let ports: NamedPort[] = [];
  let ingress: Rule[] = [];
  let egress: Rule[] = [];
  if (spec !== null) {
    checkFields(spec, fieldsOf(NetworkPolicySpecSchema), reporter, ["spec"], SPEC_HINTS);
    ports = namedPorts(spec, reporter);
    ingress = rules(spec, "ingress", reporter);
    egress = rules(spec, "egress", reporter);
  }

  if (id === null) return null;
  return {
    kind: "Service",
    id: id.value,
    idSpan: id.span,
    ports,
    ingress,
    egress,
    span: reporter.span(root.start, root.end),
  };
}

function namedPorts(spec: YamlMapping, reporter: Reporter): NamedPort[] {
  const ports = mappingAt(spec, "ports");
  if (ports === null) return [];
  const declared: NamedPort[] = [];
  for (const entry of ports.entries) {
    const path = ["spec", "ports", entry.key];
    const nameOk = checkPortName(entry, reporter, path);
    const port = readPortNumber(entry.value, reporter, path);
    if (!nameOk || port === null) continue;
    declared.push({
      kind: "NamedPort",
      name: entry.key,
      port,
      span: reporter.span(entry.keyStart, entry.value.end),
    });
  }
  return declared;
}

function rules(spec: YamlMapping, direction: Direction, reporter: Reporter): Rule[] {
  const entry = entryOf(spec, direction);
  if (entry === undefined || entry.value.kind !== "sequence") return [];
  const built: Rule[] = [];
  entry.value.items.forEach((item, index) => {
    const read = rule(item, direction, reporter, ["spec", direction, index]);
    if (read !== null) built.push(read);
  });
  return built;
}

function rule(
  value: YamlValue,
  direction: Direction,
  reporter: Reporter,
  path: DocumentPath,
): Rule | null {
  const emptyItem = value.kind === "scalar" && value.value === null && value.style === "PLAIN";
  if (emptyItem || (value.kind === "mapping" && value.entries.length === 0)) {
    reporter.report("yaml/empty-rule", "empty rule", value.start, value.end, {
      help:
        "other tools read an empty rule as allowing everything; write what the rule allows, " +
        'e.g. `{from: [{service: "*"}], ports: [{port: 1, endPort: 65535}]}`',
      path,
    });
    return null;
  }
  if (value.kind !== "mapping") return null;

  const peersField = direction === "ingress" ? "from" : "to";
  const schema = direction === "ingress" ? IngressRuleSchema : EgressRuleSchema;
  checkFields(
    value,
    fieldsOf(schema),
    reporter,
    path,
    direction === "ingress" ? INGRESS_HINTS : EGRESS_HINTS,
  );

  const peersEntry = entryOf(value, peersField);
  if (peersEntry === undefined && !reporter.isClaimed([...path, peersField])) {
    reporter.report(
      "yaml/missing-field",
      `rule has no \`${peersField}\``,
      ...reporter.firstLine(value.start, value.end),
      {
        help:
          `name the ${direction === "ingress" ? "callers" : "services reached"} in ` +
          `\`${peersField}\`; \`service: "*"\` means any service`,
        path: [...path, peersField],
      },
    );
  }
  const peers =
    peersEntry === undefined ? [] : peerList(peersEntry, reporter, [...path, peersField]);
  const ports = readPortList(entryOf(value, "ports"), reporter, [...path, "ports"]);
  checkPortsOnce(value, peersEntry, reporter, path);

  const actionEntry = entryOf(value, "action");
  const action =
    actionEntry === undefined
      ? null
      : readChoice<Effect>(
          actionEntry.value,
          ["allow", "deny"],
          reporter,
          [...path, "action"],
          "yaml/invalid-action",
          "action",
        );
  const whenEntry = entryOf(value, "when");
  const when = whenEntry === undefined ? null : condition(whenEntry, reporter, [...path, "when"]);

  return {
    kind: "Rule",
    direction,
    effect: action?.value ?? "allow",
    peers,
    ports,
    protocols: protocols(value, reporter, path),
    scopes: direction === "ingress" ? scopes(value, reporter, path) : null,
    when,
    span: reporter.span(value.start, value.end),
  };
}

function condition(entry: MappingEntry, reporter: Reporter, path: DocumentPath): Expr | null {
  const value = entry.value;
  if (value.kind !== "scalar" || typeof value.value !== "string") return null;
  if (value.value.trim() === "") {
    reporter.report(
      "yaml/empty-condition",
      "`when` holds no condition",
      entry.keyStart,
      entry.keyEnd,
      {
        help: 'write a condition such as `token.tenant == "a"`, or leave `when` out',
        path,
      },
    );
    return null;
  }
  return readCondition(value, reporter, path);
}

function peerList(entry: MappingEntry, reporter: Reporter, path: DocumentPath): Peer[] {
  const items = readNonEmptyList(entry, reporter, path, EMPTY_PEER_LIST);
  if (items === null) return [];
  const peers: Peer[] = [];
  items.forEach((item, index) => {
    const built = peer(item, reporter, [...path, index]);
    if (built !== null) peers.push(built);
  });
  return peers;
}

function peer(value: YamlValue, reporter: Reporter, path: DocumentPath): Peer | null {
  if (value.kind === "scalar" && typeof value.value === "string") {
    reporter.report(
      "yaml/invalid-peer",
      `peer \`${shown(value.value)}\` must be written as \`service: ${shown(value.value)}\``,
      value.start,
      value.end,
      { help: `write \`- service: ${shown(value.value)}\``, path },
    );
    return null;
  }
  if (value.kind !== "mapping") return null;
  checkFields(value, fieldsOf(PeerSchema), reporter, path);

  const serviceEntry = entryOf(value, "service");
  const exceptEntry = entryOf(value, "except");
  const ports = readPortList(entryOf(value, "ports"), reporter, [...path, "ports"]);
  const span = reporter.span(value.start, value.end);
  if (serviceEntry === undefined) {
    if (reporter.isClaimed([...path, "service"])) return null;
    reporter.report(
      "yaml/missing-field",
      "peer has no `service`",
      ...reporter.firstLine(value.start, value.end),
      {
        help: 'write `service: <id>`, or `service: "*"` for any service',
        path: [...path, "service"],
      },
    );
    return null;
  }

  if (serviceEntry.value.kind === "scalar" && serviceEntry.value.value === "*") {
    const except: Located<string>[] = [];
    if (exceptEntry !== undefined && exceptEntry.value.kind === "sequence") {
      exceptEntry.value.items.forEach((item, index) => {
        const id = readServiceId(item, reporter, [...path, "except", index]);
        if (id !== null) except.push(id);
      });
    }
    return { kind: "AnyPeer", except, ports, span } satisfies AnyPeer;
  }

  if (exceptEntry !== undefined) {
    reporter.report(
      "yaml/except-without-any",
      '`except` is only allowed with `service: "*"`',
      exceptEntry.keyStart,
      exceptEntry.keyEnd,
      { help: "a named service has nothing to except; remove `except`", path: [...path, "except"] },
    );
  }
  const id = readServiceId(serviceEntry.value, reporter, [...path, "service"]);
  if (id === null) return null;
  return { kind: "ServicePeer", id: id.value, ports, span } satisfies ServicePeer;
}

/** Ports go on the rule or on its peers, never both: one would silently narrow the other. */
function checkPortsOnce(
  rule: YamlMapping,
  peersEntry: MappingEntry | undefined,
  reporter: Reporter,
  path: DocumentPath,
): void {
  const rulePorts = entryOf(rule, "ports");
  if (rulePorts === undefined || peersEntry?.value.kind !== "sequence") return;
  peersEntry.value.items.forEach((item, index) => {
    const peerPorts = item.kind === "mapping" ? entryOf(item, "ports") : undefined;
    if (peerPorts === undefined) return;
    reporter.report(
      "yaml/ports-on-rule-and-peer",
      "ports are given both on the rule and on this peer",
      peerPorts.keyStart,
      peerPorts.keyEnd,
      {
        help: "write ports on the rule (for every peer) or on each peer, not both",
        related: [
          {
            message: "the rule's ports",
            span: reporter.span(rulePorts.keyStart, rulePorts.keyEnd),
          },
        ],
        path: [...path, peersEntry.key, index, "ports"],
      },
    );
  });
}

function protocols(
  rule: YamlMapping,
  reporter: Reporter,
  path: DocumentPath,
): Located<Protocol>[] | null {
  const entry = entryOf(rule, "protocols");
  if (entry === undefined) return null;
  const items = readNonEmptyList(
    entry,
    reporter,
    [...path, "protocols"],
    emptyListFault(entry, "protocol list"),
  );
  if (items === null) return null;
  const found: Located<Protocol>[] = [];
  items.forEach((item, index) => {
    const protocol = readChoice<Protocol>(
      item,
      ["tcp", "udp"],
      reporter,
      [...path, "protocols", index],
      "yaml/invalid-protocol",
      "protocol",
    );
    if (protocol !== null) found.push(protocol);
  });
  return found;
}

function scopes(
  rule: YamlMapping,
  reporter: Reporter,
  path: DocumentPath,
): Located<string>[] | null {
  const entry = entryOf(rule, "scopes");
  if (entry === undefined) return null;
  const items = readNonEmptyList(
    entry,
    reporter,
    [...path, "scopes"],
    emptyListFault(entry, "scope list"),
  );
  if (items === null) return null;
  const found: Located<string>[] = [];
  items.forEach((item, index) => {
    const scope = readText(item, reporter);
    if (scope === null) return;
    if (!SCOPE_PATTERN.test(scope.value)) {
      reporter.report(
        "yaml/invalid-scope",
        `\`${shown(scope.value)}\` is not a valid scope`,
        item.start,
        item.end,
        {
          help: "a scope is 1 to 256 visible characters without spaces, like `orders:read`",
          path: [...path, "scopes", index],
        },
      );
      return;
    }
    found.push(scope);
  });
  return found;
}
