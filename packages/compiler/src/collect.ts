import type { Diagnostic, PolicyFile, ServiceDecl, TrustBlock } from "@palisade/syntax";
import { error } from "./codes.ts";
import type { PolicySet } from "./policy-set.ts";
import { compareSpans, describePlace } from "./spans.ts";

/** The merged policy set and what merging found wrong. */
export interface CollectResult {
  readonly set: PolicySet;
  readonly diagnostics: Diagnostic[];
}

/**
 * Merges the files of a policy set. A service id defined more than once, or more than one trust
 * block, is an error. The definition that comes first by file name and position is the one
 * kept, so the outcome does not depend on the order the files were given in.
 */
export function collect(files: readonly PolicyFile[]): CollectResult {
  const diagnostics: Diagnostic[] = [];

  const declarations: ServiceDecl[] = files.flatMap((file) => file.services);
  declarations.sort((a, b) => compareSpans(a.idSpan, b.idSpan));
  const byId = new Map<string, ServiceDecl>();
  for (const service of declarations) {
    const first = byId.get(service.id);
    if (!first) {
      byId.set(service.id, service);
      continue;
    }
    diagnostics.push(
      error(
        "check/duplicate-service",
        `service \`${service.id}\` is defined twice: ` +
          `at ${describePlace(first.idSpan)} and at ${describePlace(service.idSpan)}`,
        service.idSpan,
        {
          help: "a service is defined in one place only; merge the two definitions",
          related: [{ message: `first definition of \`${service.id}\``, span: first.idSpan }],
        },
      ),
    );
  }

  const trustBlocks: TrustBlock[] = files.flatMap((file) => file.trust);
  trustBlocks.sort((a, b) => compareSpans(a.span, b.span));
  const [trust = null, ...extra] = trustBlocks;
  for (const block of extra) {
    if (!trust) break;
    diagnostics.push(
      error(
        "check/duplicate-trust",
        "more than one `trust` block in the policy set: " +
          `the first is at ${describePlace(trust.span)}`,
        block.span,
        {
          help: "a policy set has one trust block; keep one and delete the others",
          related: [{ message: "the first `trust` block", span: trust.span }],
        },
      ),
    );
  }

  const services = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { set: { services, byId, trust }, diagnostics };
}
