// `mirror-rl plot <log-dir...>`: learning curves from progress.csv files as
// an SVG: per setting (config.json's algorithm and environment), the mean over
// seeds and its 95% bootstrap band. Rendered in Node by Vega-Lite + Vega
// (headless SVG), imported only here: they are optional peer dependencies of
// the package (and devDependencies of the repository), so installing
// mirror-rl does not bring their ~24 MB unless you want plots.
import { writeFileSync } from "node:fs";
import { bold, dim } from "../lib/format.js";
import { X_COLUMNS, curves, findRuns } from "../lib/curves.js";
import { number } from "../lib/parse.js";

export const summary = "plot learning curves (mean and 95% bootstrap band over seeds) as SVG";
export const needsPackage = false;

export const args = [["<log-dir...>", "directories written by `train --log-dir` (or SB3), or folders of them"]];

export const options = {
  output: { type: "string", short: "o", value: "file", default: "curves.svg", description: "the SVG file to write" },
  x: { type: "string", value: "axis", default: "steps", choices: Object.keys(X_COLUMNS), description: "x axis: environment steps or seconds" },
  metric: { type: "string", value: "column", default: "rollout/ep_rew_mean", description: "the progress.csv column to plot (e.g. eval/mean_reward)" },
  points: { type: "string", value: "n", default: "100", description: "x values per curve" },
  title: { type: "string", value: "text", description: "the chart's title" },
  json: { type: "boolean", description: "print the curves' numbers as JSON too" },
};

/** Vega and Vega-Lite, or a message saying how to install them. */
async function loadVega() {
  try {
    const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
    return { vega, vl };
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error("plot needs Vega and Vega-Lite, optional peer dependencies: npm install vega vega-lite");
  }
}

/** The Vega-Lite spec: a band (area) and a line per curve. */
export function chartSpec(data, { xTitle, metric, title }) {
  const x = { field: "x", type: "quantitative", title: xTitle };
  const color = { field: "label", type: "nominal", title: null };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: title ?? metric,
    width: 640,
    height: 360,
    data: { values: data },
    layer: [
      { mark: { type: "area", opacity: 0.2 }, encoding: { x, y: { field: "lo", type: "quantitative", title: metric }, y2: { field: "hi" }, color } },
      { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "mean", type: "quantitative" }, color } },
    ],
  };
}

export async function run(_lib, o, [dirs]) {
  const points = number("points", o.points, { integer: true, min: 2, max: 10_000 });
  const runs = findRuns(dirs);
  const xColumn = X_COLUMNS[o.x];
  const data = curves(runs, { xColumn, metric: o.metric, points });
  if (!data.length) {
    const columns = [...new Set(runs.flatMap((r) => r.rows.flatMap((row) => Object.keys(row))))].sort();
    throw Object.assign(new Error(`no run has both ${xColumn} and ${o.metric} (columns: ${columns.join(", ")})`), { usage: true });
  }
  const { vega, vl } = await loadVega();
  const xTitle = o.x === "steps" ? "environment steps" : "seconds";
  const spec = vl.compile(chartSpec(data, { xTitle, metric: o.metric, title: o.title })).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(o.output, svg);
  const labels = [...new Set(data.map((d) => d.label))];
  if (o.json) console.log(JSON.stringify({ output: o.output, metric: o.metric, x: xColumn, curves: labels.map((label) => ({ label, points: data.filter((d) => d.label === label) })) }, null, 2));
  else {
    console.log(`${bold("wrote")} ${o.output} ${dim(`(${o.metric} against ${xTitle})`)}`);
    for (const label of labels) {
      const last = data.filter((d) => d.label === label).at(-1);
      console.log(`  ${label}: ${last.runs} run${last.runs === 1 ? "" : "s"}, final mean ${last.mean.toPrecision(4)} [${last.lo.toPrecision(4)}, ${last.hi.toPrecision(4)}]`);
    }
  }
  return 0;
}
