import { dirname, isAbsolute, join } from "node:path";
import type { Jwk } from "@palisade/ir";
import type { Diagnostic, KeySource } from "@palisade/syntax";
import { keyFitsAlgorithm } from "./algorithms.ts";
import { error, warning } from "./codes.ts";

/** Members that only private or symmetric keys have. A policy must never carry them. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** Reads a file as UTF-8 text, or gives null when it cannot be read. */
export type ReadFile = (path: string) => string | null;

/** Where a keys file is looked for: relative paths start at the policy file's folder. */
export function keysFilePath(policyFile: string, path: string): string {
  return isAbsolute(path) ? path : join(dirname(policyFile), path);
}

/**
 * The public keys of a keys file that can verify at least one allowed algorithm, or null when
 * the file is unusable (reported). A file that cannot be read, is not a JWKS, carries private
 * key material, or holds no usable key is an error. A key that fits no allowed algorithm is
 * left out, with a warning.
 */
export function loadKeysFile(
  source: Extract<KeySource, { kind: "KeyFile" }>,
  algorithms: readonly string[],
  readFile: ReadFile,
  diagnostics: Diagnostic[],
): Jwk[] | null {
  const name = `\`${source.path}\``;
  const text = readSafely(readFile, keysFilePath(source.span.file, source.path));
  if (text === null) {
    diagnostics.push(
      error("check/keys-file-unreadable", `keys file ${name} cannot be read`, source.span, {
        help: "the path is relative to the folder of the policy file that names it",
      }),
    );
    return null;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    diagnostics.push(
      error("check/keys-not-jwks", `keys file ${name} is not valid JSON`, source.span, {
        help: 'a keys file is a JWKS: `{"keys": [...]}`',
      }),
    );
    return null;
  }
  const keys = jwksKeys(parsed);
  if (!keys) {
    diagnostics.push(
      error(
        "check/keys-not-jwks",
        `keys file ${name} is not a JWKS: it needs a \`keys\` array of key objects`,
        source.span,
      ),
    );
    return null;
  }

  for (const [index, key] of keys.entries()) {
    const member = PRIVATE_MEMBERS.find((m) => m in key);
    if (member) {
      diagnostics.push(
        error(
          "check/keys-private-material",
          `keys file ${name} holds private key material ` +
            `(\`${member}\` in ${describeKey(key, index)})`,
          source.span,
          { help: "give the compiler the public keys only; never ship a private key in a policy" },
        ),
      );
      return null;
    }
  }

  const usable: Jwk[] = [];
  for (const [index, key] of keys.entries()) {
    if (algorithms.some((algorithm) => keyFitsAlgorithm(key, algorithm))) {
      usable.push(key as Jwk);
    } else {
      diagnostics.push(
        warning(
          "check/key-unusable",
          `${describeKey(key, index)} of keys file ${name} ` +
            "fits none of the allowed algorithms and is left out",
          source.span,
        ),
      );
    }
  }
  if (usable.length === 0) {
    diagnostics.push(
      error(
        "check/keys-no-usable-key",
        `keys file ${name} has no public key usable with ` +
          algorithms.map((a) => `\`${a}\``).join(", "),
        source.span,
      ),
    );
    return null;
  }
  return usable;
}

/** A reader that throws, or returns something other than text, counts as "cannot be read". */
function readSafely(readFile: ReadFile, path: string): string | null {
  try {
    const text = readFile(path);
    return typeof text === "string" ? text : null;
  } catch {
    return null;
  }
}

function jwksKeys(value: unknown): Record<string, unknown>[] | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return null;
  const objects = keys.filter(
    (key): key is Record<string, unknown> =>
      typeof key === "object" && key !== null && !Array.isArray(key),
  );
  if (objects.length !== keys.length) return null;
  if (objects.some((key) => typeof key.kty !== "string")) return null;
  return objects;
}

function describeKey(key: Record<string, unknown>, index: number): string {
  return typeof key.kid === "string" ? `key \`${key.kid}\`` : `key number ${index + 1}`;
}
