import type { Diagnostic } from "@palisade/syntax";
import { error } from "../codes.ts";
import type { CheckInput } from "../policy-set.ts";

/**
 * `scopes` on a deny rule. A deny applies to every action of the peers it names, so scopes there
 * would read as "deny only these actions" while denying all of them; the rule is refused rather
 * than left to mean something other than it says.
 */
export function checkDenyScopes({ set }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of set.services) {
    for (const rule of service.ingress) {
      const first = rule.scopes?.[0];
      if (rule.effect !== "deny" || first === undefined) continue;
      diagnostics.push(
        error(
          "check/deny-with-scopes",
          "a `deny` rule cannot list scopes: it denies every action of the peers it names",
          first.span,
          {
            help:
              "remove the scopes to deny the peer outright, " +
              "or list only the permitted scopes on the allow rule",
          },
        ),
      );
    }
  }
  return diagnostics;
}
