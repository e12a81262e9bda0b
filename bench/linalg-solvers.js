#!/usr/bin/env node
// The linear solvers exact evaluation stands on, measured once (about a minute):
//   1. dense LU (factorisation, 2n^3/3 flops) in GFLOP/s: blocked SIMD kernel,
//      its scalar twin and the unblocked plain-TypeScript twin, n = 500, 1000, 2000,
//      on uniform random matrices (row swaps at nearly every step);
//   2. GMRES(20) and BiCGSTAB on (I - 0.99 P) x = r: dense random row-stochastic P
//      (n = 500, 2000, WASM gemv operator) and a sparse garnet-style P with 4 next
//      states per row (n = 10^5, plain-TypeScript CSR operator), to |r|_2 <= 1e-10 |b|_2,
//      with the dense LU solve for comparison.
// Usage: node bench/linalg-solvers.js [--dist <dir with the built package's dist/>]
// It runs the built package (npm run build); results go to stdout as a markdown table.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { machine, ROOT } from "./lib/harness.js";

const { values } = parseArgs({ options: { dist: { type: "string", default: join(ROOT, "dist") } } });
const load = (p) => import(pathToFileURL(join(values.dist, p)).href);
const [linalg, arena, module, twins, { Rng }] = await Promise.all([
  load("linalg/index.js"),
  load("core/arena.js"),
  load("core/wasm.js"),
  load("linalg/lu.twin.js"),
  load("core/rng.js"),
]);
const { f64Block, i32Block } = arena;
const k = module.kernels();
const rng = new Rng(2024);
const ms = (t) => (t < 10 ? t.toFixed(2) : t.toFixed(0));

function best(reps, fn) {
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

const m = machine();
console.log(`linear solvers on ${m.cpu} (${m.cores} cores), Node ${m.node}\n`);

// ---------------------------------------------------------------- LU
console.log("| LU factorisation | SIMD ms | SIMD GFLOP/s | scalar ms | scalar GFLOP/s | TS twin ms | TS twin GFLOP/s | SIMD vs TS |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const n of [500, 1000, 2000]) {
  const src = new Float64Array(n * n).map(() => rng.uniform(-1, 1));
  const a = f64Block(n * n);
  const piv = i32Block(n);
  const work = f64Block(k.luWorkLength(n));
  const reps = n <= 1000 ? 5 : 2;
  const kernel = (name) =>
    best(reps, () => {
      a.view.set(src); // n^2 copy, negligible against n^3
      if (k[name](a.ptr, n, piv.ptr, work.ptr, 0) !== -1) throw new Error("singular");
    });
  const simd = kernel("luFactorSimd");
  const scalar = kernel("luFactorScalar");
  const plain = src.slice();
  const twin = best(1, () => {
    plain.set(src);
    twins.luFactorTwin(plain, n, new Int32Array(n));
  });
  const gf = (t) => ((2 * n ** 3) / 3 / t / 1e6).toFixed(2);
  console.log(`| n = ${n} | ${ms(simd)} | ${gf(simd)} | ${ms(scalar)} | ${gf(scalar)} | ${ms(twin)} | ${gf(twin)} | ${(twin / simd).toFixed(0)}× |`);
  a.free();
  piv.free();
  work.free();
}

// ---------------------------------------------------------------- Krylov
const gamma = 0.99;

function denseStochastic(n) {
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += p[i * n + j] = rng.random();
    for (let j = 0; j < n; j++) p[i * n + j] /= s;
  }
  return p;
}

function sparseOperator(n, branching) {
  const cols = new Int32Array(n * branching);
  const vals = new Float64Array(n * branching);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let q = 0; q < branching; q++) {
      cols[i * branching + q] = rng.int(n); // repeats are harmless here
      s += vals[i * branching + q] = rng.random();
    }
    for (let q = 0; q < branching; q++) vals[i * branching + q] /= s;
  }
  return {
    n,
    apply(x, y) {
      const xv = x.view;
      const yv = y.view;
      for (let i = 0, q = 0; i < n; i++) {
        let s = 0;
        for (let e = q + branching; q < e; q++) s += vals[q] * xv[cols[q]];
        yv[i] = xv[i] - gamma * s;
      }
    },
  };
}

console.log("\n| (I − 0.99 P) x = r | method | operator applications | ms | ‖b − Ax‖₂ / ‖b‖₂ | converged |");
console.log("| --- | --- | ---: | ---: | ---: | --- |");
const cases = [
  { name: "dense random P, n = 500", n: 500, dense: true },
  { name: "dense random P, n = 2000", n: 2000, dense: true },
  { name: "sparse P (4 per row), n = 10^5", n: 100_000, dense: false },
];
for (const c of cases) {
  const { n } = c;
  const p = c.dense ? f64Block(n * n, denseStochastic(n)) : undefined;
  const op = c.dense ? linalg.denseOperator(p, n, { scale: -gamma, shift: 1 }) : sparseOperator(n, 4);
  const b = f64Block(n, new Float64Array(n).map(() => rng.random()));
  const x = f64Block(n);
  const bNorm = linalg.nrm2(b);
  for (const [method, solve] of [
    ["GMRES(20)", linalg.gmres],
    ["BiCGSTAB", linalg.bicgstab],
  ]) {
    let result;
    const t = best(3, () => {
      x.view.fill(0);
      result = solve(op, b, x, { tolerance: 1e-10 * bNorm });
    });
    const rel = (result.residualNorm / bNorm).toExponential(1);
    console.log(`| ${c.name} | ${method} | ${result.iterations} | ${ms(t)} | ${rel} | ${result.converged} |`);
  }
  if (c.dense) {
    // The direct alternative: form I - gamma P, factor, solve.
    const a = f64Block(n * n);
    const piv = i32Block(n);
    const t = best(2, () => {
      const av = a.view;
      const pv = p.view;
      for (let i = 0; i < n * n; i++) av[i] = -gamma * pv[i];
      for (let i = 0; i < n; i++) av[i * n + i] += 1;
      x.view.set(b.view);
      linalg.luFactor(a, n, piv);
      linalg.luSolve(a, n, piv, x);
    });
    console.log(`| ${c.name} | LU (form + factor + solve) | – | ${ms(t)} | – | – |`);
    a.free();
    piv.free();
    p.free();
  }
  b.free();
  x.free();
}
