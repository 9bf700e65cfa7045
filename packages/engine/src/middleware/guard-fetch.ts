import { type Engine, guardedRequest } from "../engine.ts";
import { checkGuardOptions, denialFor, type GuardOptions } from "./denial.ts";
import { readGuardedQuery } from "./guarded-query.ts";

/**
 * Guards a fetch-style server (one that handles Web `Request` objects). The returned function
 * resolves to null when the request may proceed, or to the 401/403 `Response` to send. It
 * never rejects. Several `Authorization` headers reach it joined by commas, which the token
 * parser refuses. Throws `TypeError` for options of the wrong type.
 */
export function guardFetch(
  engine: Engine,
  options: GuardOptions<Request>,
): (request: Request) => Promise<Response | null> {
  checkGuardOptions(options);
  const decide = guardedRequest(engine);
  const { service } = options;

  return async (request) => {
    const query = readGuardedQuery(options, request, () => request.headers.get("authorization"));
    const decision = await decide(service, query);
    if (decision.decision === "allow") return null;
    const denial = denialFor(decision);
    return new Response(denial.body, { status: denial.status, headers: denial.headers });
  };
}
