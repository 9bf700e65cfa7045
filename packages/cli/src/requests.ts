import { InputError } from "./exit-codes.ts";

/**
 * Reads the requests of a request file: one JSON object, a JSON array of them, or JSON lines
 * (one object per line; blank lines are skipped). The requests are returned as parsed, without
 * checking their shape: the engine answers a malformed one with a `request-malformed` deny.
 * Text that is not JSON in any of these forms is unreadable input.
 */
export function parseRequests(text: string, name: string): unknown[] {
  if (text.trim() === "") throw new InputError(`\`${name}\` holds no requests`);

  let whole: unknown;
  let wholeError: string | null = null;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error instanceof Error ? error.message : String(error);
  }
  if (wholeError === null) return Array.isArray(whole) ? whole : [whole];

  // JSON lines, unless the first line is not JSON on its own: then the text was meant as one
  // document, and the whole-text error says where it breaks.
  const requests: unknown[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      requests.push(JSON.parse(line));
    } catch (error) {
      if (requests.length === 0) {
        throw new InputError(`\`${name}\` is not valid JSON: ${wholeError}`);
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new InputError(`${name}:${index + 1}: not valid JSON: ${reason}`);
    }
  }
  return requests;
}
