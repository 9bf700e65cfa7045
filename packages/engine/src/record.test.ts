import { expect, test } from "vitest";
import { withoutSignature } from "./record.ts";

test.each([
  ["Bearer aaa.bbb.ccc", "Bearer aaa.bbb"],
  ["bearer aaa.bbb.", "bearer aaa.bbb"],
  ["Bearer aaa.bbb.ccc, Bearer ddd.eee.fff", "Bearer [redacted]"],
  ["Bearer   aaa.bbb.ccc", "Bearer [redacted]"],
  ["Basic dXNlcjpwdw==", "Basic [redacted]"],
  ["Bearer a.b.c.d.e", "Bearer [redacted]"],
  ["aaa.bbb.ccc", "[redacted]"],
  ["\u0000evil aaa.bbb.ccc", "[redacted] [redacted]"],
  ["", "[redacted]"],
])("%j is logged as %j", (value, logged) => {
  expect(withoutSignature(value)).toBe(logged);
});
