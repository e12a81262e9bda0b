#!/usr/bin/env node
// A/B of one Mirror Learning instance of the mirror suite (bench/lib/instances.js)
// run by optimise on the suite's garnet (S = 2000, A = 10, branching 4, gamma
// 0.99) to within 1e-8 of optimal, two builds in one process, interleaved:
//
//   node --expose-gc bench/investigations/instance-ab.js <distA> <distB> [--instance "ampo: Tsallis"] [--reps 7]
//
// (each a dist/ directory; --instance matches "name: hyperparameters" of the
// suite's list by substring). Prints ms per iteration of optimise's steps and
// exact evaluations (history.time, as the suite) for each, and the ratio A / B.
import { parseArgs } from "node:util";
import { importFromDist } from "../lib/builds.js";
import { instances } from "../lib/instances.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { instance: { type: "string", default: "ampo: Tsallis" }, reps: { type: "string", default: "7" } },
});
const [distA, distB] = positionals;
if (!distA || !distB) throw new Error('usage: instance-ab.js <distA> <distB> [--instance "ampo: Tsallis"] [--reps 7]');
const reps = Number(values.reps);

async function load(dir) {
  const imp = (p) => importFromDist(dir, p);
  const [root, algorithms, optimise] = await Promise.all([imp("index.js"), imp("instances/index.js"), imp("mirror/optimise.js")]);
  await root.init();
  return { ...root, ...algorithms, ...optimise };
}

const libs = [await load(distA), await load(distB)];
const pick = (lib) => {
  const found = instances(lib, 0.99).filter((i) => `${i.name}: ${i.hyper}`.includes(values.instance));
  if (found.length !== 1) throw new Error(`--instance "${values.instance}" matches ${found.length} instances`);
  return found[0];
};
console.log(`instance: ${pick(libs[0]).name}, ${pick(libs[0]).hyper}`);
const run = (lib) => {
  const mdp = lib.garnet({ S: 2000, A: 10, branching: 4, gamma: 0.99, seed: 1, format: "sparse" });
  const optimum = lib.optimalEta(mdp);
  const update = pick(lib).make(mdp);
  globalThis.gc?.();
  const r = lib.optimise(mdp, update, { iterations: 1000, tolerance: 1e-8 * Math.max(1, Math.abs(optimum)), optimum });
  return { ms: r.history.time.reduce((x, y) => x + y, 0) / r.iterations, iterations: r.iterations };
};
const times = [[], []];
for (let i = 0; i < reps; i++) {
  for (const j of i % 2 ? [1, 0] : [0, 1]) {
    const { ms, iterations } = run(libs[j]);
    times[j].push(ms);
    if (i === 0) console.log(`${j ? "B" : "A"}: ${iterations} iterations`);
  }
}
const median = (x) => [...x].sort((a, b) => a - b)[x.length >> 1];
const best = (x) => Math.min(...x);
for (const [j, name] of [[0, "A"], [1, "B"]]) {
  console.log(`${name}: ms/iteration median ${median(times[j]).toFixed(2)}, best ${best(times[j]).toFixed(2)}  (${times[j].map((t) => t.toFixed(2)).join(" ")})`);
}
console.log(`A / B: median ${(median(times[0]) / median(times[1])).toFixed(2)}, best ${(best(times[0]) / best(times[1])).toFixed(2)}`);
