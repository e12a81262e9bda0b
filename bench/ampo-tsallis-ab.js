// A/B of AMPO with the Tsallis map (q = 0.5, eta_k = 2^k) on the garnet of
// the mirror suite (S = 2000, A = 10, branching 4, gamma 0.99), two builds in
// one process, interleaved: node --expose-gc bench/ampo-tsallis-ab.js <distA> <distB> [reps]
// (each a dist/ directory). Prints ms per iteration of optimise's steps
// (history.time, as bench/suites/mirror.js) for each, and the ratio A / B.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [distA, distB, repsArg] = process.argv.slice(2);
if (!distA || !distB) throw new Error("usage: ampo-tsallis-ab.js <distA> <distB> [reps]");
const reps = Number(repsArg ?? 7);

async function load(dir) {
  const imp = (p) => import(pathToFileURL(join(resolve(dir), p)).href);
  const [root, algorithms, optimise] = await Promise.all([imp("index.js"), imp("algorithms/index.js"), imp("mirror/optimise.js")]);
  await root.init();
  return { ...root, ...algorithms, ...optimise };
}

const libs = [await load(distA), await load(distB)];
const run = (lib) => {
  const mdp = lib.garnet({ S: 2000, A: 10, branching: 4, gamma: 0.99, seed: 1, format: "sparse" });
  const optimum = lib.optimalEta(mdp);
  const update = lib.ampo({ mirrorMap: lib.tsallis(0.5), stepSize: (k) => 2 ** k });
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
