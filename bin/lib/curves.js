// Learning curves from log directories (progress.csv, as `train --log-dir`
// and Stable-Baselines3 write it): runs grouped into curves, each curve the
// mean over its runs (seeds) with a 95% percentile-bootstrap band of that
// mean (Efron & Tibshirani 1993), on a common grid of x values.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { usageError } from "./errors.js";

/** Columns `--x` may name. */
export const X_COLUMNS = { steps: "time/total_timesteps", time: "time/time_elapsed" };

/** A progress.csv as rows of named numbers (empty cells left out). */
export function readProgress(file) {
  const lines = readFileSync(file, "utf8").split(/\r?\n/).filter(Boolean);
  if (!lines.length) return [];
  const header = lines[0].split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    const row = {};
    header.forEach((h, i) => {
      if (cells[i] !== undefined && cells[i] !== "") row[h] = Number(cells[i]);
    });
    return row;
  });
}

/**
 * The runs under the given directories: a directory with progress.csv is a
 * run; otherwise each of its subdirectories with one is. A run's curve label
 * is "<algorithm> on <env>" from its config.json (so seeds of one setting
 * share a curve), else the name of the directory given.
 */
export function findRuns(dirs) {
  const runs = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`${dir} is not a directory`);
    const candidates = existsSync(join(dir, "progress.csv"))
      ? [dir]
      : readdirSync(dir).map((d) => join(dir, d)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, "progress.csv")));
    if (!candidates.length) throw usageError(`${dir} has no progress.csv (nor subdirectories with one)`);
    for (const run of candidates) {
      let label = basename(resolve(candidates.length === 1 && run === dir ? dirname(resolve(dir)) : dir));
      const config = join(run, "config.json");
      if (existsSync(config)) {
        try {
          const c = JSON.parse(readFileSync(config, "utf8"));
          if (c.algorithm && c.env) label = `${c.algorithm} on ${c.env}`;
        } catch {
          // not ours: keep the directory's name
        }
      }
      runs.push({ dir: run, label, rows: readProgress(join(run, "progress.csv")) });
    }
  }
  return runs;
}

/** (x, y) points of one run: rows having both columns, sorted by x. */
export function series(rows, xColumn, metric) {
  return rows
    .filter((r) => Number.isFinite(r[xColumn]) && Number.isFinite(r[metric]))
    .map((r) => [r[xColumn], r[metric]])
    .sort((a, b) => a[0] - b[0]);
}

/** y at x by linear interpolation between the points around it (x within the run's range). */
export function interpolate(points, x) {
  let lo = 0;
  let hi = points.length - 1;
  if (x <= points[0][0]) return points[0][1];
  if (x >= points[hi][0]) return points[hi][1];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= x) lo = mid;
    else hi = mid;
  }
  const [x0, y0] = points[lo];
  const [x1, y1] = points[hi];
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** A small seeded generator (mulberry32), so the same logs give the same band. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 2.5% and 97.5% percentiles of the mean of `values` over `resamples` bootstrap resamples. */
export function bootstrapBand(values, { resamples = 2000, seed = 1 } = {}) {
  const n = values.length;
  if (n === 1) return [values[0], values[0]];
  const rand = generator(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rand() * n)];
    means[b] = s / n;
  }
  means.sort();
  const at = (q) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return [at(0.025), at(0.975)];
}

/**
 * Curves: per label, on `points` x values spread over the range every run of
 * the label covers, the mean of the runs' interpolated y and its 95% band.
 */
export function curves(runs, { xColumn, metric, points = 100 }) {
  const groups = new Map();
  for (const run of runs) {
    const s = series(run.rows, xColumn, metric);
    if (!s.length) continue;
    if (!groups.has(run.label)) groups.set(run.label, []);
    groups.get(run.label).push(s);
  }
  const out = [];
  for (const [label, all] of groups) {
    const from = Math.max(...all.map((s) => s[0][0]));
    const to = Math.min(...all.map((s) => s.at(-1)[0]));
    const n = to > from ? points : 1;
    for (let i = 0; i < n; i++) {
      const x = n === 1 ? to : from + ((to - from) * i) / (n - 1);
      const ys = all.map((s) => interpolate(s, x));
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const [lo, hi] = bootstrapBand(ys, { seed: i + 1 });
      out.push({ label, runs: all.length, x, mean, lo, hi });
    }
  }
  return out;
}
