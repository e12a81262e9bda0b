import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch, type Block } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { ValidationError } from "../core/errors.js";
import { Mlp } from "./mlp.js";
import { mlpBackwardTwin, mlpForwardTwin } from "./mlp.twin.js";
import { FisherOperator, fisherCategoricalMetric, fisherGaussianMetric, fisherJvp, fisherVectorProduct } from "./fisher.js";
import {
  fisherCategoricalMetricTwin, fisherGaussianMetricTwin, fisherJvpTwin, fisherVectorProductTwin, meanKlGradientTwin,
  policyOutputTwin, type PolicyTwin,
} from "./fisher.twin.js";
import type { Activation } from "./activation.js";

const k = kernels();
const rng = testRng(41);
/** f32 unit roundoff. */
const U = 2 ** -24;

const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("Fisher tangent kernel: SIMD = scalar = TypeScript twin", () => {
  const shapes: [number, number][] = [[1, 1], [3, 5], [4, 64], [64, 2], [16, 16], [5, 20], [7, 3], [9, 17]];
  for (const [nIn, nOut] of shapes) {
    for (const act of ["none", "tanh", "relu"] as const) {
      it(`${nIn} -> ${nOut}, ${act}, first and later layers, rows 0..130`, () => {
        for (const batch of PARITY_LENGTHS) {
          for (const first of [true, false]) {
            scratch((take) => {
              const hs = Float32Array.from(randomArray(rng, batch * nIn));
              const ts = Float32Array.from(randomArray(rng, batch * nIn));
              const ws = Float32Array.from(randomArray(rng, nIn * nOut));
              const vs = Float32Array.from(randomArray(rng, nIn * nOut));
              const vbs = Float32Array.from(randomArray(rng, nOut));
              const hns = Float32Array.from(randomArray(rng, batch * nOut), (x) => (act === "tanh" ? Math.tanh(2 * x) : act === "relu" ? Math.max(0, x) : x));
              const [h, t, w, v, vb, hn] = [hs, ts, ws, vs, vbs, hns].map((a) => take(f32Block(Math.max(1, a.length), a.length ? a : [0])));
              const outs = [take(f32Block(Math.max(1, batch * nOut))), take(f32Block(Math.max(1, batch * nOut)))];
              const pack = take(f32Block(Math.max(1, batch * nIn)));
              const wn = take(f32Block(6 * nIn));
              const code = act === "tanh" ? 1 : act === "relu" ? 2 : 0;
              const tp = first ? 0 : t.ptr;
              const wp = first ? 0 : w.ptr;
              k.nnFisherJvpSimd(h.ptr, tp, wp, v.ptr, vb.ptr, hn.ptr, code, outs[0].ptr, pack.ptr, wn.ptr, batch, nIn, nOut);
              k.nnFisherJvpScalar(h.ptr, tp, wp, v.ptr, vb.ptr, hn.ptr, code, outs[1].ptr, pack.ptr, wn.ptr, batch, nIn, nOut);
              const simd = outs[0].view.subarray(0, batch * nOut);
              const scal = outs[1].view.subarray(0, batch * nOut);
              const ref = fisherJvpTwin(hs, first ? undefined : ts, ws, vs, vbs, hns, act, batch, nIn, nOut);
              const NV = nOut & ~3;
              const K = first ? nIn : 2 * nIn;
              const simdBits = new Int32Array(simd.buffer, simd.byteOffset, simd.length);
              const scalBits = new Int32Array(scal.buffer, scal.byteOffset, scal.length);
              let bitMismatch = "";
              let worst = 0;
              for (let r = 0; r < batch; r++) {
                for (let o = 0; o < nOut; o++) {
                  const i = r * nOut + o;
                  // Vector columns: the same sums in the same order, bit for bit.
                  if (o < NV && simdBits[i] !== scalBits[i] && !bitMismatch) bitMismatch = `row ${r} col ${o}: ${simd[i]} vs ${scal[i]}`;
                  // Sequential f32 summation of K + 1 terms errs by at most (K + 1) u sum |terms| (Higham 2002, the inner-product error bound).
                  let abs = Math.abs(vbs[o]);
                  for (let j = 0; j < nIn; j++) abs += Math.abs(hs[r * nIn + j] * vs[j * nOut + o]) + (first ? 0 : Math.abs(ts[r * nIn + j] * ws[j * nOut + o]));
                  const tol = (K + 3) * U * abs + 1e-30;
                  worst = Math.max(worst, Math.abs(simd[i] - ref[i]) / tol, Math.abs(scal[i] - ref[i]) / tol);
                }
              }
              expect(bitMismatch, `rows ${batch}, first ${first}`).toBe("");
              expect(worst, `rows ${batch}, first ${first}: error / bound`).toBeLessThanOrEqual(1);
            });
          }
        }
      });
    }
  }

  it("the wrapper checks shapes and overlap", () => {
    scratch((take) => {
      const h = take(f32Block(6)), v = take(f32Block(6)), vb = take(f32Block(2)), out = take(f32Block(6));
      fisherJvp({ h, v, vb, out, batch: 3, nIn: 2, nOut: 2 });
      expect(() => fisherJvp({ h, v, vb, out: h, batch: 3, nIn: 2, nOut: 2 })).toThrow(/must not overlap h/);
      expect(() => fisherJvp({ h, v, vb: take(f32Block(1)), out, batch: 3, nIn: 2, nOut: 2 })).toThrow(ValidationError);
      expect(() => fisherJvp({ h, t: h, v, vb, out, batch: 3, nIn: 2, nOut: 2 })).toThrow(/w/);
    });
  });
});

describe("Fisher metric kernels: SIMD = scalar = TypeScript twin", () => {
  for (const A of [1, 2, 3, 6]) {
    for (const masked of [false, true]) {
      it(`categorical, A = ${A}, ${masked ? "masked" : "no mask"}, rows 0..130`, () => {
        for (const rows of PARITY_LENGTHS) {
          scratch((take) => {
            const n = rows * A;
            const logits = randomArray(rng, n, -3, 3);
            const lp = new Float32Array(n);
            for (let r = 0; r < rows; r++) {
              const allowed = Array.from({ length: A }, (_, j) => !masked || j === r % A || rng() < 0.6);
              let m = -Infinity;
              for (let j = 0; j < A; j++) if (allowed[j]) m = Math.max(m, logits[r * A + j]);
              let s = 0;
              for (let j = 0; j < A; j++) if (allowed[j]) s += Math.exp(logits[r * A + j] - m);
              for (let j = 0; j < A; j++) lp[r * A + j] = allowed[j] ? logits[r * A + j] - m - Math.log(s) : -Infinity;
            }
            const us = Float32Array.from(randomArray(rng, n, -2, 2));
            const logp = take(f32Block(Math.max(1, n), n ? lp : [0]));
            const u = take(f32Block(Math.max(1, n), n ? us : [0]));
            const o = [take(f32Block(Math.max(1, n))), take(f32Block(Math.max(1, n)))];
            const scale = 1 / Math.max(1, rows);
            k.nnFisherCategoricalSimd(logp.ptr, u.ptr, o[0].ptr, rows, A, scale);
            k.nnFisherCategoricalScalar(logp.ptr, u.ptr, o[1].ptr, rows, A, scale);
            expect(bits(o[0].view.subarray(0, n))).toEqual(bits(o[1].view.subarray(0, n)));
            const ref = fisherCategoricalMetricTwin(lp, us, rows, A, scale);
            // exp within a few ulps, a sum of A products: relative 1e-6 of the row's scale.
            expect(maxAbsDiff(o[0].view.subarray(0, n), ref)).toBeLessThan(1e-6 * 4 * scale);
            let maskedNonZero = 0;
            for (let i = 0; i < n; i++) if (lp[i] === -Infinity && o[0].view[i] !== 0) maskedNonZero++;
            expect(maskedNonZero).toBe(0);
            // In place (out = u) gives the same bits.
            if (n > 0) {
              k.nnFisherCategoricalSimd(logp.ptr, u.ptr, u.ptr, rows, A, scale);
              expect(bits(u.view.subarray(0, n))).toEqual(bits(o[1].view.subarray(0, n)));
            }
          });
        }
      });
    }
  }

  for (const D of [1, 2, 3, 4, 5, 9]) {
    it(`Gaussian, D = ${D}, rows 0..130`, () => {
      for (const rows of PARITY_LENGTHS) {
        scratch((take) => {
          const n = rows * D;
          const ls = Float32Array.from(randomArray(rng, D, -1.5, 1));
          const us = Float32Array.from(randomArray(rng, n, -2, 2));
          const logStd = take(f32Block(D, ls));
          const u = take(f32Block(Math.max(1, n), n ? us : [0]));
          const o = [take(f32Block(Math.max(1, n))), take(f32Block(Math.max(1, n)))];
          k.nnFisherGaussianSimd(u.ptr, logStd.ptr, o[0].ptr, rows, D, 0.5);
          k.nnFisherGaussianScalar(u.ptr, logStd.ptr, o[1].ptr, rows, D, 0.5);
          expect(bits(o[0].view.subarray(0, n))).toEqual(bits(o[1].view.subarray(0, n)));
          const ref = fisherGaussianMetricTwin(us, ls, rows, 0.5);
          let bad = 0;
          for (let i = 0; i < n; i++) if (!(Math.abs(o[0].view[i] - ref[i]) <= 8 * U * Math.abs(ref[i]))) bad++;
          expect(bad).toBe(0);
        });
      }
    });
  }

  it("damping: SIMD = scalar at lengths 0..130", () => {
    for (const n of PARITY_LENGTHS) {
      scratch((take) => {
        const vs = Float32Array.from(randomArray(rng, n));
        const init = Float32Array.from(randomArray(rng, n));
        const v = take(f32Block(Math.max(1, n), n ? vs : [0]));
        const o = [take(f32Block(Math.max(1, n), n ? init : [0])), take(f32Block(Math.max(1, n), n ? init : [0]))];
        k.nnFisherDampSimd(v.ptr, o[0].ptr, n, 0.1);
        k.nnFisherDampScalar(v.ptr, o[1].ptr, n, 0.1);
        expect(bits(o[0].view.subarray(0, n))).toEqual(bits(o[1].view.subarray(0, n)));
        expect(maxAbsDiff(o[0].view.subarray(0, n), Float64Array.from(init, (x, i) => x + 0.1 * vs[i]))).toBeLessThan(1e-6);
      });
    }
  });

  it("the wrappers check their arguments", () => {
    scratch((take) => {
      const a = take(f32Block(6)), b = take(f32Block(6));
      fisherCategoricalMetric({ logp: a, u: b, out: b, rows: 2, actionCount: 3 });
      fisherGaussianMetric({ u: a, logStd: take(f32Block(3)), out: a, rows: 2, actionDim: 3 });
      expect(() => fisherCategoricalMetric({ logp: a, u: b, out: b, rows: 3, actionCount: 3 })).toThrow(/holds 6 values, 9 needed/);
      expect(() => fisherGaussianMetric({ u: a, logStd: take(f32Block(2)), out: a, rows: 2, actionDim: 3 })).toThrow(/logStd/);
    });
  });
});

// ----- the whole product -----

interface Case {
  name: string;
  obs: number;
  netArch: number[];
  A: number;
  activation: Activation;
  head: "categorical" | "gaussian";
  rows: number;
}

const CASES: Case[] = [
  { name: "categorical tanh 3-5-4-3", obs: 3, netArch: [5, 4], A: 3, activation: "tanh", head: "categorical", rows: 7 },
  { name: "categorical relu 4-16-2", obs: 4, netArch: [16], A: 2, activation: "relu", head: "categorical", rows: 33 },
  { name: "categorical linear 6-4", obs: 6, netArch: [], A: 4, activation: "tanh", head: "categorical", rows: 5 },
  { name: "Gaussian tanh 3-6-2", obs: 3, netArch: [6], A: 2, activation: "tanh", head: "gaussian", rows: 9 },
  { name: "Gaussian relu 2-8-8-1", obs: 2, netArch: [8, 8], A: 1, activation: "relu", head: "gaussian", rows: 20 },
];

/** A network with random (not orthogonal-init-small) parameters, its f64 twin, a batch, and log-stds for a Gaussian head. */
function setUp(c: Case) {
  const mlp = new Mlp({ inputSize: c.obs, outputSize: c.A, netArch: c.netArch, activation: c.activation, seed: 3 });
  const p = Float32Array.from(randomArray(rng, mlp.parameterCount, -0.8, 0.8));
  mlp.setParameters(p);
  const x = Float32Array.from(randomArray(rng, c.rows * c.obs, -2, 2));
  const ls = Float32Array.from(randomArray(rng, c.A, -1, 0.5));
  const logStd = f32Block(c.A, ls);
  const policy: PolicyTwin = { params: Float64Array.from(p), sizes: mlp.sizes, activation: c.activation, head: c.head, logStd: Float64Array.from(ls) };
  const size = mlp.parameterCount + (c.head === "gaussian" ? c.A : 0);
  return { mlp, x, logStd, policy, size };
}

/** F v through the WebAssembly operator. */
function wasmFvp(mlp: Mlp, x: Float32Array, rows: number, head: Case["head"], logStd: Block<"f32">, v: ArrayLike<number>, damping = 0): Float32Array {
  return scratch((take) => {
    const size = mlp.parameterCount + (head === "gaussian" ? mlp.outputSize : 0);
    const vb = take(f32Block(size, v));
    const out = take(f32Block(size));
    fisherVectorProduct({ mlp, obs: x, rows, head, logStd: head === "gaussian" ? logStd : undefined, v: vb, out, damping });
    return out.toArray();
  });
}

/**
 * The exact Fisher matrix E_s E_{a~pi} [grad log pi grad log pi^T] from score
 * outer products: categorical, summed over every action; Gaussian, by 3-point
 * Gauss-Hermite quadrature in each dimension, exact here because every entry
 * of the outer product is a polynomial of degree <= 4 in the action.
 */
function scoreFisher(c: Case, policy: PolicyTwin, x: Float32Array): Float64Array[] {
  const rows = c.rows;
  const A = c.A;
  const P = policy.params.length;
  const n = P + (c.head === "gaussian" ? A : 0);
  const F = Array.from({ length: n }, () => new Float64Array(n));
  const addOuter = (s: Float64Array, w: number): void => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) F[i][j] += (w * s[i] * s[j]) / rows;
  };
  for (let r = 0; r < rows; r++) {
    const xr = x.subarray(r * c.obs, (r + 1) * c.obs);
    const passR = mlpForwardTwin(policy.params, policy.sizes, policy.activation, xr, 1);
    if (c.head === "categorical") {
      const { logp } = policyOutputTwin(policy, xr, 1);
      for (let a = 0; a < A; a++) {
        // d log pi(a) / d logits = e_a - pi.
        const d = Float64Array.from({ length: A }, (_, j) => (j === a ? 1 : 0) - Math.exp(logp![j]));
        addOuter(mlpBackwardTwin(policy.params, policy.sizes, policy.activation, xr, 1, passR, d).grads, Math.exp(logp![a]));
      }
    } else {
      const nodes = [-Math.sqrt(3), 0, Math.sqrt(3)];
      const weights = [1 / 6, 2 / 3, 1 / 6];
      for (let idx = 0; idx < 3 ** A; idx++) {
        let w = 1;
        const z = new Float64Array(A);
        for (let d = 0, q = idx; d < A; d++, q = Math.floor(q / 3)) {
          z[d] = nodes[q % 3];
          w *= weights[q % 3];
        }
        // a = mu + sigma z: d log pi / d mu = z / sigma, d log pi / d log sigma = z^2 - 1.
        const dMu = Float64Array.from(z, (zd, d) => zd / Math.exp(policy.logStd![d]));
        const s = new Float64Array(n);
        s.set(mlpBackwardTwin(policy.params, policy.sizes, policy.activation, xr, 1, passR, dMu).grads);
        for (let d = 0; d < A; d++) s[P + d] = z[d] * z[d] - 1;
        addOuter(s, w);
      }
    }
  }
  return F;
}

describe("FisherOperator: F v = J^T M J v + damping v", () => {
  for (const c of CASES) {
    it(`${c.name}: equals the f64 twin, the explicit score Fisher and finite differences of the mean-KL gradient`, () => {
      const { mlp, x, logStd, policy, size } = setUp(c);
      try {
        const v = randomArray(rng, size);
        const fv = wasmFvp(mlp, x, c.rows, c.head, logStd, v);
        const twin = fisherVectorProductTwin(policy, x, c.rows, v);
        // f32 against f64: sums of at most a few dozen terms per entry, each rounded (and our tanh within 3.3e-7).
        expect(maxAbsDiff(fv, twin)).toBeLessThan(2e-5 * norm(twin));

        // The explicit Fisher from score outer products (f64, exact expectation over actions).
        const F = scoreFisher(c, policy, x);
        const explicit = F.map((row) => dot(row, v));
        expect(maxAbsDiff(twin, explicit)).toBeLessThan(1e-10 * norm(explicit));

        // Central differences of the mean-KL gradient along v (f64): the Hessian of the KL at theta_old.
        const old = policyOutputTwin(policy, x, c.rows).out;
        const eps = 1e-6;
        const shifted = (sign: number): Float64Array => {
          const params = Float64Array.from(policy.params, (p, i) => p + sign * eps * v[i]);
          const P = params.length;
          const ls = policy.logStd ? Float64Array.from(policy.logStd, (l, d) => l + sign * eps * v[P + d]) : undefined;
          return meanKlGradientTwin({ ...policy, params, logStd: ls }, x, c.rows, old, policy.logStd);
        };
        const up = shifted(1);
        const down = shifted(-1);
        const fd = Float64Array.from(up, (u, i) => (u - down[i]) / (2 * eps));
        // Truncation error O(eps^2) plus f64 rounding O(1e-16 / eps); relu is piecewise linear, and a kink
        // lies within eps |tangent| of a pre-activation with probability ~1e-6 per unit and row.
        expect(maxAbsDiff(fd, twin)).toBeLessThan(1e-7 * norm(twin));
        // At theta_old itself the KL gradient vanishes.
        expect(norm(meanKlGradientTwin(policy, x, c.rows, old, policy.logStd))).toBeLessThan(1e-14);
      } finally {
        mlp.dispose();
        logStd.free();
      }
    });

    it(`${c.name}: symmetric, positive semi-definite, damping adds lambda v`, () => {
      const { mlp, x, logStd, size } = setUp(c);
      try {
        const u = randomArray(rng, size);
        const v = randomArray(rng, size);
        const fu = wasmFvp(mlp, x, c.rows, c.head, logStd, u);
        const fv = wasmFvp(mlp, x, c.rows, c.head, logStd, v);
        const scale = norm(fu) * norm(v) + norm(fv) * norm(u);
        expect(Math.abs(dot(u, fv) - dot(v, fu))).toBeLessThan(1e-5 * scale);
        for (let trial = 0; trial < 5; trial++) {
          const w = randomArray(rng, size);
          const fw = wasmFvp(mlp, x, c.rows, c.head, logStd, w);
          expect(dot(w, fw)).toBeGreaterThan(-1e-6 * norm(w) * norm(fw));
          const damped = wasmFvp(mlp, x, c.rows, c.head, logStd, w, 0.25);
          expect(maxAbsDiff(damped, Float64Array.from(fw, (f, i) => f + 0.25 * w[i]))).toBeLessThan(1e-6 * (norm(fw) + norm(w)));
        }
      } finally {
        mlp.dispose();
        logStd.free();
      }
    });
  }

  it("an operator keeps theta_old: many products on one prepared batch, parameters changed afterwards", () => {
    const c = CASES[0];
    const { mlp, x, logStd, policy, size } = setUp(c);
    const op = new FisherOperator(mlp, { head: "categorical", damping: 0.1 });
    try {
      mlp.forward(x, c.rows);
      expect(op.prepare()).toBe(c.rows);
      mlp.setParameters(new Float32Array(mlp.parameterCount).fill(0.3));
      mlp.forward(x.subarray(0, c.obs), 1);
      scratch((take) => {
        for (let trial = 0; trial < 3; trial++) {
          const v = randomArray(rng, size);
          const vb = take(f32Block(size, v));
          const out = take(f32Block(size));
          op.apply(vb, out);
          const ref = fisherVectorProductTwin(policy, x, c.rows, v, 0.1);
          expect(maxAbsDiff(out.view, ref)).toBeLessThan(2e-5 * norm(ref));
        }
      });
    } finally {
      op.dispose();
      mlp.dispose();
      logStd.free();
    }
  });

  it("categorical: given log-probabilities with masked actions use the masked distribution", () => {
    const c: Case = { name: "masked", obs: 3, netArch: [4], A: 4, activation: "tanh", head: "categorical", rows: 6 };
    const { mlp, x, logStd, policy, size } = setUp(c);
    try {
      mlp.forward(x, c.rows);
      const logits = mlp.lastOutput.toArray();
      const mask = Array.from({ length: c.rows * c.A }, (_, i) => (i % c.A === 0 || (i * 7) % 3 !== 0 ? 1 : 0));
      const lp = new Float32Array(c.rows * c.A);
      for (let r = 0; r < c.rows; r++) {
        let s = 0;
        for (let j = 0; j < c.A; j++) if (mask[r * c.A + j]) s += Math.exp(logits[r * c.A + j]);
        for (let j = 0; j < c.A; j++) lp[r * c.A + j] = mask[r * c.A + j] ? logits[r * c.A + j] - Math.log(s) : -Infinity;
      }
      scratch((take) => {
        const v = randomArray(rng, size);
        const logp = take(f32Block(lp.length, lp));
        const vb = take(f32Block(size, v));
        const out = take(f32Block(size));
        fisherVectorProduct({ mlp, obs: x, rows: c.rows, head: "categorical", logp, v: vb, out });
        // Masked actions have probability 0: their logits' tangents do not matter.
        const ref = fisherVectorProductTwin(policy, x, c.rows, v, 0, lp);
        expect(maxAbsDiff(out.view, ref)).toBeLessThan(2e-5 * norm(ref));
      });
    } finally {
      mlp.dispose();
      logStd.free();
    }
  });

  it("checks its options and its state", () => {
    const mlp = new Mlp({ inputSize: 2, outputSize: 2, netArch: [3], seed: 1 });
    const ls = f32Block(2);
    try {
      expect(() => new FisherOperator(mlp, { head: "categorical", dampng: 1 } as never)).toThrow(/did you mean "damping"/);
      expect(() => new FisherOperator(mlp, { head: "softmax" as never })).toThrow(/head/);
      expect(() => new FisherOperator(mlp, { head: "gaussian" })).toThrow(/logStd/);
      expect(() => new FisherOperator(mlp, { head: "categorical", logStd: ls })).toThrow(/Gaussian head only/);
      expect(() => new FisherOperator(mlp, { head: "categorical", damping: -1 })).toThrow(/damping/);
      const op = new FisherOperator(mlp, { head: "categorical" });
      const v = f32Block(op.size);
      const out = f32Block(op.size);
      expect(() => op.apply(v, out)).toThrow(/prepare/);
      mlp.forward([0.1, 0.2], 1);
      op.prepare();
      expect(() => op.apply(v, v)).toThrow(/must not overlap v/);
      expect(() => op.apply(f32Block(3), out)).toThrow(/holds 3 values/);
      op.dispose();
      v.free();
      out.free();
      expect(() => fisherVectorProduct({ mlp, obs: [0, 0], rows: 0, head: "categorical", v: ls, out: ls })).toThrow(/rows/);
    } finally {
      ls.free();
      mlp.dispose();
    }
  });
});
