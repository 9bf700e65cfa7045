/**
 * Comments in DSL text. The canonical formatter prints the syntax tree, which holds no
 * comments, so `fmt` uses these to judge the layout of a commented file without rewriting it.
 */

/** The offset of the `#` that starts a comment on `line`, or -1 (a `#` in a string is text). */
function commentStart(line: string): number {
  let inString = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "#") {
      return index;
    }
  }
  return -1;
}

/** True when the text holds a comment anywhere. */
export function hasComments(text: string): boolean {
  return text.split("\n").some((line) => commentStart(line) !== -1);
}

/**
 * The text as the formatter would see its layout: comments removed (with the white space before
 * them), lines that held only a comment dropped, runs of blank lines collapsed to one, no blank
 * lines at the start or end, and one final line break.
 */
export function withoutComments(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    const start = commentStart(line);
    if (start === -1) {
      kept.push(line);
      continue;
    }
    const code = line.slice(0, start).trimEnd();
    if (code !== "") kept.push(code);
  }
  const collapsed = kept.filter(
    (line, index) => line.trim() !== "" || (kept[index - 1] ?? "").trim() !== "",
  );
  while (collapsed.length > 0 && (collapsed[0] ?? "").trim() === "") collapsed.shift();
  while (collapsed.length > 0 && (collapsed.at(-1) ?? "").trim() === "") collapsed.pop();
  return `${collapsed.join("\n")}\n`;
}
