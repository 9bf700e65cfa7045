import { describe, expect, it } from "vitest";
import {
  coversRanges,
  formatRanges,
  intersectRanges,
  normalizeRanges,
  rangesOverlap,
  subtractRanges,
} from "./port-ranges.ts";

describe("port ranges", () => {
  it("sorts and merges overlapping and touching ranges", () => {
    expect(
      normalizeRanges([
        [9000, 9000],
        [80, 80],
        [8000, 8010],
        [8011, 8020],
        [8005, 8006],
        [81, 81],
      ]),
    ).toEqual([
      [80, 81],
      [8000, 8020],
      [9000, 9000],
    ]);
  });

  it("intersects", () => {
    expect(
      intersectRanges(
        [
          [1, 10],
          [20, 30],
        ],
        [
          [5, 25],
          [30, 40],
        ],
      ),
    ).toEqual([
      [5, 10],
      [20, 25],
      [30, 30],
    ]);
  });

  it("subtracts, splitting a range around a hole", () => {
    expect(subtractRanges([[1, 65535]], [[443, 443]])).toEqual([
      [1, 442],
      [444, 65535],
    ]);
    expect(
      subtractRanges(
        [
          [8000, 8010],
          [9000, 9000],
        ],
        [
          [7000, 8002],
          [8004, 8004],
          [9000, 9100],
        ],
      ),
    ).toEqual([
      [8003, 8003],
      [8005, 8010],
    ]);
    expect(subtractRanges([[5, 5]], [[5, 5]])).toEqual([]);
  });

  it("tells cover and overlap apart", () => {
    expect(coversRanges([[1, 100]], [[50, 60]])).toBe(true);
    expect(
      coversRanges(
        [
          [1, 10],
          [12, 20],
        ],
        [[5, 15]],
      ),
    ).toBe(false);
    expect(coversRanges([[1, 10]], [])).toBe(true);
    expect(rangesOverlap([[1, 10]], [[10, 20]])).toBe(true);
    expect(rangesOverlap([[1, 9]], [[10, 20]])).toBe(false);
  });

  it("formats the way the DSL writes ports", () => {
    expect(
      formatRanges([
        [53, 53],
        [8000, 8010],
      ]),
    ).toBe("53, 8000..8010");
  });
});
