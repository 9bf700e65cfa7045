import { describe, expect, it } from "vitest";
import { parseRequests } from "./requests.ts";

describe("parseRequests", () => {
  it("reads one object, an array, and JSON lines with blank lines", () => {
    expect(parseRequests('{"a":1}', "r")).toEqual([{ a: 1 }]);
    expect(parseRequests('[{"a":1},{"a":2}]', "r")).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseRequests('{"a":1}\n\n{"a":2}\n', "r")).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("keeps a pretty-printed object whole", () => {
    expect(parseRequests('{\n  "a": 1\n}\n', "r")).toEqual([{ a: 1 }]);
  });

  it("names the line of a broken JSON line", () => {
    expect(() => parseRequests('{"a":1}\n{"a":\n', "reqs.jsonl")).toThrow(
      /^reqs\.jsonl:2: not valid JSON: /,
    );
  });

  it("refuses text that is not JSON, and an empty file", () => {
    expect(() => parseRequests("hello", "r")).toThrow(/^`r` is not valid JSON: /);
    expect(() => parseRequests(" \n", "r")).toThrow("`r` holds no requests");
  });
});
