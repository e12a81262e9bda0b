// Mirror Learning per-state kernels (assembly/mirror/*.ts) against their
// plain-TypeScript twins (src/mirror/kernels/*.twin.ts), on random policies with
// A = 4 and A = 40 at S*A = 10^5 and 10^6 (the target sizes).
// Kernels without a SIMD form (they sort) show their one kernel as "SIMD".
import { dist } from "../lib/harness.js";
import { mirrorPolicies } from "./fixtures.js";

const SHAPES = [
  { S: 25_000, A: 4 },
  { S: 2_500, A: 40 },
  { S: 250_000, A: 4 },
  { S: 25_000, A: 40 },
];

export default async function mirrorKernels(lib) {
  const [exp, kl, trl, l2, clip, tv] = await Promise.all(
    ["exp-update", "kl", "trl", "l2", "clip", "tv"].map((f) => dist(`mirror/kernels/${f}.twin.js`)),
  );
  if (!exp || !kl || !trl || !l2 || !clip || !tv) return [];
  const k = lib.kernels();
  const rng = new lib.Rng(3);

  /** A random full-support policy, its log, an advantage centred under it, and unit coefficients. */
  const fixture = ({ S, A }) => {
    const { n, pi, pi2, adv, logPi } = mirrorPolicies((lo, hi) => rng.uniform(lo, hi), S, A);
    const coef = new Float64Array(S).fill(1.3);
    const blocks = {
      pi: lib.f64Block(n, pi),
      pi2: lib.f64Block(n, pi2),
      logPi: lib.f64Block(n, logPi),
      adv: lib.f64Block(n, adv),
      coef: lib.f64Block(S, coef),
      out: lib.f64Block(n),
      logOut: lib.f64Block(n),
      perState: lib.f64Block(S),
      work: lib.f64Block(8 * A),
    };
    const outJs = new Float64Array(n);
    const logOutJs = new Float64Array(n);
    const free = () => Object.values(blocks).forEach((b) => b.free());
    const maxDiff = (x, y) => {
      let m = 0;
      for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
      return m;
    };
    return { S, A, n, pi, pi2, logPi, adv, coef, b: blocks, outJs, logOutJs, free, maxDiff };
  };

  const spec = (kernel, make) => ({
    kernel,
    sizes: SHAPES,
    size: ({ S, A }) => `S = ${S.toLocaleString("en-US")}, A = ${A} (S*A = ${(S * A).toLocaleString("en-US")})`,
    options: { maxTime: 1, minSamples: 5 },
    prepare(shape) {
      const f = fixture(shape);
      return { ...make(f), free: f.free };
    },
  });

  return [
    spec("mirrorExpUpdate (log-space NPG step)", (f) => {
      const run = (name) => () => k[name](f.b.logPi.ptr, f.b.adv.ptr, f.b.coef.ptr, f.S, f.A, f.b.out.ptr, f.b.logOut.ptr);
      const twin = () => exp.expUpdateTwin(f.logPi, f.adv, f.coef, f.S, f.A, f.outJs, f.logOutJs);
      return {
        simd: run("mirrorExpUpdateSimd"),
        scalar: run("mirrorExpUpdateScalar"),
        twin,
        check: () => (run("mirrorExpUpdateSimd")(), twin(), f.maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    spec("mirrorTrlSolve (forward-KL dual)", (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.b.adv.ptr, f.b.coef.ptr, f.S, f.A, f.b.out.ptr);
      const twin = () => trl.trlSolveTwin(f.pi, f.adv, f.coef, f.S, f.A, f.outJs);
      return {
        simd: run("mirrorTrlSolveSimd"),
        scalar: run("mirrorTrlSolveScalar"),
        twin,
        check: () => (run("mirrorTrlSolveSimd")(), twin(), f.maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    spec("mirrorKl (per-state KL)", (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.b.pi2.ptr, f.S, f.A, f.b.perState.ptr);
      const out = new Float64Array(f.S);
      const twin = () => kl.perStateKlTwin(f.pi, f.pi2, f.S, f.A, out);
      return {
        simd: run("mirrorKlSimd"),
        scalar: run("mirrorKlScalar"),
        twin,
        check: () => (run("mirrorKlSimd")(), twin(), f.maxDiff(f.b.perState.view, out)),
      };
    }),
    spec("mirrorL2Solve (simplex projection)", (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.b.adv.ptr, f.b.coef.ptr, f.S, f.A, f.b.out.ptr);
      const twin = () => l2.l2SolveTwin(f.pi, f.adv, f.coef, f.S, f.A, f.outJs);
      return {
        simd: run("mirrorL2SolveSimd"),
        scalar: run("mirrorL2SolveScalar"),
        twin,
        check: () => (run("mirrorL2SolveSimd")(), twin(), f.maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    spec("mirrorClipSolve (PPO water-filling)", (f) => {
      const simd = () => k.mirrorClipSolve(f.b.pi.ptr, f.b.adv.ptr, f.b.coef.ptr, f.S, f.A, 0.2, f.b.out.ptr, f.b.work.ptr);
      const twin = () => clip.clipSolveTwin(f.pi, f.adv, f.coef, f.S, f.A, 0.2, f.outJs);
      return { simd, twin, check: () => (simd(), twin(), f.maxDiff(f.b.out.view, f.outJs)) };
    }),
    spec("mirrorTvSolve (squared-TV drift)", (f) => {
      const simd = () => k.mirrorTvSolve(f.b.pi.ptr, f.b.adv.ptr, f.b.coef.ptr, Infinity, f.S, f.A, f.b.out.ptr, f.b.work.ptr);
      const twin = () => tv.tvSolveTwin(f.pi, f.adv, f.coef, Infinity, f.S, f.A, f.outJs);
      return { simd, twin, check: () => (simd(), twin(), f.maxDiff(f.b.out.view, f.outJs)) };
    }),
  ];
}
