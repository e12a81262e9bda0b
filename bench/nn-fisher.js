#!/usr/bin/env node
// Fisher-vector products (src/nn/fisher.ts) beside a forward + backward pass
// of the same network and batch: one product F v + damping v (tangent pass,
// head metric, backward pass) against one policy gradient (forward, head
// log-probabilities, head backward, backward), and one conjugate-gradient
// iteration of TRPO (a product plus the f32 vector work of
// src/agents/natural-gradient.ts), for SB3's 64-64 tanh actor on CartPole
// (4 -> 2 logits, categorical) and Pendulum (3 -> 1 mean, Gaussian) at the
// batch sizes TRPO uses. Also the plain-TypeScript f64 twin of the product.
// Runs the BUILT package: `npm run build` first.
//   node bench/nn-fisher.js [--quick]
// Writes bench/results/nn-fisher.json and bench/results/nn-fisher.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, RESULTS, ROOT } from "./lib/harness.js";
import { bestMicros } from "./lib/best-time.js";

const QUICK = process.argv.includes("--quick");
const load = (p) => import(join(ROOT, "dist", p));
const { f32Block, i32Block } = await load("core/arena.js");
const nn = await load("nn/index.js");
const { FisherOperator } = await load("nn/fisher.js");
const { heapF32 } = await load("nn/tensor.js");
const twin = await load("nn/fisher.twin.js");
const { conjugateGradient } = await load("agents/natural-gradient.js");
const { Rng } = await load("core/rng.js");
const rng = new Rng(1);

const time = (fn, budgetMs = QUICK ? 60 : 400) => bestMicros(fn, budgetMs);

const filled = (n, scale = 1) => {
  const b = f32Block(n);
  const v = b.view;
  for (let i = 0; i < n; i++) v[i] = scale * rng.uniform(-1, 1);
  return b;
};

/** Multiply-adds x 2 of one product: per layer the tangent (h V, and t W after the first layer) and the backward (dW, and dX after the first). */
function fvpFlops(sizes, rows) {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const mn = sizes[l] * sizes[l + 1];
    f += 2 * rows * mn * (l === 0 ? 2 : 4);
  }
  return f;
}

/** Multiply-adds x 2 of forward + backward: per layer the forward and dW, and dX after the first layer. */
function gradFlops(sizes, rows) {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) f += 2 * rows * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
  return f;
}

const CG_STEPS = 15;
const rowsList = QUICK ? [256, 2048] : [256, 1024, 2048, 4096];
const results = [];
for (const head of ["categorical", "gaussian"]) {
  const obsSize = head === "categorical" ? 4 : 3;
  const A = head === "categorical" ? 2 : 1;
  for (const rows of rowsList) {
    const mlp = new nn.Mlp({ inputSize: obsSize, outputSize: A, netArch: [64, 64], seed: 1, outputGain: 0.5, batchCapacity: rows });
    const obs = filled(rows * obsSize, 2);
    const logStd = filled(A, 0.3);
    const out = f32Block(rows * A);
    const acts = head === "categorical" ? i32Block(rows, Array.from({ length: rows }, (_, i) => i % 2)) : filled(rows * A);
    const g = filled(rows, 1 / rows);
    const dOut = f32Block(rows * A);
    const logp = f32Block(rows * A);
    // One policy gradient: forward, the head's log-probabilities and their backward, the network's backward.
    const gradient = head === "categorical"
      ? () => {
          const logits = mlp.forward(obs, rows);
          nn.categoricalForward({ logits, logp, rows, actionCount: A, actions: acts, logpAct: out });
          nn.categoricalBackward({ logp, rows, actionCount: A, dLogits: dOut, actions: acts, gLogp: g });
          mlp.backward(dOut);
        }
      : () => {
          const mean = mlp.forward(obs, rows);
          nn.gaussianLogProb({ mean, logStd, actions: acts, rows, actionDim: A, out });
          nn.gaussianLogProbBackward({ mean, logStd, actions: acts, rows, actionDim: A, g, dMean: dOut });
          mlp.backward(dOut);
        };
    const op = new FisherOperator(mlp, head === "gaussian" ? { head, logStd, damping: 0.1 } : { head, damping: 0.1 });
    mlp.forward(obs, rows);
    op.prepare();
    const n = op.size;
    const v = filled(n), fv = f32Block(n), x = f32Block(n), r = f32Block(n), p = f32Block(n), q = f32Block(n);
    const product = () => op.applyUnchecked(v.ptr, fv.ptr);
    const cg = () => conjugateGradient((a, o) => op.applyUnchecked(a, o), v, x, { r, p, q }, { maxSteps: CG_STEPS, residualTolerance: 0 });
    // The solver's own vector work: the same iterations on the damped identity (out = 1.1 p).
    const identity = (a, o) => {
      const h = heapF32();
      for (let i = 0; i < n; i++) h[(o >>> 2) + i] = 1.1 * h[(a >>> 2) + i];
    };
    const cgVector = () => conjugateGradient(identity, v, x, { r, p, q }, { maxSteps: CG_STEPS, residualTolerance: 0 });
    const prepare = () => {
      mlp.forward(obs, rows);
      op.prepare();
    };
    const row = {
      head, rows, parameters: n,
      forwardUs: time(() => mlp.forward(obs, rows)),
      gradientUs: time(gradient),
      fvpUs: time(product),
      prepareUs: time(prepare),
      cgIterationUs: time(cg, QUICK ? 100 : 3000) / CG_STEPS,
      cgVectorUs: time(cgVector, QUICK ? 60 : 400) / CG_STEPS,
    };
    row.fvpGflops = fvpFlops(mlp.sizes, rows) / row.fvpUs / 1e3;
    row.gradientGflops = gradFlops(mlp.sizes, rows) / row.gradientUs / 1e3;
    row.ratio = row.fvpUs / row.gradientUs;
    if (rows === 256) {
      const policy = { params: mlp.parameters(), sizes: mlp.sizes, activation: "tanh", head, logStd: logStd.toArray() };
      const xs = obs.toArray(), vs = v.toArray();
      row.twinUs = time(() => twin.fisherVectorProductTwin(policy, xs, rows, vs, 0.1), QUICK ? 60 : 600);
    }
    results.push(row);
    console.log(
      `${head.padEnd(11)} rows ${String(rows).padStart(4)}: F v ${row.fvpUs.toFixed(1)} us (${row.fvpGflops.toFixed(1)} GFLOP/s), ` +
        `forward + backward ${row.gradientUs.toFixed(1)} us (${row.gradientGflops.toFixed(1)} GFLOP/s), ratio ${row.ratio.toFixed(2)}; ` +
        `CG iteration ${row.cgIterationUs.toFixed(1)} us (vector work ${row.cgVectorUs.toFixed(1)} us); prepare ${row.prepareUs.toFixed(1)} us` +
        (row.twinUs ? `; TS f64 twin ${row.twinUs.toFixed(0)} us` : ""),
    );
    op.dispose();
    mlp.dispose();
    for (const blk of [obs, logStd, out, acts, g, dOut, logp, v, fv, x, r, p, q]) blk.free();
  }
}

// The new kernels alone: SIMD vs scalar WebAssembly vs the f64 TypeScript twin.
const { kernels } = await load("core/wasm.js");
const k = kernels();
const kernelRows = [];
{
  const B = 256, nIn = 64, nOut = 64;
  const h = filled(B * nIn), t = filled(B * nIn), w = filled(nIn * nOut), vv = filled(nIn * nOut), vb = filled(nOut);
  const hn = filled(B * nOut, 0.9), o = f32Block(B * nOut), pack = f32Block(B * nIn), wn = f32Block(6 * nIn);
  const [hs, ts, ws, vs, vbs, hns] = [h, t, w, vv, vb, hn].map((blk) => blk.toArray());
  const flops = 2 * 2 * B * nIn * nOut;
  const jvp = {
    simd: time(() => k.nnFisherJvpSimd(h.ptr, t.ptr, w.ptr, vv.ptr, vb.ptr, hn.ptr, 1, o.ptr, pack.ptr, wn.ptr, B, nIn, nOut)),
    scalar: time(() => k.nnFisherJvpScalar(h.ptr, t.ptr, w.ptr, vv.ptr, vb.ptr, hn.ptr, 1, o.ptr, pack.ptr, wn.ptr, B, nIn, nOut)),
    twin: time(() => twin.fisherJvpTwin(hs, ts, ws, vs, vbs, hns, "tanh", B, nIn, nOut)),
  };
  kernelRows.push({ kernel: `tangent layer ${B} x ${nIn} -> ${nOut}, tanh (h V + t W)`, ...jvp, gflops: flops / jvp.simd / 1e3 });
  for (const blk of [h, t, w, vv, vb, hn, o, pack, wn]) blk.free();
  const rows = 2048, A = 2;
  const lp = f32Block(rows * A), u = filled(rows * A), out = f32Block(rows * A), ls = filled(A, 0.3);
  const lv = lp.view;
  for (let r = 0; r < rows; r++) {
    const p0 = 0.2 + 0.6 * rng.random();
    lv[2 * r] = Math.log(p0);
    lv[2 * r + 1] = Math.log(1 - p0);
  }
  const [lps, us] = [lp.toArray(), u.toArray()];
  kernelRows.push({
    kernel: `categorical metric ${rows} x ${A}`,
    simd: time(() => k.nnFisherCategoricalSimd(lp.ptr, u.ptr, out.ptr, rows, A, 1 / rows)),
    scalar: time(() => k.nnFisherCategoricalScalar(lp.ptr, u.ptr, out.ptr, rows, A, 1 / rows)),
    twin: time(() => twin.fisherCategoricalMetricTwin(lps, us, rows, A, 1 / rows)),
  });
  const lss = ls.toArray();
  kernelRows.push({
    kernel: `Gaussian metric ${rows} x ${A}`,
    simd: time(() => k.nnFisherGaussianSimd(u.ptr, ls.ptr, out.ptr, rows, A, 1 / rows)),
    scalar: time(() => k.nnFisherGaussianScalar(u.ptr, ls.ptr, out.ptr, rows, A, 1 / rows)),
    twin: time(() => twin.fisherGaussianMetricTwin(us, lss, rows, 1 / rows)),
  });
  for (const blk of [lp, u, out, ls]) blk.free();
  for (const r of kernelRows) {
    console.log(`${r.kernel}: ${r.simd.toFixed(1)} / ${r.scalar.toFixed(1)} / ${r.twin.toFixed(1)} us (SIMD / scalar / TS twin)` +
      (r.gflops ? `, ${r.gflops.toFixed(1)} GFLOP/s` : ""));
  }
}

const m = machine();
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, "nn-fisher.json"), JSON.stringify({ machine: m, quick: QUICK, results, kernels: kernelRows }, null, 2) + "\n");
const md = [
  `# Fisher-vector products`,
  ``,
  `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}${QUICK ? " (quick run)" : ""}. One thread; times are the`,
  `best of many short runs (the machine is shared with other jobs). \`node bench/nn-fisher.js\`.`,
  ``,
  `SB3's actor, 64-64 tanh: CartPole (4 -> 2 logits, categorical) and Pendulum (3 -> 1 mean, Gaussian with log-std).`,
  `**F v**: one damped Fisher-vector product on a prepared batch (tangent pass, head metric, backward pass).`,
  `**fwd + bwd**: one policy gradient of the same batch (forward, head log-probabilities and their backward, backward).`,
  `GFLOP/s count 2 x the multiply-adds of the dense products: the product does four per hidden layer (h V, t W, dW, dX),`,
  `forward + backward three (forward, dW, dX), so equal GFLOP/s would make the product 4/3 as long.`,
  `**CG iteration**: one of ${CG_STEPS} conjugate-gradient steps (a product and the f32 vector updates in TypeScript);`,
  `**CG vector work**: the same steps with the operator replaced by a scaled copy (the solver's own cost per step, about a copy's).`,
  `**prepare**: the forward pass at theta_old and keeping its activations, once per policy update.`,
  ``,
  `| head | rows | parameters | F v us | F v GFLOP/s | fwd + bwd us | fwd + bwd GFLOP/s | F v / (fwd + bwd) | CG iteration us | CG vector work us | prepare us | f64 twin us |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ...results.map((r) =>
    `| ${r.head} | ${r.rows} | ${r.parameters} | ${r.fvpUs.toFixed(1)} | ${r.fvpGflops.toFixed(1)} | ${r.gradientUs.toFixed(1)} | ` +
      `${r.gradientGflops.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.cgIterationUs.toFixed(1)} | ${r.cgVectorUs.toFixed(1)} | ${r.prepareUs.toFixed(1)} | ${r.twinUs ? r.twinUs.toFixed(0) : ""} |`),
  ``,
  `The kernels alone (us; SIMD / scalar WebAssembly / f64 TypeScript twin):`,
  ``,
  `| kernel | SIMD | scalar | twin | twin / SIMD |`,
  `|---|---|---|---|---|`,
  ...kernelRows.map((r) => `| ${r.kernel} | ${r.simd.toFixed(1)}${r.gflops ? ` (${r.gflops.toFixed(1)} GFLOP/s)` : ""} | ${r.scalar.toFixed(1)} | ${r.twin.toFixed(1)} | ${(r.twin / r.simd).toFixed(1)}x |`),
  ``,
].join("\n");
writeFileSync(join(RESULTS, "nn-fisher.md"), md);
console.log("wrote bench/results/nn-fisher.md and nn-fisher.json");
