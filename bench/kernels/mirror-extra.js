// The Mirror Learning per-state kernels that bench/kernels/mirror.js does not
// cover: the log of a policy (the start of every log-space step), the check of
// a log-policy against its policy, per-state total variation, the per-state KL
// ball (max-KL neighbourhood), the greedy step and AMPO's Tsallis projection,
// against their plain-TypeScript twins (src/mirror/kernels/*.twin.ts), at the same shapes as
// mirror.js: S*A = 10^5 and 10^6 with A = 4 and A = 40.
import { dist } from "../lib/harness.js";
import { mirrorPolicies } from "./fixtures.js";

const SHAPES = [
  { S: 25_000, A: 4 },
  { S: 2_500, A: 40 },
  { S: 250_000, A: 4 },
  { S: 25_000, A: 40 },
];

/** AMPO's Tsallis index in the mirror suite (q = 1/2: the powers are squares). */
const TSALLIS_Q = 0.5;

/** Radius of the per-state KL ball: small enough that it binds in most states. */
const DELTA = 0.01;

export default async function mirrorExtraKernels(lib) {
  const [exp, kl, trl, greedy, tsallis] = await Promise.all(
    ["exp-update", "kl", "trl", "greedy", "tsallis"].map((f) => dist(`mirror/kernels/${f}.twin.js`)),
  );
  if (!exp || !kl || !trl || !greedy || !tsallis) return [];
  const k = lib.kernels();
  const rng = new lib.Rng(11);

  /** Two random full-support policies and an advantage centred under the first, in JS and WASM memory. */
  const fixture = ({ S, A }) => {
    const { n, pi, pi2, adv, logPi } = mirrorPolicies((lo, hi) => rng.uniform(lo, hi), S, A);
    // base = 0: the pure ball (TRPO's max-KL form), the hardest case for the 1-D search.
    const base = new Float64Array(S);
    const blocks = {
      pi: lib.f64Block(n, pi),
      logPi: lib.f64Block(n, logPi),
      pi2: lib.f64Block(n, pi2),
      adv: lib.f64Block(n, adv),
      base: lib.f64Block(S, base),
      out: lib.f64Block(n),
      perState: lib.f64Block(S),
    };
    const free = () => Object.values(blocks).forEach((b) => b.free());
    return { S, A, n, pi, pi2, adv, base, logPi, b: blocks, outJs: new Float64Array(n), perStateJs: new Float64Array(S), free };
  };

  const maxDiff = (x, y) => {
    let m = 0;
    for (let i = 0; i < x.length; i++) {
      // log 0 = -inf on both sides is agreement, not a NaN difference.
      if (x[i] === y[i]) continue;
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
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
    spec("mirrorLog (log pi, log-space start)", (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.n, f.b.out.ptr);
      const twin = () => exp.logTwin(f.pi, f.outJs);
      return {
        simd: run("mirrorLogSimd"),
        scalar: run("mirrorLogScalar"),
        twin,
        check: () => (run("mirrorLogSimd")(), twin(), maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    spec("mirrorLogPolicyCheck (row sums of exp log pi)", (f) => {
      const run = (name) => () => k[name](f.b.logPi.ptr, f.b.pi.ptr, f.S, f.A, f.b.perState.ptr);
      const twin = () => exp.logPolicyCheckTwin(f.logPi, f.pi, f.S, f.A, f.perStateJs);
      return {
        simd: run("mirrorLogPolicyCheckSimd"),
        scalar: run("mirrorLogPolicyCheckScalar"),
        twin,
        check: () => (run("mirrorLogPolicyCheckSimd")(), twin(), maxDiff(f.b.perState.view, f.perStateJs)),
      };
    }),
    spec("mirrorTv (per-state total variation)", (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.b.pi2.ptr, f.S, f.A, f.b.perState.ptr);
      const twin = () => kl.perStateTvTwin(f.pi, f.pi2, f.S, f.A, f.perStateJs);
      return {
        simd: run("mirrorTvSimd"),
        scalar: run("mirrorTvScalar"),
        twin,
        check: () => (run("mirrorTvSimd")(), twin(), maxDiff(f.b.perState.view, f.perStateJs)),
      };
    }),
    spec(`mirrorKlBallSolve (max-KL ball, delta ${DELTA})`, (f) => {
      const run = (name) => () => k[name](f.b.pi.ptr, f.b.adv.ptr, f.b.base.ptr, f.S, f.A, DELTA, f.b.out.ptr, f.b.perState.ptr);
      const twin = () => trl.klBallSolveTwin(f.pi, f.adv, f.base, f.S, f.A, DELTA, f.outJs, f.perStateJs);
      return {
        simd: run("mirrorKlBallSolveSimd"),
        scalar: run("mirrorKlBallSolveScalar"),
        twin,
        check: () => (run("mirrorKlBallSolveSimd")(), twin(), maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    spec("mirrorGreedy (GPI step)", (f) => {
      const run = (name) => () => k[name](f.b.adv.ptr, f.S, f.A, f.b.out.ptr);
      const twin = () => greedy.greedyTwin(f.adv, f.S, f.A, f.outJs);
      return {
        simd: run("mirrorGreedySimd"),
        scalar: run("mirrorGreedyScalar"),
        twin,
        check: () => (run("mirrorGreedySimd")(), twin(), maxDiff(f.b.out.view, f.outJs)),
      };
    }),
    // y = the advantage (AMPO's Step II input is eta Q + grad h(pi_k)): bisection to adjacent doubles per state.
    spec(`mirrorTsallisProject (Tsallis projection, q = ${TSALLIS_Q})`, (f) => {
      const run = (name) => () => k[name](f.b.adv.ptr, TSALLIS_Q, f.S, f.A, f.b.out.ptr);
      const twin = () => tsallis.tsallisProjectionTwin(TSALLIS_Q, f.adv, f.S, f.A, f.outJs);
      return {
        simd: run("mirrorTsallisProjectSimd"),
        scalar: run("mirrorTsallisProjectScalar"),
        twin,
        check: () => (run("mirrorTsallisProjectSimd")(), twin(), maxDiff(f.b.out.view, f.outJs)),
      };
    }),
  ];
}
