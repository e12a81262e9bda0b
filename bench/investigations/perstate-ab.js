#!/usr/bin/env node
// A/B timing of the per-state mirror kernels (TRL dual, max-KL ball, clip, TV,
// L2, greedy, per-state TV distance) in ONE process, interleaved: a baseline build of the module and its twins
// against the current ones, so that the noise of a shared machine hits every
// variant alike. Prints, per kernel and shape, the median and best time per
// call of each variant and the ratios against the current TS twin.
//
//   node bench/investigations/perstate-ab.js [--base <dir>] [--only trl,ball,...] [--reps <n>] [--shapes 25000x4,...] [--ball-base <x>]
//
// <dir> holds mirror.wasm and dist-mirror/ (a copy of dist/mirror/kernels) of the
// baseline; without it only the current build is timed. Fixtures as in
// bench/kernels/mirror.js (coef 1.3) and mirror-extra.js (ball: base 0, delta
// 0.01; --ball-base x gives every state a forward-KL drift of weight x inside
// the ball).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mirrorPolicies } from "../kernels/fixtures.js";
import { DIST, importFromDist, wasmExports } from "../lib/builds.js";
import { ROOT } from "../lib/harness.js";

const { Rng } = await importFromDist(DIST, "core/rng.js");

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    only: { type: "string" },
    reps: { type: "string", default: "7" },
    shapes: { type: "string" },
    "ball-base": { type: "string", default: "0" },
  },
});
const REPS = Number(values.reps);
const DELTA = 0.01;

/** One instance of a module build with a bump allocator above its heap base. */
function load(file) {
  const k = wasmExports(file);
  let top = Math.ceil(k.heapBase() / 16) * 16;
  const alloc = (bytes) => {
    const ptr = top;
    top += Math.ceil(bytes / 16) * 16;
    const need = top - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    return ptr;
  };
  const put = (arr) => {
    const ptr = alloc(arr.length * 8);
    new Float64Array(k.memory.buffer, ptr, arr.length).set(arr);
    return ptr;
  };
  const view = (ptr, n) => new Float64Array(k.memory.buffer, ptr, n);
  return { k, alloc, put, view };
}

async function twins(dir) {
  const get = (f) => importFromDist(dir, `${f}.twin.js`);
  const [trl, clip, tv, l2, greedy, kl] = await Promise.all(["trl", "clip", "tv", "l2", "greedy", "kl"].map(get));
  return { trl, clip, tv, l2, greedy, kl };
}

const cur = { wasm: load(join(ROOT, "build", "mirror.wasm")), tw: await twins(join(DIST, "mirror", "kernels")) };
const base =
  values.base && existsSync(join(values.base, "mirror.wasm"))
    ? { wasm: load(join(values.base, "mirror.wasm")), tw: await twins(join(values.base, "dist-mirror")) }
    : undefined;

/** The bench/kernels/mirror.js fixture: full-support random policy, centred advantage, coef 1.3. */
function fixture(S, A, seed = 3) {
  const rng = new Rng(seed);
  const { n, pi, pi2, adv } = mirrorPolicies((lo, hi) => rng.uniform(lo, hi), S, A);
  const coef = new Float64Array(S).fill(1.3);
  const ballBase = new Float64Array(S).fill(Number(values["ball-base"]));
  return { S, A, n, pi, pi2, adv, coef, ballBase };
}

/** Per kernel: the variants to time, each `() => void`, built for one fixture. */
function variants(name, f) {
  const { S, A, n } = f;
  const out = {};
  const side = (w, tw, tag) => {
    const { k, put, alloc, view } = w;
    const pi = put(f.pi);
    const adv = put(f.adv);
    const coef = put(f.coef);
    const o = alloc(n * 8);
    const work = alloc(64 * A + 64);
    const outJs = new Float64Array(n);
    const res = {};
    switch (name) {
      case "trl":
        res[`${tag} simd`] = () => k.mirrorTrlSolveSimd(pi, adv, coef, S, A, o);
        res[`${tag} scalar`] = () => k.mirrorTrlSolveScalar(pi, adv, coef, S, A, o);
        res[`${tag} twin`] = () => tw.trl.trlSolveTwin(f.pi, f.adv, f.coef, S, A, outJs);
        break;
      case "ball": {
        const ballBase = put(f.ballBase);
        const mult = alloc(S * 8);
        const multJs = new Float64Array(S);
        res[`${tag} simd`] = () => k.mirrorKlBallSolveSimd(pi, adv, ballBase, S, A, DELTA, o, mult);
        res[`${tag} scalar`] = () => k.mirrorKlBallSolveScalar(pi, adv, ballBase, S, A, DELTA, o, mult);
        res[`${tag} twin`] = () => tw.trl.klBallSolveTwin(f.pi, f.adv, f.ballBase, S, A, DELTA, outJs, multJs);
        break;
      }
      case "clip":
        res[`${tag} simd`] = () => k.mirrorClipSolve(pi, adv, coef, S, A, 0.2, o, work);
        res[`${tag} twin`] = () => tw.clip.clipSolveTwin(f.pi, f.adv, f.coef, S, A, 0.2, outJs);
        break;
      case "tv":
        res[`${tag} simd`] = () => k.mirrorTvSolve(pi, adv, coef, Infinity, S, A, o, work);
        res[`${tag} twin`] = () => tw.tv.tvSolveTwin(f.pi, f.adv, f.coef, Infinity, S, A, outJs);
        break;
      case "l2":
        res[`${tag} simd`] = () => k.mirrorL2SolveSimd(pi, adv, coef, S, A, o);
        res[`${tag} scalar`] = () => k.mirrorL2SolveScalar(pi, adv, coef, S, A, o);
        res[`${tag} twin`] = () => tw.l2.l2SolveTwin(f.pi, f.adv, f.coef, S, A, outJs);
        break;
      case "tvdist": {
        // Per-state total variation TV(pi_s, pi2_s): an S-long output.
        const pi2 = put(f.pi2);
        const outS = outJs.subarray(0, S);
        res[`${tag} simd`] = () => k.mirrorTvSimd(pi, pi2, S, A, o);
        res[`${tag} scalar`] = () => k.mirrorTvScalar(pi, pi2, S, A, o);
        res[`${tag} twin`] = () => tw.kl.perStateTvTwin(f.pi, f.pi2, S, A, outS);
        break;
      }
      case "greedy":
        res[`${tag} simd`] = k.mirrorGreedySimd ? () => k.mirrorGreedySimd(adv, S, A, o) : () => k.mirrorGreedy(adv, S, A, o);
        if (k.mirrorGreedyScalar) res[`${tag} scalar`] = () => k.mirrorGreedyScalar(adv, S, A, o);
        res[`${tag} twin`] = () => tw.greedy.greedyTwin(f.adv, S, A, outJs);
        break;
    }
    const diff = (x, y) => {
      let m = 0;
      for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
      return m;
    };
    // |simd - twin| and, where a scalar kernel exists, |simd - scalar|.
    const check = () => {
      let sc;
      if (res[`${tag} scalar`]) {
        res[`${tag} scalar`]();
        sc = view(o, n).slice();
      }
      res[`${tag} simd`]();
      res[`${tag} twin`]();
      const v = view(o, n);
      return { twin: diff(v, outJs), scalar: sc ? diff(v, sc) : undefined };
    };
    return { res, check, result: () => view(o, n).slice() };
  };
  const c = side(cur.wasm, cur.tw, "new");
  Object.assign(out, c.res);
  let diffBase;
  if (base) {
    const b = side(base.wasm, base.tw, "old");
    Object.assign(out, b.res);
    b.res["old simd"]();
    const y = b.result();
    c.res["new simd"]();
    const x = c.result();
    diffBase = 0;
    for (let i = 0; i < n; i++) diffBase = Math.max(diffBase, Math.abs(x[i] - y[i]));
  }
  return { fns: out, diff: c.check(), diffBase };
}

const SHAPES = (values.shapes ?? "25000x4,2500x40,250000x4,25000x40").split(",").map((s) => s.split("x").map(Number));
const KERNELS = ["trl", "ball", "clip", "tv", "l2", "greedy", "tvdist"].filter((k) => !values.only || values.only.split(",").includes(k));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

for (const name of KERNELS) {
  for (const [S, A] of SHAPES) {
    const f = fixture(S, A);
    const { fns, diff, diffBase } = variants(name, f);
    const names = Object.keys(fns);
    // Warm up, and size a batch to ~15 ms for the slowest variant.
    let slowest = 0;
    for (const nm of names) {
      for (let i = 0; i < 3; i++) fns[nm]();
      const t = performance.now();
      fns[nm]();
      slowest = Math.max(slowest, performance.now() - t);
    }
    const batch = Math.max(1, Math.round(15 / Math.max(slowest, 1e-3)));
    const times = Object.fromEntries(names.map((nm) => [nm, []]));
    for (let r = 0; r < REPS; r++) {
      for (const nm of r % 2 ? [...names].reverse() : names) {
        const fn = fns[nm];
        const t = performance.now();
        for (let i = 0; i < batch; i++) fn();
        times[nm].push(((performance.now() - t) / batch) * 1e3);
      }
    }
    const twinNew = median(times["new twin"]);
    const scNew = times["new scalar"] ? median(times["new scalar"]) : undefined;
    console.log(
      `\n${name} S=${S} A=${A}  |simd-twin| ${diff.twin.toExponential(1)}` +
        (diff.scalar !== undefined ? `  |simd-scalar| ${diff.scalar.toExponential(1)}` : "") +
        (diffBase !== undefined ? `  |new-old| ${diffBase.toExponential(1)}` : ""),
    );
    for (const nm of names) {
      const med = median(times[nm]);
      const best = Math.min(...times[nm]);
      console.log(
        `  ${nm.padEnd(11)} median ${med.toFixed(1).padStart(9)} us  best ${best.toFixed(1).padStart(9)} us  ns/state ${((med * 1e3) / S).toFixed(1).padStart(7)}  new-twin/this ${(twinNew / med).toFixed(2)}x` +
          (scNew !== undefined ? `  new-scalar/this ${(scNew / med).toFixed(2)}x` : ""),
      );
    }
  }
}
