import type { IncomingMessage, ServerResponse } from "node:http";
import { type Engine, guardedRequest } from "../engine.ts";
import { checkGuardOptions, denialFor, type GuardOptions } from "./denial.ts";
import { readGuardedQuery } from "./guarded-query.ts";

/**
 * Guards a `node:http` server, in the connect/express middleware shape: `next()` runs when the
 * request may proceed; otherwise the guard answers 401 or 403 itself. Every `Authorization`
 * header is read from `rawHeaders` (node keeps only one in `headers`), so a request with two is
 * refused instead of being judged by one of them. If `next` throws, the request is answered
 * with a bare 500. Throws `TypeError` for options of the wrong type.
 */
export function guardNode(
  engine: Engine,
  options: GuardOptions<IncomingMessage>,
): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
  checkGuardOptions(options);
  const decide = guardedRequest(engine);
  const { service } = options;

  return (request, response, next) => {
    const query = readGuardedQuery(options, request, () => authorizationValues(request));
    decide(service, query)
      .then((decision) => {
        if (decision.decision === "allow") {
          next();
          return;
        }
        if (response.headersSent) return;
        const denial = denialFor(decision);
        response.writeHead(denial.status, denial.headers);
        response.end(denial.body);
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      })
      .catch(() => {
        response.destroy();
      });
  };
}

/** Every `Authorization` value the client sent: null for none, a string for one, else all. */
function authorizationValues(request: IncomingMessage): string | readonly string[] | null {
  const raw = request.rawHeaders;
  const values: string[] = [];
  for (let at = 0; at + 1 < raw.length; at += 2) {
    if ((raw[at] as string).toLowerCase() === "authorization") values.push(raw[at + 1] as string);
  }
  if (values.length === 0) return null;
  return values.length === 1 ? (values[0] as string) : values;
}
