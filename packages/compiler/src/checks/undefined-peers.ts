import type { Diagnostic } from "@palisade/syntax";
import { warning } from "../codes.ts";
import type { CheckInput } from "../policy-set.ts";
import { closestName } from "../suggest.ts";

/** Near-miss suggestions are looked for at most this many distinct names (each scans all ids). */
const MAX_SUGGESTED_NAMES = 64;

/**
 * Peers that no file of the set defines. Such a policy still compiles (one service's policy is
 * often checked alone), but the connection needs the peer's own side too, which allows nothing
 * until the peer is defined. An `except` naming an unknown id is noted as well: it is most
 * likely a typo, and a misspelt exception excludes nothing.
 */
export function checkUndefinedPeers({ set }: CheckInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const suggestions = new Map<string, string | null>();
  const suggest = (name: string): { help?: string } => {
    if (!suggestions.has(name)) {
      const canLook = suggestions.size < MAX_SUGGESTED_NAMES;
      suggestions.set(name, canLook ? closestName(name, set.byId.keys()) : null);
    }
    const close = suggestions.get(name);
    return close ? { help: `did you mean \`${close}\`?` } : {};
  };

  for (const service of set.services) {
    for (const rule of [...service.ingress, ...service.egress]) {
      const otherSide = rule.direction === "ingress" ? "egress" : "ingress";
      for (const peer of rule.peers) {
        if (peer.kind === "AnyPeer") {
          for (const id of peer.except) {
            if (set.byId.has(id.value)) continue;
            diagnostics.push(
              warning(
                "check/undefined-except",
                `\`${id.value}\` in \`except\` is not defined in this policy set, ` +
                  "so it excludes no defined service",
                id.span,
                suggest(id.value),
              ),
            );
          }
          continue;
        }
        if (set.byId.has(peer.id)) continue;
        diagnostics.push(
          warning(
            "check/undefined-peer",
            `\`${peer.id}\` is not defined in this policy set; ` +
              `its ${otherSide} allows nothing until it is defined`,
            peer.span,
            suggest(peer.id),
          ),
        );
      }
    }
  }
  return diagnostics;
}
