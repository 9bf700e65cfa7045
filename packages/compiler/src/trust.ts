import type { Jwk, KeySource, Trust } from "@palisade/ir";
import type { Diagnostic, Located, TrustBlock } from "@palisade/syntax";
import { ALGORITHMS, isAlgorithm, keyFitsAlgorithm } from "./algorithms.ts";
import { error, warning } from "./codes.ts";
import { loadKeysFile, type ReadFile } from "./keys.ts";
import type { PolicySet } from "./policy-set.ts";
import { toSourceSpan } from "./spans.ts";
import { didYouMean } from "./suggest.ts";

/** The IR's trust settings (null without a trust block), and what checking them found. */
export interface TrustResult {
  readonly trust: Trust | null;
  readonly diagnostics: Diagnostic[];
}

/** The longest token age a policy may allow, in seconds: five minutes. */
export const MAX_TOKEN_AGE_LIMIT = 300;
const DEFAULT_CLOCK_SKEW = 30;

/**
 * Checks the trust block and applies its defaults (max age 300 s, clock skew 30 s, one audience).
 * Reads and checks the keys file; a trust block without any key source compiles, with a warning,
 * into an empty key set that refuses every token.
 */
export function compileTrust(set: PolicySet, readFile: ReadFile): TrustResult {
  const diagnostics: Diagnostic[] = [];
  const block = set.trust;
  if (!block) return { trust: null, diagnostics };

  const issuer = block.issuer?.value ?? "";
  if (issuer === "") {
    diagnostics.push(
      error("check/missing-issuer", "this `trust` block names no issuer", block.span, {
        help: 'add `issuer "https://..."`: only tokens from that issuer are accepted',
      }),
    );
  }

  const algorithms = checkAlgorithms(block, diagnostics);
  const maxTokenAge = checkMaxAge(block, diagnostics);
  const clockSkew = checkClockSkew(block, maxTokenAge, diagnostics);
  const keys = keySource(block, algorithms, readFile, diagnostics);

  const trust: Trust = {
    issuer,
    algorithms: algorithms.map((a) => a.value),
    keys,
    maxTokenAge: maxTokenAge ?? MAX_TOKEN_AGE_LIMIT,
    clockSkew: clockSkew ?? DEFAULT_CLOCK_SKEW,
    multipleAudiences: block.multipleAudiences?.value ?? false,
    span: toSourceSpan(block.span),
  };
  return { trust, diagnostics };
}

/** The valid algorithm names, sorted and without repeats; the others are reported. */
function checkAlgorithms(block: TrustBlock, diagnostics: Diagnostic[]): Located<string>[] {
  if (!block.algorithms || block.algorithms.length === 0) {
    diagnostics.push(
      error("check/missing-algorithms", "this `trust` block allows no algorithms", block.span, {
        help: "list the signature algorithms your issuer uses, such as `algorithms RS256`",
      }),
    );
    return [];
  }

  const valid = new Map<string, Located<string>>();
  for (const algorithm of block.algorithms) {
    const name = algorithm.value;
    if (name.toLowerCase() === "none") {
      diagnostics.push(
        error(
          "check/algorithm-none",
          `algorithm \`${name}\` is never allowed: it accepts unsigned tokens`,
          algorithm.span,
          { help: "list a signature algorithm, such as `RS256` or `ES256`" },
        ),
      );
    } else if (!isAlgorithm(name)) {
      const caseMatch = ALGORITHMS.find((known) => known.toLowerCase() === name.toLowerCase());
      diagnostics.push(
        error("check/unknown-algorithm", `unknown algorithm \`${name}\``, algorithm.span, {
          help: caseMatch
            ? `did you mean \`${caseMatch}\`?`
            : (didYouMean(name, ALGORITHMS).help ?? `the algorithms are ${ALGORITHMS.join(", ")}`),
        }),
      );
    } else if (!valid.has(name)) {
      valid.set(name, algorithm);
    }
  }
  return [...valid.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The max token age in seconds, or null when it is invalid (reported). */
function checkMaxAge(block: TrustBlock, diagnostics: Diagnostic[]): number | null {
  const written = block.maxTokenAge;
  if (!written) return MAX_TOKEN_AGE_LIMIT;
  if (!durationValid(written, "max-age", diagnostics)) return null;
  if (written.value > MAX_TOKEN_AGE_LIMIT) {
    diagnostics.push(
      error(
        "check/max-age-too-long",
        `max token age of ${written.value} s is above the limit of ${MAX_TOKEN_AGE_LIMIT} s`,
        written.span,
        { help: "service tokens live five minutes at most: write `max-age 5m` or less" },
      ),
    );
    return null;
  }
  if (written.value === 0) {
    diagnostics.push(
      error("check/max-age-too-short", "max token age of 0 s refuses every token", written.span),
    );
    return null;
  }
  return written.value;
}

/** The clock skew in seconds, or null when it is invalid (reported). */
function checkClockSkew(
  block: TrustBlock,
  maxTokenAge: number | null,
  diagnostics: Diagnostic[],
): number | null {
  const written = block.clockSkew;
  if (written && !durationValid(written, "clock-skew", diagnostics)) return null;
  const skew = written?.value ?? DEFAULT_CLOCK_SKEW;
  if (maxTokenAge !== null && skew >= maxTokenAge) {
    diagnostics.push(
      error(
        "check/clock-skew-too-large",
        "clock skew must be smaller than the max token age " +
          `(${skew} s is not below ${maxTokenAge} s)`,
        written?.span ?? block.maxTokenAge?.span ?? block.span,
      ),
    );
    return null;
  }
  return skew;
}

function durationValid(written: Located<number>, name: string, diagnostics: Diagnostic[]): boolean {
  if (Number.isInteger(written.value) && written.value >= 0) return true;
  diagnostics.push(
    error(
      "check/invalid-duration",
      `\`${name}\` must be a whole number of seconds or minutes, not ${written.value}`,
      written.span,
    ),
  );
  return false;
}

function keySource(
  block: TrustBlock,
  algorithms: readonly Located<string>[],
  readFile: ReadFile,
  diagnostics: Diagnostic[],
): KeySource {
  const source = block.keys;
  if (!source) {
    diagnostics.push(
      warning(
        "check/no-key-source",
        "this `trust` block gives no keys, so every token will be refused",
        block.span,
        { help: 'add `keys "jwks.json"` or `keys url "https://..."`' },
      ),
    );
    return { kind: "jwks", keys: [] };
  }

  if (source.kind === "KeyUrl") {
    let url: URL | null = null;
    try {
      url = new URL(source.url);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      diagnostics.push(
        error(
          "check/keys-url-invalid",
          `keys url \`${source.url}\` is not an http(s) URL`,
          source.span,
        ),
      );
    } else if (url.protocol === "http:") {
      diagnostics.push(
        warning(
          "check/keys-url-insecure",
          `keys url \`${source.url}\` is fetched without TLS, ` +
            "so anyone on the path can swap the keys",
          source.span,
          { help: "use an `https:` URL" },
        ),
      );
    }
    return { kind: "url", url: source.url };
  }

  if (algorithms.length === 0) return { kind: "jwks", keys: [] };
  const names = algorithms.map((a) => a.value);
  const keys: Jwk[] = loadKeysFile(source, names, readFile, diagnostics) ?? [];
  if (keys.length > 0) {
    for (const algorithm of algorithms) {
      if (keys.some((key) => keyFitsAlgorithm(key, algorithm.value))) continue;
      diagnostics.push(
        warning(
          "check/algorithm-without-key",
          `no key in \`${source.path}\` can verify \`${algorithm.value}\`, ` +
            "so tokens signed with it will be refused",
          algorithm.span,
        ),
      );
    }
  }
  return { kind: "jwks", keys };
}
