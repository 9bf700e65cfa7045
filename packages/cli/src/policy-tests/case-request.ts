import { closest } from "../args.ts";

/** The request types a case can send, as `decide` reads them. */
const TYPES = ["connection", "ingress", "egress", "request"] as const;

type RequestType = (typeof TYPES)[number];

const CONNECTION_SHAPE = {
  required: ["source", "destination", "port"],
  allowed: ["type", "source", "destination", "port", "protocol"],
};
const REQUEST_SHAPE = {
  required: ["destination", "port", "action"],
  allowed: [
    "type",
    "destination",
    "port",
    "protocol",
    "action",
    "headers",
    "source",
    "transportIdentity",
  ],
};

const SHAPES: Record<RequestType, { required: string[]; allowed: string[] }> = {
  connection: CONNECTION_SHAPE,
  ingress: CONNECTION_SHAPE,
  egress: CONNECTION_SHAPE,
  request: REQUEST_SHAPE,
};

function suggestion(word: string, candidates: readonly string[]): string {
  const hint = closest(word, candidates);
  return hint === null ? "" : `; did you mean \`${hint}\`?`;
}

/** True when `headers` holds an `authorization` member, in any letter case. */
export function hasAuthorizationHeader(headers: unknown): boolean {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return false;
  return Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
}

/**
 * Why the request of a test case does not have the shape `decide` reads, or null when it has:
 * a known `type`, the fields that type needs, and no field it does not know. `request` is the
 * case's request without its `token`. The values themselves are left to the engine.
 */
export function requestShapeProblem(request: Readonly<Record<string, unknown>>): string | null {
  const type = request.type;
  if (type === undefined) {
    return `the request has no \`type\`; give one of ${TYPES.map((t) => `\`${t}\``).join(", ")}`;
  }
  if (typeof type !== "string" || !(TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === "string" ? type : JSON.stringify(type);
    const hint =
      typeof type === "string"
        ? suggestion(type, TYPES)
        : `; give one of ${TYPES.map((t) => `\`${t}\``).join(", ")}`;
    return `unknown request type \`${shown}\`${hint}`;
  }
  const shape = SHAPES[type as RequestType];
  for (const field of Object.keys(request)) {
    if (!shape.allowed.includes(field)) {
      const hint = suggestion(field, shape.allowed);
      return `unknown field \`${field}\` in a request of \`type: ${type}\`${hint}`;
    }
  }
  const missing = shape.required.filter((field) => request[field] === undefined);
  if (missing.length > 0) {
    return `a request of \`type: ${type}\` needs ${missing.map((field) => `\`${field}\``).join(", ")}`;
  }
  return null;
}
