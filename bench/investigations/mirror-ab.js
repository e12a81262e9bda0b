#!/usr/bin/env node
// The exp/log-bound Mirror Learning kernels of two (or more) builds of
// mirror.wasm, interleaved in one process, against the plain-TypeScript twins
// of the BUILT package (dist/): mirrorExpUpdate, mirrorLog,
// mirrorLogPolicyCheck, mirrorKl, mirrorTv and mirrorKlBallSolve at the
// shapes of bench/kernels/mirror.js (S*A = 10^5 and 10^6, A = 4 and 40).
//   node bench/investigations/mirror-ab.js [--reps 5] [--kernels exp,log,check,kl,tv,ball]
//        [--shapes 0,1,2,3] [--scalar] old=/path/to/old/mirror.wasm [new=build/mirror.wasm]
// Each build gets its own instance and copy of the inputs; the cases of one
// (kernel, shape) run in turn, rep after rep, so that a busy machine slows
// them alike. The twins are those of the current dist/ (an old build of
// mirrorKlBallSolve, whose search has changed since, meets the new twin).
// Per case: the median over reps of the median of ~60 ms of calls, and the
// minimum over all calls (the speed without contention, the reproducible
// figure on a shared machine); ratios are twin / build and first build / build.
import { join } from "node:path";
import { mirrorPolicies } from "../kernels/fixtures.js";
import { DIST, importFromDist, wasmExports } from "../lib/builds.js";
import { ROOT } from "../lib/harness.js";

const args = process.argv.slice(2);
let kernelNames = ["exp", "log", "check", "kl", "tv", "ball"];
let shapeIndices = [0, 1, 2, 3];
let reps = 5;
let scalar = false;
const builds = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--kernels") kernelNames = args[++i].split(",");
  else if (args[i] === "--shapes") shapeIndices = args[++i].split(",").map(Number);
  else if (args[i] === "--reps") reps = Number(args[++i]);
  else if (args[i] === "--scalar") scalar = true;
  else {
    const eq = args[i].indexOf("=");
    builds.push(eq > 0 ? { name: args[i].slice(0, eq), path: args[i].slice(eq + 1) } : { name: args[i], path: args[i] });
  }
}
if (builds.length === 0) builds.push({ name: "build", path: join(ROOT, "build", "mirror.wasm") });

const dist = (p) => importFromDist(DIST, p);
const exp = await dist("mirror/kernels/exp-update.twin.js");
const kl = await dist("mirror/kernels/kl.twin.js");
const trl = await dist("mirror/kernels/trl.twin.js");

for (const b of builds) {
  b.k = wasmExports(b.path, b.name);
  b.k.memory.grow(1200); // 75 MiB: the inputs of the largest shape
}

const SHAPES = [
  { S: 25_000, A: 4 },
  { S: 2_500, A: 40 },
  { S: 250_000, A: 4 },
  { S: 25_000, A: 40 },
].filter((_, i) => shapeIndices.includes(i));
const DELTA = 0.01;

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed / 2 ** 32);

/** Two random full-support policies, an advantage centred under the first, its log, coefficients 1.3. */
function fixture({ S, A }) {
  const uniform = (lo, hi) => lo + (hi - lo) * rnd();
  return { S, A, ...mirrorPolicies(uniform, S, A), coef: new Float64Array(S).fill(1.3), base: new Float64Array(S) };
}

/** The fixture copied into a build's memory from 1 MiB on; byte addresses. */
function place(k, f) {
  let at = 1 << 20;
  const block = (length, src) => {
    const ptr = at;
    at += length * 8 + 64;
    if (src) new Float64Array(k.memory.buffer, ptr, length).set(src);
    return ptr;
  };
  return {
    pi: block(f.n, f.pi), pi2: block(f.n, f.pi2), adv: block(f.n, f.adv), logPi: block(f.n, f.logPi),
    coef: block(f.S, f.coef), base: block(f.S, f.base), out: block(f.n), logOut: block(f.n), per: block(f.S),
  };
}

const suffix = scalar ? "Scalar" : "Simd";
const CALLS = {
  exp: (k, p, f) => () => k[`mirrorExpUpdate${suffix}`](p.logPi, p.adv, p.coef, f.S, f.A, p.out, p.logOut),
  log: (k, p, f) => () => k[`mirrorLog${suffix}`](p.pi, f.n, p.out),
  check: (k, p, f) => () => k[`mirrorLogPolicyCheck${suffix}`](p.logPi, p.pi, f.S, f.A, p.per),
  kl: (k, p, f) => () => k[`mirrorKl${suffix}`](p.pi, p.pi2, f.S, f.A, p.per),
  tv: (k, p, f) => () => k[`mirrorTv${suffix}`](p.pi, p.pi2, f.S, f.A, p.per),
  ball: (k, p, f) => () => k[`mirrorKlBallSolve${suffix}`](p.pi, p.adv, p.base, f.S, f.A, DELTA, p.out, p.per),
};
const TWINS = {
  exp: (f) => {
    const o = new Float64Array(f.n);
    const l = new Float64Array(f.n);
    return () => exp.expUpdateTwin(f.logPi, f.adv, f.coef, f.S, f.A, o, l);
  },
  log: (f) => {
    const o = new Float64Array(f.n);
    return () => exp.logTwin(f.pi, o);
  },
  check: (f) => {
    const o = new Float64Array(f.S);
    return () => exp.logPolicyCheckTwin(f.logPi, f.pi, f.S, f.A, o);
  },
  kl: (f) => {
    const o = new Float64Array(f.S);
    return () => kl.perStateKlTwin(f.pi, f.pi2, f.S, f.A, o);
  },
  tv: (f) => {
    const o = new Float64Array(f.S);
    return () => kl.perStateTvTwin(f.pi, f.pi2, f.S, f.A, o);
  },
  ball: (f) => {
    const o = new Float64Array(f.n);
    const m = new Float64Array(f.S);
    return () => trl.klBallSolveTwin(f.pi, f.adv, f.base, f.S, f.A, DELTA, o, m);
  },
};

/** ms per call over ~budget ms, in batches of >= 2 ms: each batch's time per call. */
function sample(fn, budget) {
  let t0 = performance.now();
  fn();
  const inner = Math.max(1, Math.ceil(2 / Math.max(performance.now() - t0, 1e-3)));
  const times = [];
  const end = performance.now() + budget;
  do {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    times.push((performance.now() - t0) / inner);
  } while (performance.now() < end || times.length < 3);
  return times;
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const us = (ms) => (ms * 1e3).toFixed(ms < 0.1 ? 1 : 0);

console.log(`mirror-ab: ${builds.map((b) => `${b.name} = ${b.path}`).join(", ")}; ${scalar ? "scalar" : "SIMD"} kernels; ${reps} reps`);
console.log("kernel shape | per case: median us (min us) | ratios twin/x and first/x as median [min]");
for (const shape of SHAPES) {
  const f = fixture(shape);
  for (const name of kernelNames) {
    const cases = [{ name: "twin", fn: TWINS[name](f), t: [], min: Infinity }];
    for (const b of builds) cases.push({ name: b.name, fn: CALLS[name](b.k, place(b.k, f), f), t: [], min: Infinity });
    for (const c of cases) c.fn();
    for (let r = 0; r < reps; r++) {
      for (const c of cases) {
        const times = sample(c.fn, 60);
        c.t.push(median(times));
        c.min = Math.min(c.min, ...times);
      }
    }
    const [twin, first] = cases;
    const cells = cases.map((c) => {
      let cell = `${c.name} ${us(median(c.t))} (${us(c.min)})`;
      if (c !== twin) cell += ` twin/x ${(median(twin.t) / median(c.t)).toFixed(2)} [${(twin.min / c.min).toFixed(2)}]`;
      if (c !== twin && c !== first) cell += ` ${first.name}/x ${(median(first.t) / median(c.t)).toFixed(2)} [${(first.min / c.min).toFixed(2)}]`;
      return cell;
    });
    console.log(`${name.padEnd(5)} S=${f.S} A=${f.A} | ${cells.join(" | ")}`);
  }
}
