/**
 * Times as people write them on the command line and in test files: ISO 8601 instants, seconds
 * since the epoch, and offsets from now such as `-30s` or `+4m`.
 */

const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/;
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
const EPOCH_SECONDS = /^\d{1,12}(?:\.\d{1,3})?$/;
const OFFSET = /^([+-])(\d{1,9})(s|m|h|d)$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** The outcome of reading a time: milliseconds since the epoch, or why the text is not one. */
export type TimeResult = { ok: true; ms: number } | { ok: false; message: string };

/**
 * Reads an instant: ISO 8601 (`2026-11-20T12:00:00Z`; a date and time needs a zone, since a
 * local time would mean different instants on different machines) or seconds since the epoch.
 */
export function parseInstant(text: string): TimeResult {
  const value = text.trim();
  if (EPOCH_SECONDS.test(value)) return { ok: true, ms: Math.round(Number(value) * 1000) };
  if (ISO_WITHOUT_ZONE.test(value)) {
    return {
      ok: false,
      message: `\`${text}\` has no time zone; add \`Z\` for UTC or an offset such as \`+01:00\``,
    };
  }
  if (ISO_INSTANT.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return { ok: true, ms };
  }
  return {
    ok: false,
    message:
      `\`${text}\` is not a time; write ISO 8601 such as \`2026-11-20T12:00:00Z\` ` +
      "or seconds since the epoch",
  };
}

/** Seconds of an offset such as `-30s`, `+4m`, `+1h`, `-2d`, or null when `text` is not one. */
export function parseOffset(text: string): number | null {
  const match = OFFSET.exec(text.trim());
  if (match === null) return null;
  const [, sign, amount, unit] = match;
  const seconds = Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 1);
  return sign === "-" ? -seconds : seconds;
}

/**
 * A token time claim (`iat`, `exp`, `nbf`) in seconds since the epoch: an offset from `nowMs`
 * (`-30s`), an ISO 8601 instant, or a number taken as epoch seconds unchanged.
 */
export function claimTime(
  value: string | number,
  nowMs: number,
): { ok: true; seconds: number } | { ok: false; message: string } {
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? { ok: true, seconds: value }
      : { ok: false, message: "a time claim must be a finite number" };
  }
  const offset = parseOffset(value);
  if (offset !== null) return { ok: true, seconds: Math.floor(nowMs / 1000) + offset };
  const instant = parseInstant(value);
  if (instant.ok) return { ok: true, seconds: Math.floor(instant.ms / 1000) };
  return {
    ok: false,
    message:
      `\`${value}\` is not a time; write an offset such as \`-30s\` or \`+4m\`, ` +
      "an ISO 8601 instant, or epoch seconds",
  };
}

/** A duration in seconds as people read it: `45s`, `4m`, `4m 30s`, `2h`. */
export function formatSeconds(seconds: number): string {
  const whole = Math.abs(Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) {
    const rest = whole % 60;
    return rest === 0 ? `${whole / 60}m` : `${Math.floor(whole / 60)}m ${rest}s`;
  }
  const minutes = Math.floor((whole % 3600) / 60);
  return minutes === 0
    ? `${Math.floor(whole / 3600)}h`
    : `${Math.floor(whole / 3600)}h ${minutes}m`;
}
