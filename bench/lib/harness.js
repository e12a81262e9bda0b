// Shared benchmark plumbing: timing through benny (benchmark.js underneath),
// the machine description, and our own result files (JSON + a markdown table)
// in bench/results/. Benchmarks run the BUILT package (dist/ + build/), the
// code users get.
import b from "benny";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RESULTS = join(ROOT, "bench", "results");

/** True when `npm run bench -- --quick` asked for short timings (smoke runs). */
export const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/**
 * Imports `dist/<path>` (e.g. "index.js"); undefined when the file is not
 * built or does not load (a module mid-development), with a warning then.
 */
export async function dist(path) {
  const file = join(ROOT, "dist", path);
  if (!existsSync(file)) return undefined;
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    console.warn(`bench: dist/${path} does not load: ${error?.message ?? error}`);
    return undefined;
  }
}

/** The package root (`dist/index.js`) merged over a few internal modules, for what exists today. */
export async function library() {
  const parts = await Promise.all(
    [
      "core/wasm.js",
      "core/arena.js",
      "core/rng.js",
      "mdp/index.js",
      "policy/index.js",
      "evaluation/index.js",
      "planning/index.js",
      "index.js",
    ].map((p) => dist(p)),
  );
  if (!parts[0]) throw new Error("bench: dist/ is not built: run `npm run build` first");
  const lib = Object.assign({}, ...parts.filter(Boolean));
  await lib.init();
  return lib;
}

/** CPU, cores, memory, OS, Node, date: written beside every result. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}

/**
 * Times `cases` ([{ name, fn }]) with benny and returns, per case,
 * `{ name, ms, msMean, opsPerSec, rme, samples }` (ms: median per call).
 * `fn` is called as it is: prepare inputs before, outside the timed function.
 */
export async function measure(title, cases, { maxTime = 0.5, minSamples = 5 } = {}) {
  const options = QUICK ? { maxTime: 0.1, minSamples: 2 } : { maxTime, minSamples };
  const summary = await b.suite(
    title,
    ...cases.map((c) => b.add(c.name, c.fn, { ...options, ...(QUICK ? {} : c.options) })),
    b.cycle((result) => {
      const ms = result.details.median * 1e3;
      console.log(`  ${result.name.padEnd(44)} ${fmtMs(ms).padStart(10)} ms  ±${result.margin.toFixed(1)}%`);
    }),
  );
  return summary.results.map((r) => ({
    name: r.name,
    ms: r.details.median * 1e3,
    msMean: r.details.mean * 1e3,
    opsPerSec: 1 / r.details.mean,
    rme: r.margin,
    samples: r.samples,
  }));
}

/** Runs `fn` `repeat` times by hand (for cases too slow for benchmark.js's sampling); ms per run. */
export function timeRuns(fn, repeat) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return { ms: times[times.length >> 1], min: times[0], max: times[times.length - 1], runs: repeat };
}

/** A number with 3 significant digits, no exponent for everyday sizes. */
export function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-3) return x.toExponential(2);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  return x.toPrecision(3);
}

export const fmtMs = (ms) => fmt(ms);
export const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? "–" : `${r.toFixed(r >= 10 ? 0 : 1)}×`);
export const fmtBytes = (n) =>
  n === undefined ? "–" : n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;

/** A markdown table from a header row and rows of cells; `align` like "lrrl" (default: first left, rest right). */
export function table(header, rows, align) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, i) => ((align ? align[i] === "l" : i === 0) ? "---" : "---:"));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

/**
 * Writes bench/results/<name>.json (`{ name, title, machine, notes, rows }`)
 * and bench/results/<name>.md (title, machine line, notes, the markdown table).
 */
export function writeResults(name, { title, notes = [], header, rows, data, align }) {
  mkdirSync(RESULTS, { recursive: true });
  const m = machine();
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify({ name, title, machine: m, notes, rows: data }, null, 2) + "\n");
  const md = [
    `# ${title}`,
    "",
    `${m.cpu}, ${m.cores} cores, Node ${m.node} (V8 ${m.v8}), ${m.os}, ${m.date.slice(0, 10)}${QUICK ? " — QUICK run (short timings, not for quoting)" : ""}.`,
    "",
    ...notes.map((n) => `- ${n}`),
    ...(notes.length ? [""] : []),
    table(header, rows, align),
    "",
  ].join("\n");
  writeFileSync(join(RESULTS, `${name}.md`), md);
  console.log(`\n${md}\nwritten: bench/results/${name}.json, bench/results/${name}.md`);
}

/** Peak resident set size of this process so far, in bytes. */
export const peakRss = () => process.resourceUsage().maxRSS * 1024;
