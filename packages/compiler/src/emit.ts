import { computeHash, IR_FORMAT, type Ir, type Rule, type Service, type Trust } from "@palisade/ir";
import type { RuleDraft, ServiceDraft } from "./policy-set.ts";
import { compareSpans, toSourceSpan } from "./spans.ts";

/**
 * Writes the IR. Services come sorted by id (the drafts already are); each side's rules are
 * sorted by what they mean (effect, peers, ports, protocols, scopes, condition), ties broken by
 * where they were written, and numbered in that order (`orders/ingress/0`, ...). So neither the
 * order of files nor the order of rules changes the hash, and only positions change the bytes.
 */
export function emit(services: readonly ServiceDraft[], trust: Trust | null): Ir {
  const body = {
    format: IR_FORMAT,
    trust,
    services: services.map(emitService),
  } as const;
  return { format: body.format, hash: computeHash(body), trust, services: body.services };
}

function emitService(service: ServiceDraft): Service {
  return {
    id: service.decl.id,
    ingress: emitSide(service.ingress, `${service.decl.id}/ingress`),
    egress: emitSide(service.egress, `${service.decl.id}/egress`),
    span: toSourceSpan(service.decl.span),
  };
}

function emitSide(drafts: readonly RuleDraft[], prefix: string): Rule[] {
  // One rule needs no sorting, and most sides are short: skip the keys then.
  const keyed = drafts.map((draft) => ({ draft, key: drafts.length > 1 ? meaningKey(draft) : "" }));
  keyed.sort(
    (a, b) =>
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      compareSpans(a.draft.source.span, b.draft.source.span),
  );
  return keyed.map(({ draft }, index) => ({
    id: `${prefix}/${index}`,
    effect: draft.effect,
    peers:
      draft.peers.kind === "any"
        ? { kind: "any", except: [...draft.peers.except] }
        : { kind: "services", ids: [...draft.peers.ids] },
    ports: draft.ports.map(([from, to]) => [from, to]),
    protocols: [...draft.protocols],
    scopes: draft.scopes === null ? null : [...draft.scopes],
    when: draft.when,
    span: toSourceSpan(draft.source.span),
  }));
}

/**
 * A string that orders rules by meaning alone. Built by hand because it runs once per rule:
 * ids cannot hold `,` or `|`, so joining them is unambiguous; scopes can, so they are quoted;
 * conditions are rare and built by the compiler in one key order, so their JSON is exact.
 */
function meaningKey(draft: RuleDraft): string {
  const peers = draft.peers.kind === "any" ? draft.peers.except : draft.peers.ids;
  let ports = "";
  for (const [from, to] of draft.ports) ports += `${from}-${to},`;
  const scopes = draft.scopes === null ? "" : JSON.stringify(draft.scopes);
  const when = draft.when === null ? "" : JSON.stringify(draft.when);
  const protocols = draft.protocols.join(",");
  const head = `${draft.effect}|${draft.peers.kind}|${peers.join(",")}`;
  return `${head}|${ports}|${protocols}|${scopes}|${when}`;
}
