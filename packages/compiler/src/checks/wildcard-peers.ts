import type { Diagnostic } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput } from "../policy-set.ts";

/**
 * `any` in an allow rule: it takes in every service, including services added later, which is
 * rarely what a reviewer reads. A deny rule with `any` narrows and is not noted.
 */
export function checkWildcardPeers({ set }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of set.services) {
    for (const rule of [...service.ingress, ...service.egress]) {
      if (rule.effect !== "allow") continue;
      for (const peer of rule.peers) {
        if (peer.kind !== "AnyPeer") continue;
        const what =
          rule.direction === "ingress"
            ? `admits every service to \`${service.id}\``
            : `lets \`${service.id}\` reach every service`;
        diagnostics.push(
          warning(
            "check/wildcard-peer",
            `\`any\` ${what}, including services added later`,
            peer.span,
            {
              help: "name the peers, unless every service is truly meant (as for name resolution)",
            },
          ),
        );
      }
    }
  }
  return diagnostics;
}
