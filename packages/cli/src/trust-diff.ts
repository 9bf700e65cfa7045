import { canonicalJson, type Ir, type Trust } from "@palisade/ir";

/** One trust setting that differs between two policies. */
export interface TrustChange {
  readonly setting: string;
  readonly before: string;
  readonly after: string;
  /** True when the change makes more tokens acceptable. */
  readonly widens: boolean;
}

function keyList(trust: Trust): string[] {
  return trust.keys.kind === "url"
    ? [`url ${trust.keys.url}`]
    : trust.keys.keys.map((key) => canonicalJson(key));
}

function describeKeys(trust: Trust): string {
  return trust.keys.kind === "url"
    ? `url ${trust.keys.url}`
    : `embedded keys ${trust.keys.keys.map((key) => key.kid ?? key.kty).join(", ")}`;
}

/**
 * How the token trust settings changed from `before` to `after`, and whether each change widens
 * what is accepted: a trust block appearing, another issuer, more algorithms or keys, a longer
 * maximum age or clock skew, several audiences allowed.
 */
export function diffTrust(before: Ir, after: Ir): TrustChange[] {
  const old = before.trust;
  const next = after.trust;
  if (old === null && next === null) return [];
  if (old === null || next === null) {
    return [
      {
        setting: "trust",
        before: old === null ? "none" : `issuer ${old.issuer}`,
        after: next === null ? "none" : `issuer ${next.issuer}`,
        widens: old === null,
      },
    ];
  }

  const changes: TrustChange[] = [];
  if (old.issuer !== next.issuer) {
    changes.push({ setting: "issuer", before: old.issuer, after: next.issuer, widens: true });
  }
  const oldAlgorithms = new Set(old.algorithms);
  const nextAlgorithms = new Set(next.algorithms);
  if ([...oldAlgorithms].sort().join() !== [...nextAlgorithms].sort().join()) {
    changes.push({
      setting: "algorithms",
      before: old.algorithms.join(", "),
      after: next.algorithms.join(", "),
      widens: next.algorithms.some((algorithm) => !oldAlgorithms.has(algorithm)),
    });
  }
  const oldKeys = new Set(keyList(old));
  const nextKeys = keyList(next);
  if (oldKeys.size !== nextKeys.length || nextKeys.some((key) => !oldKeys.has(key))) {
    changes.push({
      setting: "keys",
      before: describeKeys(old),
      after: describeKeys(next),
      widens: nextKeys.some((key) => !oldKeys.has(key)),
    });
  }
  const numbers = [
    ["max token age", old.maxTokenAge, next.maxTokenAge],
    ["clock skew", old.clockSkew, next.clockSkew],
  ] as const;
  for (const [setting, was, is] of numbers) {
    if (was !== is) changes.push({ setting, before: `${was}s`, after: `${is}s`, widens: is > was });
  }
  if (old.multipleAudiences !== next.multipleAudiences) {
    changes.push({
      setting: "multiple audiences",
      before: String(old.multipleAudiences),
      after: String(next.multipleAudiences),
      widens: next.multipleAudiences,
    });
  }
  return changes;
}
