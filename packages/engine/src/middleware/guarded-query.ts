import type { RequestQuery } from "../query.ts";
import type { GuardOptions } from "./denial.ts";

/**
 * Builds the engine query for a guarded request. The caller's callbacks may throw or return
 * anything; what they give is passed on as it is, so a bad action or header becomes a
 * `request-malformed` deny in the engine rather than an exception here.
 */
export function readGuardedQuery<Incoming>(
  options: GuardOptions<Incoming>,
  request: Incoming,
  authorization: () => string | readonly string[] | null,
): RequestQuery {
  let action: unknown;
  let header: unknown;
  let identity: unknown;
  try {
    action = options.action(request);
    header = authorization();
    identity = options.transportIdentity?.(request);
  } catch {
    action = undefined;
  }
  return {
    destination: options.service,
    port: options.port,
    action: action as string,
    authorization: header as string | readonly string[] | null,
    ...(identity === undefined ? {} : { transportIdentity: identity as string }),
  };
}
