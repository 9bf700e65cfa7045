import type { Decision } from "@palisade/ir";

/** What a guard sends back for a denied request: status, headers and a small JSON body. */
export interface Denial {
  readonly status: 401 | 403;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Turns a deny into an HTTP answer. A missing or unusable token is 401 (the caller should
 * authenticate); anything else, a valid token lacking the scope included, is 403. The reason
 * code goes in `x-palisade-reason` and in the body; the message, the token and its claims
 * never leave the server, so the answer leaks nothing a caller did not already know.
 */
export function denialFor(decision: Decision): Denial {
  const reason = decision.reason;
  const unauthenticated = reason.startsWith("token-") && reason !== "token-scope-missing";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
    "x-palisade-reason": reason,
  };
  if (reason === "token-missing") headers["www-authenticate"] = "Bearer";
  else if (unauthenticated) headers["www-authenticate"] = 'Bearer error="invalid_token"';
  else if (reason === "token-scope-missing") {
    headers["www-authenticate"] = 'Bearer error="insufficient_scope"';
  }
  return {
    status: unauthenticated ? 401 : 403,
    headers,
    body: JSON.stringify({ decision: "deny", reason }),
  };
}

/** What both guards are told: the service they protect and how to name a request's action. */
export interface GuardOptions<Incoming> {
  /** The service id of the server being guarded: the audience its tokens must name. */
  readonly service: string;
  /** The port the server listens on, as the policy's ingress rules state it. */
  readonly port: number;
  /** The action (scope) a request needs, such as `orders:read`. */
  readonly action: (request: Incoming) => string;
  /** The caller as the transport proved it (say from an mTLS certificate), if known. */
  readonly transportIdentity?: (request: Incoming) => string | undefined;
}

/** Checks guard options; a wrong type is a programming mistake and throws `TypeError`. */
export function checkGuardOptions(options: GuardOptions<never>): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("guard options must be an object");
  }
  if (typeof options.service !== "string" || options.service === "") {
    throw new TypeError("guard option `service` must be a service id");
  }
  const port = options.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError("guard option `port` must be an integer from 1 to 65535");
  }
  if (typeof options.action !== "function") {
    throw new TypeError("guard option `action` must be a function");
  }
  const identity = options.transportIdentity;
  if (identity !== undefined && typeof identity !== "function") {
    throw new TypeError("guard option `transportIdentity` must be a function");
  }
}
