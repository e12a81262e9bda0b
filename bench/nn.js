#!/usr/bin/env node
// Neural kernels: GEMM GFLOP/s of the dense layer (forward Y = XW + b,
// backward dX = dY W^T and dW = X^T dY with db) as WASM SIMD vs WASM scalar vs
// the plain-TypeScript twin, at RL shapes; tanh throughput; and a full
// actor + critic (64-64 tanh, SB3's PPO default) forward + backward at batch
// 256, alone and with the categorical head, clipping and Adam (one PPO
// minibatch step). Runs the BUILT package: `npm run build` first.
//   node bench/nn.js [--quick]
// Writes bench/results/nn.json and bench/results/nn.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, RESULTS, ROOT } from "./lib/harness.js";
import { bestMicros } from "./lib/best-time.js";

const QUICK = process.argv.includes("--quick");
const load = (p) => import(join(ROOT, "dist", p));
const { kernels } = await load("core/wasm.js");
const { f32Block, i32Block } = await load("core/arena.js");
const nn = await load("nn/index.js");
const optim = await load("optim/index.js");
const twin = await load("nn/dense.twin.js");
const mlpTwin = await load("nn/mlp.twin.js");
const { Rng } = await load("core/rng.js");
const k = kernels();
const rng = new Rng(1);

const time = (fn, budgetMs = QUICK ? 60 : 300) => bestMicros(fn, budgetMs);

const filled = (n) => {
  const b = f32Block(n);
  const v = b.view;
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
  return b;
};

const gemm = [];
for (const batch of [256, 2048]) {
  for (const [nIn, nOut] of [[64, 64], [4, 64], [64, 2]]) {
    const x = filled(batch * nIn), w = filled(nIn * nOut), b = filled(nOut), dy = filled(batch * nOut);
    const y = f32Block(batch * nOut), dx = f32Block(batch * nIn), wt = f32Block(nIn * nOut);
    const dw = f32Block(nIn * nOut), db = f32Block(nOut), pack = f32Block(batch * Math.max(nIn, nOut));
    const xs = x.toArray(), ws = w.toArray(), bs = b.toArray(), dys = dy.toArray();
    const ys = new Float32Array(batch * nOut), dxs = new Float32Array(batch * nIn);
    const dws = new Float32Array(nIn * nOut), dbs = new Float32Array(nOut);
    const flops = 2 * batch * nIn * nOut;
    const row = { shape: `${batch} x ${nIn} -> ${nOut}`, batch, nIn, nOut };
    const impls = {
      forward: {
        simd: () => k.nnDenseForwardSimd(x.ptr, w.ptr, b.ptr, y.ptr, pack.ptr, batch, nIn, nOut),
        scalar: () => k.nnDenseForwardScalar(x.ptr, w.ptr, b.ptr, y.ptr, pack.ptr, batch, nIn, nOut),
        twin: () => twin.denseForwardTwin(xs, ws, bs, ys, batch, nIn, nOut),
      },
      dX: {
        simd: () => k.nnDenseBackwardInputSimd(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, dx.ptr, batch, nIn, nOut),
        scalar: () => k.nnDenseBackwardInputScalar(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, dx.ptr, batch, nIn, nOut),
        twin: () => twin.denseBackwardInputTwin(dys, ws, dxs, batch, nIn, nOut),
      },
      dW: {
        simd: () => k.nnDenseBackwardParamsSimd(x.ptr, dy.ptr, dw.ptr, db.ptr, batch, nIn, nOut, 0),
        scalar: () => k.nnDenseBackwardParamsScalar(x.ptr, dy.ptr, dw.ptr, db.ptr, batch, nIn, nOut, 0),
        twin: () => twin.denseBackwardParamsTwin(xs, dys, dws, dbs, batch, nIn, nOut, false),
      },
    };
    for (const [op, fns] of Object.entries(impls)) {
      for (const [impl, fn] of Object.entries(fns)) {
        const us = time(fn);
        row[`${op}.${impl}.us`] = us;
        row[`${op}.${impl}.gflops`] = flops / us / 1e3;
      }
    }
    gemm.push(row);
    console.log(
      `${row.shape.padEnd(18)} ` +
        ["forward", "dX", "dW"]
          .map((op) => `${op} ${["simd", "scalar", "twin"].map((i) => row[`${op}.${i}.gflops`].toFixed(2)).join(" / ")}`)
          .join("   ") + "  GFLOP/s (SIMD / scalar / TS)",
    );
    for (const blk of [x, w, b, dy, y, dx, wt, dw, db, pack]) blk.free();
  }
}

// Elementwise tanh: SIMD vs scalar vs Math.tanh over 256 x 64 values.
const nT = 256 * 64;
const tx = filled(nT), ty = f32Block(nT);
const txs = tx.toArray(), tys = new Float32Array(nT);
const tanh = {
  simd: time(() => k.nnTanhForwardSimd(tx.ptr, ty.ptr, nT)),
  scalar: time(() => k.nnTanhForwardScalar(tx.ptr, ty.ptr, nT)),
  twin: time(() => {
    for (let i = 0; i < nT; i++) tys[i] = Math.tanh(txs[i]);
  }),
};
console.log(`tanh 256 x 64: ${tanh.simd.toFixed(1)} / ${tanh.scalar.toFixed(1)} / ${tanh.twin.toFixed(1)} us (SIMD / scalar / Math.tanh)`);

// Actor + critic, SB3's PPO default for CartPole: 4 -> 64 -> 64 -> 2 and 4 -> 64 -> 64 -> 1, tanh.
const B = 256;
const store = new nn.ParameterStore();
const actor = new nn.Mlp({ inputSize: 4, outputSize: 2, store, seed: 1, outputGain: nn.POLICY_GAIN, batchCapacity: B });
const critic = new nn.Mlp({ inputSize: 4, outputSize: 1, store, seed: 2, outputGain: nn.VALUE_GAIN, batchCapacity: B });
const adam = new optim.Adam(store, { learningRate: 3e-4, eps: 1e-5 });
const obs = filled(B * 4);
const dLogits = filled(B * 2);
const dValue = filled(B);
const actions = i32Block(B, Array.from({ length: B }, (_, i) => i % 2));
const logp = f32Block(B * 2), lpa = f32Block(B), ent = f32Block(B), gl = filled(B), dl = f32Block(B * 2);
const nets = () => {
  actor.forward(obs, B);
  critic.forward(obs, B);
  actor.backward(dLogits);
  critic.backward(dValue);
};
const ppoStep = () => {
  const logits = actor.forward(obs, B);
  critic.forward(obs, B);
  nn.categoricalForward({ logits, logp, rows: B, actionCount: 2, actions, logpAct: lpa, entropy: ent });
  nn.categoricalBackward({ logp, rows: B, actionCount: 2, dLogits: dl, actions, gLogp: gl, entropy: ent, gEntropy: -0.0 });
  actor.backward(dl);
  critic.backward(dValue);
  const { scale } = optim.clipGradNormScale(store, 0.5);
  adam.step({ gradScale: scale });
};
// Plain-TypeScript f64 twin of the two networks' forward + backward, for scale.
const pa = actor.parameters(), pc = critic.parameters(), obsArr = obs.toArray(), dl2 = dLogits.toArray(), dv = dValue.toArray();
const twinNets = () => {
  const fa = mlpTwin.mlpForwardTwin(pa, actor.sizes, "tanh", obsArr, B);
  const fc = mlpTwin.mlpForwardTwin(pc, critic.sizes, "tanh", obsArr, B);
  mlpTwin.mlpBackwardTwin(pa, actor.sizes, "tanh", obsArr, B, fa, dl2);
  mlpTwin.mlpBackwardTwin(pc, critic.sizes, "tanh", obsArr, B, fc, dv);
};
const acFlops = 3 * 2 * B * (4 * 64 + 64 * 64) * 2 + 2 * 2 * B * (64 * 2 + 64 * 1) * 1.5; // rough: fwd + dX + dW
const model = {
  parameters: store.size,
  netsUs: time(nets, 600),
  forwardOnlyUs: time(() => {
    actor.forward(obs, B);
    critic.forward(obs, B);
  }, 400),
  ppoStepUs: time(ppoStep, 600),
  twinUs: time(twinNets, 600),
};
model.netsGflops = acFlops / model.netsUs / 1e3;
console.log(
  `actor + critic 64-64 tanh, batch ${B} (${store.size} parameters): forward + backward ${model.netsUs.toFixed(1)} us ` +
    `(forward ${model.forwardOnlyUs.toFixed(1)} us); with categorical head, clip and Adam ${model.ppoStepUs.toFixed(1)} us; ` +
    `TS f64 twin ${model.twinUs.toFixed(0)} us`,
);

const m = machine();
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, "nn.json"), JSON.stringify({ machine: m, quick: QUICK, gemm, tanh, model }, null, 2) + "\n");
const f = (v) => v.toFixed(2);
const md = [
  `# Neural kernels`,
  ``,
  `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}${QUICK ? " (quick run)" : ""}. One thread;`,
  `times are the best of many short runs (the machine is shared with other jobs).`,
  `GFLOP/s = 2 batch nIn nOut / time, per product; SIMD / WASM scalar / plain TypeScript (f64 arithmetic on Float32Array).`,
  ``,
  `| batch x nIn -> nOut | forward | dX = dY W^T | dW = X^T dY (+ db) | forward us (SIMD) |`,
  `|---|---|---|---|---|`,
  ...gemm.map(
    (r) =>
      `| ${r.shape} | ${["forward", "dX", "dW"].map((op) => ["simd", "scalar", "twin"].map((i) => f(r[`${op}.${i}.gflops`])).join(" / ")).join(" | ")} | ${r["forward.simd.us"].toFixed(1)} |`,
  ),
  ``,
  `tanh over 256 x 64 values: ${tanh.simd.toFixed(1)} us SIMD, ${tanh.scalar.toFixed(1)} us scalar, ${tanh.twin.toFixed(1)} us Math.tanh.`,
  ``,
  `Actor (4-64-64-2) + critic (4-64-64-1), tanh, batch ${B}, ${model.parameters} parameters:`,
  ``,
  `| step | us |`,
  `|---|---|`,
  `| forward (both) | ${model.forwardOnlyUs.toFixed(1)} |`,
  `| forward + backward (both) | ${model.netsUs.toFixed(1)} |`,
  `| + categorical head fwd/bwd, global-norm clip, Adam (one PPO minibatch step) | ${model.ppoStepUs.toFixed(1)} |`,
  `| forward + backward, plain-TypeScript f64 twin | ${model.twinUs.toFixed(0)} |`,
  ``,
].join("\n");
writeFileSync(join(RESULTS, "nn.md"), md);
console.log(`wrote bench/results/nn.md and nn.json`);
