#!/usr/bin/env node
// `npm run bench [-- <suite>...] [-- --quick]`: runs the benchmark suites, each
// in its own Node process (so peak memory is per suite), and gathers their
// tables into bench/results/README.md with the machine they ran on.
//
//   kernels    every kernel: WASM SIMD vs WASM scalar vs the TypeScript twin
//              (`--only <text>`: kernels whose file or name contains it)
//   evaluate   evaluate() on dense random MDPs and a sparse garnet S = 10^6
//   policy     policyIteration on dense random MDPs, gamma 0.99
//   mirror     Mirror Learning: one NPG iteration at S = 10^6; every instance
//              (gpi, npg, trl, trpo, ppo, cpi, analytical, qNpg, ampo) to
//              within 1e-8 of optimal on FrozenLake 8x8 and a garnet S = 2000
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { machine, RESULTS, ROOT } from "./lib/harness.js";

const SUITES = ["kernels", "evaluate", "policy", "mirror"];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run bench [-- [--quick] [--only <kernel>] [${SUITES.join("|")} ...]]`);
  process.exit(0);
}
const unknown = positionals.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(", ")}; choose from ${SUITES.join(", ")}`);
  process.exit(2);
}
if (!existsSync(join(ROOT, "dist", "core", "wasm.js")) || !existsSync(join(ROOT, "build", "mirror.wasm"))) {
  console.error("bench: the package is not built: run `npm run build` first");
  process.exit(2);
}

const chosen = positionals.length ? positionals : SUITES;
const m = machine();
console.log(`mirror-rl benchmarks on ${m.cpu} (${m.cores} cores), Node ${m.node}${values.quick ? ", QUICK" : ""}`);
const durations = {};
let failed = [];
for (const suite of chosen) {
  console.log(`\n=== ${suite}`);
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--expose-gc", join(ROOT, "bench", "suites", `${suite}.js`), ...(values.quick ? ["--quick"] : [])], {
    stdio: "inherit",
    cwd: ROOT,
    env: { ...process.env, ...(values.only ? { BENCH_ONLY: values.only } : {}) },
  });
  durations[suite] = (performance.now() - started) / 1000;
  if (run.status !== 0) failed.push(suite);
  console.log(`=== ${suite}: ${run.status === 0 ? "done" : "FAILED"} in ${durations[suite].toFixed(1)} s`);
}

// The summary page: the machine, then every suite's table (from its last run).
const sections = SUITES.filter((s) => existsSync(join(RESULTS, `${s}.md`))).map((s) =>
  readFileSync(join(RESULTS, `${s}.md`), "utf8").replace(/^# /, "## "),
);
writeFileSync(
  join(RESULTS, "README.md"),
  [
    "# mirror-rl benchmark results",
    "",
    "Written by `npm run bench` (bench/run.js); each suite also has `<suite>.json` with every measurement.",
    `Last run: ${m.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node} (V8 ${m.v8}).`,
    "The machine is shared: expect a few per cent of noise between runs.",
    "",
    ...sections,
  ].join("\n"),
);
console.log(`\nsummary: bench/results/README.md; ${Object.entries(durations).map(([s, t]) => `${s} ${t.toFixed(0)} s`).join(", ")}`);
if (failed.length) {
  console.error(`bench: failed suites: ${failed.join(", ")}`);
  process.exit(1);
}
