#!/usr/bin/env node
// Vectorised environment stepping speed: steps per second (copies x steps) on
// one thread with random actions, for each built-in environment, through
// makeVecEnv's step(actions, out) with the SIMD kernel, the scalar kernel, the
// TypeScript singles (mode "sync"), and the bare SIMD kernel call (no action
// validation, no copies out of WebAssembly memory).
//
//   node bench/envs/vec-step.js [--seconds 2] [--envs 1024] [--dist <dir>]
//
// Runs from the compiled package (dist/, `npm run build`) unless --dist says
// otherwise. Random actions come from a pool of pre-drawn buffers, so drawing
// them costs nothing in the timed loop.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "2" },
    envs: { type: "string", default: "1024" },
    dist: { type: "string", default: new URL("../../dist/", import.meta.url).pathname },
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const numEnvs = Number(values.envs);
const dist = pathToFileURL(resolve(values.dist) + "/").href;
const { makeVecEnv, ENV_IDS } = await import(new URL("envs/index.js", dist).href);
const { Rng } = await import(new URL("core/rng.js", dist).href);
const { kernels } = await import(new URL("core/wasm.js", dist).href);

function actionPool(id, n, rng) {
  return Array.from({ length: 64 }, () => {
    if (id === "Pendulum-v1") return Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const k = id === "CartPole-v1" ? 2 : 3;
    return Int32Array.from({ length: n }, () => rng.int(k));
  });
}

/** Steps per second of `run` over `rounds` rounds: the best and the median (the machine is shared). */
function time(run, n, rounds = 5) {
  run(50); // warm up
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let iters = 0;
    const start = performance.now();
    let now = start;
    while (now - start < (seconds * 1000) / rounds) {
      run(20);
      iters += 20;
      now = performance.now();
    }
    rates.push((iters * n) / ((now - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1], median: rates[rates.length >> 1] };
}

const rows = [];
for (const id of ENV_IDS) {
  if (values.only && !id.includes(values.only)) continue;
  const pool = actionPool(id, numEnvs, new Rng(1));
  for (const mode of ["simd", "scalar", "sync", "kernel"]) {
    const n = mode === "sync" ? Math.min(numEnvs, 256) : numEnvs;
    const vec = makeVecEnv(id, { numEnvs: n, seed: 0, mode: mode === "kernel" ? "simd" : mode });
    vec.reset();
    const out = vec.createStepResult();
    let run;
    if (mode === "kernel") {
      // The kernel alone on the environment's own blocks (actions written once per buffer).
      const k = kernels();
      const v = vec;
      const step = k[id === "CartPole-v1" ? "cartpoleStepSimd" : id === "Acrobot-v1" ? "acrobotStepSimd" : id === "MountainCar-v0" ? "mountainCarStepSimd" : "pendulumStepSimd"];
      const b = (name) => v[name].ptr;
      v.actions.view.set(pool[0]);
      run = (count) => {
        for (let i = 0; i < count; i++) {
          step(n, b("actions"), b("state"), b("steps"), b("rng"), b("paramBlock"), v.maxEpisodeSteps, b("obs"), b("rewards"), b("terminated"), b("truncated"), b("finalObs"));
        }
      };
    } else {
      const acts = mode === "sync" ? pool.map((p) => p.subarray(0, n)) : pool;
      let j = 0;
      run = (count) => {
        for (let i = 0; i < count; i++) vec.step(acts[j++ & 63], out);
      };
    }
    const { best, median } = time(run, n);
    rows.push({ env: id, mode, numEnvs: n, bestStepsPerSecond: best, medianStepsPerSecond: median });
    console.log(
      `${id.padEnd(15)} ${mode.padEnd(7)} numEnvs ${String(n).padStart(5)}  best ${(best / 1e6).toFixed(2).padStart(6)} M steps/s ` +
        `(${(1e9 / best).toFixed(1)} ns/step), median ${(median / 1e6).toFixed(2).padStart(6)} M`,
    );
    vec.close();
  }
}
