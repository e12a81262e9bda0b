// Dense LU with partial pivoting (assembly/linalg/lu.ts: blocked, SIMD)
// against the textbook unblocked twin (src/linalg/lu.twin.ts), on the matrix
// exact evaluation factors: I - gamma P_pi of a dense random MDP (A = 10,
// gamma 0.99, uniform policy). Factorisation works in place, so every timed
// call first copies the matrix back (n^2 against the factorisation's n^3).
// The twin needs seconds at n = 2000, so factorisations run at n = 500, 1000.
import { dist } from "../lib/harness.js";
import { maxDifference } from "./fixtures.js";

/** I - gamma P_pi (n x n, row-major) as a plain array, from the package's kernels. */
function evaluationMatrix(lib, n) {
  const mdp = lib.randomMdp({ S: n, A: 10, gamma: 0.99, seed: 5 });
  const pi = lib.f64Block(n * 10, lib.uniformPolicy(mdp));
  const out = lib.f64Block(n * n);
  lib.kernels().bellmanPolicyMatrixDenseSimd(mdp.blocks.P.ptr, pi.ptr, out.ptr, n, 10, 1, -mdp.gamma);
  const M = out.toArray();
  out.free();
  pi.free();
  mdp.dispose?.();
  return M;
}

export default async function luKernels(lib) {
  const twin = await dist("linalg/lu.twin.js");
  if (!twin) return [];
  const k = lib.kernels();

  const setup = (n) => {
    const M = evaluationMatrix(lib, n);
    const a = lib.f64Block(n * n, M);
    const piv = lib.i32Block(n);
    const work = lib.f64Block(k.luWorkLength(n));
    const plain = M.slice();
    const plainPiv = new Int32Array(n);
    const free = () => (a.free(), piv.free(), work.free());
    return { M, a, piv, work, plain, plainPiv, free };
  };

  return [
    {
      kernel: "luFactor (copy + factor I − γP_π)",
      sizes: [500, 1000],
      size: (n) => `n = ${n.toLocaleString("en-US")}`,
      options: { maxTime: 1, minSamples: 3 },
      prepare(n) {
        const f = setup(n);
        const run = (name) => () => {
          f.a.view.set(f.M);
          return k[name](f.a.ptr, n, f.piv.ptr, f.work.ptr, 0);
        };
        const runTwin = () => {
          f.plain.set(f.M);
          return twin.luFactorTwin(f.plain, n, f.plainPiv, 0);
        };
        return {
          simd: run("luFactorSimd"),
          scalar: run("luFactorScalar"),
          twin: runTwin,
          check: () => (run("luFactorSimd")(), runTwin(), maxDifference(f.a.view, f.plain)),
          free: f.free,
        };
      },
    },
    {
      kernel: "luSolve (b ← A⁻¹b)",
      sizes: [500, 2000],
      size: (n) => `n = ${n.toLocaleString("en-US")}`,
      prepare(n) {
        const f = setup(n);
        k.luFactorSimd(f.a.ptr, n, f.piv.ptr, f.work.ptr, 0);
        const factors = f.a.toArray();
        const pivots = f.piv.toArray();
        const b0 = new Float64Array(n).map((_, i) => Math.sin(i));
        const b = lib.f64Block(n);
        const bPlain = new Float64Array(n);
        const run = (name) => () => {
          b.view.set(b0);
          k[name](f.a.ptr, n, f.piv.ptr, b.ptr);
        };
        const runTwin = () => {
          bPlain.set(b0);
          twin.luSolveTwin(factors, n, pivots, bPlain);
        };
        return {
          simd: run("luSolveSimd"),
          scalar: run("luSolveScalar"),
          twin: runTwin,
          check: () => (run("luSolveSimd")(), runTwin(), maxDifference(b.view, bPlain)),
          free: () => (b.free(), f.free()),
        };
      },
    },
  ];
}
