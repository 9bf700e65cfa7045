import type { Protocol } from "@palisade/ir";
import { quote } from "./decisions.ts";

/** A question about one network edge: may `source` open `destination:port/protocol`? */
export interface ConnectionQuery {
  readonly source: string;
  readonly destination: string;
  readonly port: number;
  /** Defaults to `tcp`. */
  readonly protocol?: Protocol;
}

/** A question about one request arriving at `destination` with a bearer token. */
export interface RequestQuery {
  readonly destination: string;
  readonly port: number;
  /** Defaults to `tcp`. */
  readonly protocol?: Protocol;
  /** The scope the request needs, such as `orders:read`. */
  readonly action: string;
  /** Every value of the `Authorization` header as received; several values are refused. */
  readonly authorization?: string | readonly string[] | null;
  /** The caller as the request names it; must equal the token's `sub` when given. */
  readonly source?: string;
  /** The caller as the transport proved it (say from mTLS); must equal `sub` when given. */
  readonly transportIdentity?: string;
}

/** The kinds of question `decide` and `explain` take. */
export type QueryKind = "connection" | "ingress" | "egress" | "request";

/** A question read from the CLI's JSON shape. */
export type DecideQuery =
  | { readonly type: "connection" | "ingress" | "egress"; readonly query: ConnectionQuery }
  | { readonly type: "request"; readonly query: RequestQuery };

/** A query that passed validation, with its defaults filled in and its protocol position. */
export interface CheckedRequest {
  readonly destination: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly protocolIndex: number;
  readonly action: string;
  readonly authorization: string | readonly string[] | null;
  readonly source: string | null;
  readonly transportIdentity: string | null;
}

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; message: string };

const MAX_ID_LENGTH = 253;
const MAX_ACTION_LENGTH = 1024;

const NOT_OBJECT = "the query must be a JSON object";
const BAD_PORT = "`port` must be an integer from 1 to 65535";
const BAD_PROTOCOL = "`protocol` must be `tcp` or `udp`";
const BAD_ACTION = `\`action\` must be a string of 1 to ${MAX_ACTION_LENGTH} characters`;
const BAD_AUTHORIZATION = "`authorization` must be a string, a list of strings or absent";
const BAD_HEADERS = "`headers` must be an object whose values are strings or lists of strings";
const BAD_TYPE = "`type` must be `connection`, `ingress`, `egress` or `request`";
const idMessage = (field: string) =>
  `\`${field}\` must be a service id of 1 to ${MAX_ID_LENGTH} characters`;
const BAD_ID = {
  source: idMessage("source"),
  destination: idMessage("destination"),
  transportIdentity: idMessage("transportIdentity"),
};

const CONNECTION_FIELDS = new Set(["source", "destination", "port", "protocol"]);
const REQUEST_FIELDS = new Set([
  "destination",
  "port",
  "protocol",
  "action",
  "authorization",
  "source",
  "transportIdentity",
]);
const DECIDE_CONNECTION_FIELDS = new Set(["type", ...CONNECTION_FIELDS]);
const DECIDE_REQUEST_FIELDS = new Set([
  "type",
  "destination",
  "port",
  "protocol",
  "action",
  "headers",
  "source",
  "transportIdentity",
]);

/** The position of a protocol in the index (`tcp` when absent), or -1 when it is not one. */
export function protocolIndex(protocol: unknown): number {
  if (protocol === undefined || protocol === "tcp") return 0;
  return protocol === "udp" ? 1 : -1;
}

/**
 * Why the fields of a connection query are not acceptable, or null when they are. Takes the
 * fields already read, so the hot path reads each once and allocates nothing.
 */
export function connectionProblem(
  source: unknown,
  destination: unknown,
  port: unknown,
  protocol: unknown,
): string | null {
  if (!isId(source)) return BAD_ID.source;
  if (!isId(destination)) return BAD_ID.destination;
  if (!isPort(port)) return BAD_PORT;
  if (protocolIndex(protocol) < 0) return BAD_PROTOCOL;
  return null;
}

/**
 * Validates a request query, refusing unknown fields (a misspelt `source` must not silently
 * skip the source check).
 */
export function checkRequest(query: unknown): Read<CheckedRequest> {
  if (!isRecord(query)) return { ok: false, message: NOT_OBJECT };
  const unknown = unknownField(query, REQUEST_FIELDS);
  if (unknown !== null) return { ok: false, message: unknown };
  const authorization = query.authorization;
  if (!isAuthorization(authorization)) return { ok: false, message: BAD_AUTHORIZATION };
  return checkRequestFields(query, authorization ?? null);
}

/**
 * Reads one question in the CLI's JSON shape: `type` is `connection`, `ingress`, `egress` or
 * `request`; a request carries its token in `headers.authorization` (header names in any
 * letter case). Unknown fields are refused.
 */
export function readDecideInput(input: unknown): Read<DecideQuery> {
  if (!isRecord(input)) return { ok: false, message: NOT_OBJECT };
  const type = input.type;

  if (type === "connection" || type === "ingress" || type === "egress") {
    const unknown = unknownField(input, DECIDE_CONNECTION_FIELDS);
    if (unknown !== null) return { ok: false, message: unknown };
    const { source, destination, port, protocol } = input;
    const problem = connectionProblem(source, destination, port, protocol);
    if (problem !== null) return { ok: false, message: problem };
    const query = { source, destination, port, protocol } as ConnectionQuery;
    return { ok: true, value: { type, query: withoutUndefined(query) } };
  }

  if (type === "request") {
    const unknown = unknownField(input, DECIDE_REQUEST_FIELDS);
    if (unknown !== null) return { ok: false, message: unknown };
    const authorization = readAuthorizationHeader(input.headers);
    if (!authorization.ok) return authorization;
    const checked = checkRequestFields(input, authorization.value);
    if (!checked.ok) return checked;
    return { ok: true, value: { type, query: toRequestQuery(checked.value) } };
  }

  return { ok: false, message: BAD_TYPE };
}

function checkRequestFields(
  query: Record<string, unknown>,
  authorization: string | readonly string[] | null,
): Read<CheckedRequest> {
  const { destination, port, protocol, action, source, transportIdentity } = query;
  if (!isId(destination)) return { ok: false, message: BAD_ID.destination };
  if (!isPort(port)) return { ok: false, message: BAD_PORT };
  const position = protocolIndex(protocol);
  if (position < 0) return { ok: false, message: BAD_PROTOCOL };
  if (typeof action !== "string" || action.length === 0 || action.length > MAX_ACTION_LENGTH) {
    return { ok: false, message: BAD_ACTION };
  }
  if (source !== undefined && !isId(source)) {
    return { ok: false, message: BAD_ID.source };
  }
  if (transportIdentity !== undefined && !isId(transportIdentity)) {
    return { ok: false, message: BAD_ID.transportIdentity };
  }
  return {
    ok: true,
    value: {
      destination,
      port,
      protocol: position === 0 ? "tcp" : "udp",
      protocolIndex: position,
      action,
      authorization: Array.isArray(authorization) ? [...authorization] : authorization,
      source: source ?? null,
      transportIdentity: transportIdentity ?? null,
    },
  };
}

/** Collects every `authorization` header value, whatever the letter case of the name. */
function readAuthorizationHeader(headers: unknown): Read<string | readonly string[] | null> {
  if (headers === undefined) return { ok: true, value: null };
  if (!isRecord(headers)) return { ok: false, message: BAD_HEADERS };
  const values: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!isAuthorization(value) || value === null || value === undefined) {
      return { ok: false, message: BAD_HEADERS };
    }
    if (name.toLowerCase() !== "authorization") continue;
    if (typeof value === "string") values.push(value);
    else values.push(...value);
  }
  if (values.length === 0) return { ok: true, value: null };
  return { ok: true, value: values.length === 1 ? (values[0] as string) : values };
}

function toRequestQuery(checked: CheckedRequest): RequestQuery {
  return withoutUndefined({
    destination: checked.destination,
    port: checked.port,
    protocol: checked.protocol,
    action: checked.action,
    authorization: checked.authorization,
    source: checked.source ?? undefined,
    transportIdentity: checked.transportIdentity ?? undefined,
  }) as RequestQuery;
}

function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) out[key] = member;
  }
  return out as T;
}

function unknownField(record: Record<string, unknown>, allowed: ReadonlySet<string>) {
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) return `unknown field ${quote(key)} in the query`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function isAuthorization(value: unknown): value is string | readonly string[] | null | undefined {
  if (value === undefined || value === null || typeof value === "string") return true;
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
