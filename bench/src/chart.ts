import type { ResultRow } from "./results.ts";

const COLOURS: Record<string, string> = {
  "map floor": "#6b7280",
  "cedar-wasm": "#d97706",
  casbin: "#2563eb",
  "jose jwtVerify": "#7c3aed",
  "node:crypto": "#059669",
};

const WIDTH = 900;
const LABEL_WIDTH = 250;
const RIGHT_MARGIN = 90;
const BAR_HEIGHT = 14;
const BAR_GAP = 4;
const GROUP_GAP = 16;
const TOP = 56;

/**
 * A horizontal bar chart of every peer's time relative to Palisade's, one group per scenario, on a
 * logarithmic axis (the ratios span from below 1 to above 10 000). The line at 1 is Palisade:
 * bars to its right are slower than Palisade, bars to its left faster.
 */
export function ratioChart(rows: readonly ResultRow[], subtitle: string): string {
  const peers = rows.filter((row) => row.contender !== "palisade" && Number.isFinite(row.ratio));
  const groups = new Map<string, ResultRow[]>();
  for (const row of peers) {
    const key = `${row.scenario}, ${row.services} services`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const ratios = peers.map((row) => row.ratio);
  const lowExponent = Math.floor(Math.log10(Math.min(0.1, ...ratios)));
  const highExponent = Math.ceil(Math.log10(Math.max(10, ...ratios)));
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
  const x = (ratio: number): number =>
    LABEL_WIDTH + ((Math.log10(ratio) - lowExponent) / (highExponent - lowExponent)) * plotWidth;

  const parts: string[] = [];
  let y = TOP;
  for (const [label, group] of groups) {
    const height = group.length * (BAR_HEIGHT + BAR_GAP);
    parts.push(text(LABEL_WIDTH - 8, y + height / 2 + 4, label, "end", 12));
    for (const row of group) {
      const left = x(Math.min(1, row.ratio));
      const right = x(Math.max(1, row.ratio));
      const colour = COLOURS[row.contender] ?? "#111827";
      parts.push(
        `<rect x="${left.toFixed(1)}" y="${y}" width="${Math.max(1, right - left).toFixed(1)}" ` +
          `height="${BAR_HEIGHT}" fill="${colour}"><title>${escapeXml(row.contender)}: ` +
          `${formatRatio(row.ratio)} palisade</title></rect>`,
      );
      parts.push(
        text(
          right + 4,
          y + BAR_HEIGHT - 3,
          `${row.contender} ${formatRatio(row.ratio)}`,
          "start",
          10,
        ),
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const bottom = y;

  const axis: string[] = [];
  for (let exponent = lowExponent; exponent <= highExponent; exponent++) {
    const at = x(10 ** exponent);
    axis.push(
      `<line x1="${at.toFixed(1)}" y1="${TOP - 6}" x2="${at.toFixed(1)}" y2="${bottom}" ` +
        `stroke="${exponent === 0 ? "#111827" : "#e5e7eb"}" stroke-width="${exponent === 0 ? 2 : 1}"/>`,
    );
    axis.push(text(at, bottom + 16, `${formatRatio(10 ** exponent)}`, "middle", 11));
  }
  const height = bottom + 44;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(16, 22, "Time per decision relative to Palisade (log scale; 1 = Palisade)", "start", 15),
    text(16, 40, subtitle, "start", 11),
    ...axis,
    ...parts,
    text(
      LABEL_WIDTH + plotWidth / 2,
      bottom + 34,
      "left of the line: faster than Palisade; right: slower",
      "middle",
      11,
    ),
    "</svg>",
    "",
  ].join("\n");
}

/** A ratio as people read it: `0.31x`, `4.2x`, `1 250x`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "n/a";
  if (ratio < 10) return `${ratio.toPrecision(2)}x`;
  return `${Math.round(ratio).toLocaleString("en-US").replaceAll(",", " ")}x`;
}

function text(x: number, y: number, content: string, anchor: string, size: number): string {
  return (
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" ` +
    `text-anchor="${anchor}" fill="#111827">${escapeXml(content)}</text>`
  );
}

function escapeXml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
