#!/usr/bin/env node
// A/B timing of the TRL dual (mirrorTrlSolve) and the per-state KL ball
// (mirrorKlBallSolve) in ONE process, interleaved: a baseline build of the
// module and its twins against the current ones, so that the noise of a shared
// machine hits every variant alike. Prints, per kernel and shape, the median and
// best time per call of each variant and the ratios against the current TS twin.
//
//   node bench/trl-ab.js [--base <dir>] [--only trl,ball] [--reps <n>] [--shapes 25000x4,...] [--ball-base <x>]
//
// <dir> holds mirror.wasm and dist-mirror/ (a copy of dist/mirror) of the
// baseline; without it only the current build is timed. Fixtures as in
// bench/kernels/mirror.js (coef 1.3) and mirror-extra.js (ball: base 0, delta 0.01;
// --ball-base x gives every state a forward-KL drift of weight x inside the ball).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { mirrorPolicies } from "./kernels/fixtures.js";
import { ROOT } from "./lib/harness.js";

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
  const mod = new WebAssembly.Module(readFileSync(file));
  const inst = new WebAssembly.Instance(mod, { env: { abort: () => { throw new Error("abort"); } } });
  const k = inst.exports;
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

const twinOf = (dir) => import(pathToFileURL(join(dir, "trl.twin.js")).href);
const cur = { wasm: load(join(ROOT, "build", "mirror.wasm")), tw: await twinOf(join(ROOT, "dist", "mirror")) };
const base =
  values.base && existsSync(join(values.base, "mirror.wasm"))
    ? { wasm: load(join(values.base, "mirror.wasm")), tw: await twinOf(join(values.base, "dist-mirror")) }
    : undefined;

/** mulberry32 */
function rngOf(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixture(S, A, seed = 3) {
  const rng = rngOf(seed);
  const { n, pi, adv } = mirrorPolicies((lo, hi) => lo + (hi - lo) * rng(), S, A);
  return { S, A, n, pi, adv, coef: new Float64Array(S).fill(1.3), ballBase: new Float64Array(S).fill(Number(values["ball-base"])) };
}

function variants(name, f) {
  const { S, A, n } = f;
  const side = (w, tw, tag) => {
    const { k, put, alloc, view } = w;
    const pi = put(f.pi);
    const adv = put(f.adv);
    const coef = put(name === "trl" ? f.coef : f.ballBase);
    const o = alloc(n * 8);
    const m = alloc(S * 8);
    const outJs = new Float64Array(n);
    const multJs = new Float64Array(S);
    const res = {};
    if (name === "trl") {
      res[`${tag} simd`] = () => k.mirrorTrlSolveSimd(pi, adv, coef, S, A, o);
      res[`${tag} scalar`] = () => k.mirrorTrlSolveScalar(pi, adv, coef, S, A, o);
      res[`${tag} twin`] = () => tw.trlSolveTwin(f.pi, f.adv, f.coef, S, A, outJs);
    } else {
      res[`${tag} simd`] = () => k.mirrorKlBallSolveSimd(pi, adv, coef, S, A, DELTA, o, m);
      res[`${tag} scalar`] = () => k.mirrorKlBallSolveScalar(pi, adv, coef, S, A, DELTA, o, m);
      res[`${tag} twin`] = () => tw.klBallSolveTwin(f.pi, f.adv, f.ballBase, S, A, DELTA, outJs, multJs);
    }
    const diff = (x, y) => {
      let d = 0;
      for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
      return d;
    };
    const check = () => {
      res[`${tag} scalar`]();
      const sc = view(o, n).slice();
      res[`${tag} simd`]();
      res[`${tag} twin`]();
      return { twin: diff(view(o, n), outJs), scalar: diff(view(o, n), sc) };
    };
    return { res, check, result: () => view(o, n).slice() };
  };
  const c = side(cur.wasm, cur.tw, "new");
  const out = { ...c.res };
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
const KERNELS = ["trl", "ball"].filter((k) => !values.only || values.only.split(",").includes(k));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const name of KERNELS) {
  for (const [S, A] of SHAPES) {
    const f = fixture(S, A);
    const { fns, diff, diffBase } = variants(name, f);
    const names = Object.keys(fns);
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
    const scNew = median(times["new scalar"]);
    console.log(
      `\n${name} S=${S} A=${A}  |simd-twin| ${diff.twin.toExponential(1)}  |simd-scalar| ${diff.scalar.toExponential(1)}` +
        (diffBase !== undefined ? `  |new-old| ${diffBase.toExponential(1)}` : ""),
    );
    for (const nm of names) {
      const med = median(times[nm]);
      const best = Math.min(...times[nm]);
      console.log(
        `  ${nm.padEnd(11)} median ${med.toFixed(1).padStart(9)} us  best ${best.toFixed(1).padStart(9)} us  ns/state ${((med * 1e3) / S).toFixed(1).padStart(7)}  new-twin/this ${(twinNew / med).toFixed(2)}x  new-scalar/this ${(scNew / med).toFixed(2)}x`,
      );
    }
  }
}
