import { describe, expect, it } from "vitest";
import { claimTime, formatSeconds, parseInstant, parseOffset } from "./time.ts";

describe("parseInstant", () => {
  it("reads ISO 8601 with a zone and epoch seconds", () => {
    expect(parseInstant("2026-11-20T12:00:00Z")).toEqual({ ok: true, ms: 1_795_176_000_000 });
    expect(parseInstant("2026-11-20T13:00:00+01:00")).toEqual({ ok: true, ms: 1_795_176_000_000 });
    expect(parseInstant("1795176000")).toEqual({ ok: true, ms: 1_795_176_000_000 });
    expect(parseInstant("2026-11-20")).toEqual({ ok: true, ms: 1_795_132_800_000 });
  });

  it("refuses a local time without a zone and text that is no time", () => {
    const local = parseInstant("2026-11-20T12:00:00");
    expect(local.ok).toBe(false);
    expect(!local.ok && local.message).toBe(
      "`2026-11-20T12:00:00` has no time zone; add `Z` for UTC or an offset such as `+01:00`",
    );
    expect(parseInstant("tomorrow").ok).toBe(false);
    expect(parseInstant("2026-13-45T99:00:00Z").ok).toBe(false);
  });
});

describe("parseOffset and claimTime", () => {
  it("reads signed offsets in seconds, minutes, hours and days", () => {
    expect(parseOffset("-30s")).toBe(-30);
    expect(parseOffset("+4m")).toBe(240);
    expect(parseOffset("+1h")).toBe(3600);
    expect(parseOffset("-2d")).toBe(-172_800);
    expect(parseOffset("30s")).toBeNull();
  });

  it("turns claims into epoch seconds relative to now", () => {
    const now = 1_795_176_000_500;
    expect(claimTime("-30s", now)).toEqual({ ok: true, seconds: 1_795_175_970 });
    expect(claimTime("2026-11-20T12:01:00Z", now)).toEqual({ ok: true, seconds: 1_795_176_060 });
    expect(claimTime(42, now)).toEqual({ ok: true, seconds: 42 });
    expect(claimTime("soon", now).ok).toBe(false);
  });
});

describe("formatSeconds", () => {
  it("prints durations compactly", () => {
    expect(formatSeconds(45)).toBe("45s");
    expect(formatSeconds(240)).toBe("4m");
    expect(formatSeconds(270)).toBe("4m 30s");
    expect(formatSeconds(7260)).toBe("2h 1m");
  });
});
