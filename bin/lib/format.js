// Terminal output for the command line: a little colour when it is a
// terminal (and NO_COLOR is unset), aligned tables and grids.

const useColour = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const paint = (code) => (text) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : String(text));

export const bold = paint("1");
export const dim = paint("2");
export const green = paint("32");
export const cyan = paint("36");
export const red = paint("31");

// eslint-disable-next-line no-control-regex
const visible = (text) => String(text).replace(/\x1b\[[0-9;]*m/g, "").length;
const padEnd = (text, width) => text + " ".repeat(Math.max(0, width - visible(text)));
const padStart = (text, width) => " ".repeat(Math.max(0, width - visible(text))) + text;

/** Milliseconds with a sensible number of digits ("0.42 ms", "12.3 ms", "1.25 s"). */
export function duration(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/**
 * An aligned table: `columns` = [{ title, align: "left" | "right" }], rows of
 * cells (strings). Returns the lines, indented by `indent`.
 */
export function table(columns, rows, indent = "  ") {
  const widths = columns.map((c, i) => Math.max(visible(c.title), ...rows.map((r) => visible(r[i] ?? ""))));
  const line = (cells, style = (x) => x) =>
    indent +
    cells
      .map((cell, i) => (columns[i].align === "left" ? padEnd(style(cell), widths[i]) : padStart(style(cell), widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.title), dim), ...rows.map((r) => line(r))];
}

/** Places blocks of lines side by side with `gap` spaces between them. */
export function sideBySide(blocks, gap = 4) {
  const heights = Math.max(...blocks.map((b) => b.length));
  const widths = blocks.map((b) => Math.max(0, ...b.map(visible)));
  const out = [];
  for (let i = 0; i < heights; i++) {
    out.push(blocks.map((b, j) => padEnd(b[i] ?? "", j === blocks.length - 1 ? 0 : widths[j])).join(" ".repeat(gap)).trimEnd());
  }
  return out;
}
