#!/usr/bin/env node
// What the gSDE head (assembly/nn/sde.ts) costs: its log-density and backward
// kernels, SIMD against the scalar twin, at PPO shapes; and one whole PPO
// minibatch step (forward, loss, backward of actor and critic) with the
// state-independent Gaussian head against the gSDE head (rollout noise
// excluded). Runs the BUILT package: `npm run build` first.
//
//   node bench/investigations/sde-head.js
//
// Microseconds are the best of many short timed batches (the machine is shared).
import { join } from "node:path";
import { ROOT } from "../lib/harness.js";
import { bestMicros } from "../lib/best-time.js";

const load = (p) => import(join(ROOT, "dist", p));
const { kernels } = await load("core/wasm.js");
const { f32Block, f64Block } = await load("core/arena.js");
const { Rng } = await load("core/rng.js");
const { ActorCritic } = await load("agents/actor-critic.js");
const { ppoLossAndGradients } = await load("agents/ppo-objective.js");
const k = kernels();
const rng = new Rng(1);

const time = (fn, budgetMs = 300) => bestMicros(fn, budgetMs);

const filled = (n, lo = -1, hi = 1) => f32Block(n, Array.from({ length: n }, () => rng.uniform(lo, hi)));

console.log("| rows x L x D | log-density SIMD / scalar (us) | backward SIMD / scalar (us) |");
console.log("| --- | --- | --- |");
for (const [rows, L, D] of [[64, 64, 1], [256, 64, 1], [64, 256, 6], [256, 256, 6]]) {
  const mean = filled(rows * D), latent = filled(rows * L), w = filled(D * L, 0.01, 1), act = filled(rows * D, -2, 2);
  const sigma = f32Block(rows * D), logp = f32Block(rows), ent = f32Block(rows), g = filled(rows);
  const dm = f32Block(rows * D), dw = f32Block(D * L), dz = f32Block(rows * L);
  const fwd = (fn) => () => fn(mean.ptr, latent.ptr, w.ptr, act.ptr, sigma.ptr, logp.ptr, ent.ptr, rows, L, D, 1e-6);
  const bwd = (fn) => () => fn(mean.ptr, latent.ptr, w.ptr, act.ptr, sigma.ptr, g.ptr, 0, 0, -0.01, dm.ptr, dw.ptr, dz.ptr, rows, L, D, 0);
  const f = [time(fwd(k.nnSdeLogProbSimd)), time(fwd(k.nnSdeLogProbScalar))];
  const b = [time(bwd(k.nnSdeLogProbBackwardSimd)), time(bwd(k.nnSdeLogProbBackwardScalar))];
  console.log(`| ${rows} x ${L} x ${D} | ${f[0].toFixed(2)} / ${f[1].toFixed(2)} | ${b[0].toFixed(2)} / ${b[1].toFixed(2)} |`);
}

console.log("\n| PPO minibatch step, Pendulum shapes (obs 3, 64-64 tanh, 1 action) | us |");
console.log("| --- | --- |");
for (const [name, sde] of [["Gaussian head", undefined], ["gSDE head", {}], ["gSDE head, learnFeatures", { learnFeatures: true }]]) {
  for (const rows of [64, 256]) {
    const pol = new ActorCritic({ obsSize: 3, nActions: 1, continuous: true, netArch: [64, 64], rng: new Rng(2), ...(sde ? { sde } : {}) });
    const obs = filled(rows * 3), actions = filled(rows, -2, 2), logpOld = filled(rows, -2, -1), adv = filled(rows);
    const ret = Float64Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const oldV = Float64Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const stats = f64Block(4);
    const mb = { rows, obs, actions, logpOld, advantages: adv, returns: ret, oldValues: oldV };
    const us = time(() => ppoLossAndGradients(pol, mb, { epsilon: 0.2, entCoef: 0, vfCoef: 0.5 }, stats));
    console.log(`| ${name}, batch ${rows} | ${us.toFixed(1)} |`);
    pol.dispose();
  }
}
