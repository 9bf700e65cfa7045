/**
 * Shared run settings for the property tests. Every property file imports this module first, so
 * all of them run with the same seed and scale.
 *
 * In CI the seed is fixed, so a failure reproduces exactly; fast-check names the seed and the
 * shrink path in the message of the error it throws, and vitest prints that message. For local
 * hunting, `test/hunt.mjs` sets `PALISADE_PROP_SEED` (a random seed) and `PALISADE_PROP_SCALE`
 * (a multiplier on every property's number of runs).
 */
import fc from "fast-check";

/** The seed used when `PALISADE_PROP_SEED` is not set. */
export const DEFAULT_SEED = 20261204;

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new TypeError(`\`${name}\` must be a number, got \`${raw}\``);
  return value;
}

/** The seed every property in this run starts from. */
export const SEED = Math.trunc(readNumber("PALISADE_PROP_SEED", DEFAULT_SEED));

/** How many times the base number of runs each property performs. */
export const SCALE = readNumber("PALISADE_PROP_SCALE", 1);

/** The number of runs for a property whose base count (at scale 1) is `base`. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * SCALE));
}

fc.configureGlobal({ seed: SEED, numRuns: runs(100) });
