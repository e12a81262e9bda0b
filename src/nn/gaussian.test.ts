import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { Rng } from "../core/rng.js";
import {
  gaussianEntropy, gaussianKl, gaussianKlBackward, gaussianLogProb, gaussianLogProbBackward, gaussianSample,
} from "./gaussian.js";
import { gaussianKlTwin, gaussianLogProbTwin } from "./gaussian.twin.js";

const k = kernels();
const rng = testRng(17);
const f32 = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from(randomArray(rng, n, lo, hi));
const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

describe("Gaussian kernels: SIMD = scalar = TypeScript twin", () => {
  for (const D of [1, 2, 3, 6]) {
    it(`D = ${D}, rows 0..130`, () => {
      for (const rows of PARITY_LENGTHS) {
        scratch((take) => {
          const n = rows * D;
          const mus = f32(n);
          const acts = f32(n, -2, 2);
          const lss = f32(D, -1, 0.5);
          const mu = take(f32Block(n, mus));
          const act = take(f32Block(n, acts));
          const ls = take(f32Block(D, lss));
          const out = [take(f32Block(rows)), take(f32Block(rows))];
          k.nnGaussianLogProbSimd(mu.ptr, ls.ptr, act.ptr, out[0].ptr, rows, D);
          k.nnGaussianLogProbScalar(mu.ptr, ls.ptr, act.ptr, out[1].ptr, rows, D);
          expect(bits(out[0].view)).toEqual(bits(out[1].view));
          expect(maxRelDiff(out[0].view, gaussianLogProbTwin(mus, lss, acts, rows))).toBeLessThan(2e-6);

          const g = take(f32Block(rows, f32(rows)));
          const dmInit = f32(n);
          const dlInit = f32(D);
          const dm = [take(f32Block(n)), take(f32Block(n))];
          const dl = [take(f32Block(D)), take(f32Block(D))];
          for (const accumulate of [0, 1]) {
            for (let t = 0; t < 2; t++) {
              dm[t].set(dmInit);
              dl[t].set(dlInit);
              const fn = t === 0 ? k.nnGaussianLogProbBackwardSimd : k.nnGaussianLogProbBackwardScalar;
              fn(mu.ptr, ls.ptr, act.ptr, g.ptr, 0, dm[t].ptr, dl[t].ptr, rows, D, accumulate);
            }
            expect(bits(dm[0].view)).toEqual(bits(dm[1].view));
            // Summed over rows in a different order: equal to rounding.
            expect(maxRelDiff(dl[0].view, dl[1].view)).toBeLessThan(1e-6 * (rows + 1));
          }

          const mq = f32(n);
          const lq = f32(D, -1, 0.5);
          const meanQ = take(f32Block(n, mq));
          const logStdQ = take(f32Block(D, lq));
          const kl = [take(f32Block(rows)), take(f32Block(rows))];
          k.nnGaussianKlSimd(mu.ptr, ls.ptr, meanQ.ptr, logStdQ.ptr, kl[0].ptr, rows, D);
          k.nnGaussianKlScalar(mu.ptr, ls.ptr, meanQ.ptr, logStdQ.ptr, kl[1].ptr, rows, D);
          expect(bits(kl[0].view)).toEqual(bits(kl[1].view));
          expect(maxRelDiff(kl[0].view, gaussianKlTwin(mus, lss, mq, lq, rows))).toBeLessThan(2e-6);
          const outs = [0, 1].map(() => [take(f32Block(n)), take(f32Block(D)), take(f32Block(n)), take(f32Block(D))]);
          for (let t = 0; t < 2; t++) {
            const fn = t === 0 ? k.nnGaussianKlBackwardSimd : k.nnGaussianKlBackwardScalar;
            const [a, b, c, d] = outs[t];
            fn(mu.ptr, ls.ptr, meanQ.ptr, logStdQ.ptr, 0, 0.5, a.ptr, b.ptr, c.ptr, d.ptr, rows, D, 0);
          }
          expect(bits(outs[0][0].view)).toEqual(bits(outs[1][0].view));
          expect(bits(outs[0][2].view)).toEqual(bits(outs[1][2].view));
          expect(maxRelDiff(outs[0][1].view, outs[1][1].view)).toBeLessThan(1e-6 * (rows + 1));
          expect(maxRelDiff(outs[0][3].view, outs[1][3].view)).toBeLessThan(1e-6 * (rows + 1));
        });
      }
    });
  }
});

/** Central difference of f at x[i] in f64. */
function central(f: () => number, x: Float64Array, i: number, h: number): number {
  const xi = x[i];
  x[i] = xi + h;
  const up = f();
  x[i] = xi - h;
  const down = f();
  x[i] = xi;
  return (up - down) / (2 * h);
}

describe("Gaussian gradients against central finite differences in f64", () => {
  const rows = 7;
  const D = 3;
  const h = 1e-6;

  it("log-density with respect to the means and logStd", () => {
    const mus = f32(rows * D);
    const acts = f32(rows * D, -2, 2);
    const lss = f32(D, -1, 0.5);
    const gs = f32(rows);
    const mu64 = Float64Array.from(mus);
    const ls64 = Float64Array.from(lss);
    const loss = (): number =>
      gaussianLogProbTwin(mu64, ls64, acts, rows).reduce((s, v, r) => s + gs[r] * v, 0);
    scratch((take) => {
      const args = {
        mean: take(f32Block(rows * D, mus)), logStd: take(f32Block(D, lss)), actions: take(f32Block(rows * D, acts)),
        rows, actionDim: D,
      };
      const dMean = take(f32Block(rows * D));
      const dLogStd = take(f32Block(D));
      gaussianLogProbBackward({ ...args, g: take(f32Block(rows, gs)), dMean, dLogStd });
      for (let i = 0; i < rows * D; i++) {
        expect(Math.abs(dMean.view[i] - central(loss, mu64, i, h))).toBeLessThan(1e-5);
      }
      for (let d = 0; d < D; d++) {
        expect(Math.abs(dLogStd.view[d] - central(loss, ls64, d, h))).toBeLessThan(1e-5);
      }
      // The forward value against the twin, through the wrapper.
      const out = take(f32Block(rows));
      gaussianLogProb({ ...args, out });
      expect(maxRelDiff(out.view, gaussianLogProbTwin(mus, lss, acts, rows))).toBeLessThan(2e-6);
    });
  });

  it("KL(P || Q) with respect to both means and both logStds", () => {
    const mp = Float64Array.from(f32(rows * D));
    const mq = Float64Array.from(f32(rows * D));
    const lp = Float64Array.from(f32(D, -1, 0.5));
    const lq = Float64Array.from(f32(D, -1, 0.5));
    const g = f32(rows);
    const loss = (): number => gaussianKlTwin(mp, lp, mq, lq, rows).reduce((s, v, r) => s + g[r] * v, 0);
    scratch((take) => {
      const grads = [take(f32Block(rows * D)), take(f32Block(D)), take(f32Block(rows * D)), take(f32Block(D))];
      gaussianKlBackward({
        meanP: take(f32Block(rows * D, mp)), logStdP: take(f32Block(D, lp)),
        meanQ: take(f32Block(rows * D, mq)), logStdQ: take(f32Block(D, lq)),
        rows, actionDim: D, g: take(f32Block(rows, g)),
        dMeanP: grads[0], dLogStdP: grads[1], dMeanQ: grads[2], dLogStdQ: grads[3],
      });
      [mp, lp, mq, lq].forEach((x, which) => {
        for (let i = 0; i < x.length; i++) {
          expect(Math.abs(grads[which].view[i] - central(loss, x, i, h)), `input ${which}, ${i}`).toBeLessThan(1e-5);
        }
      });
    });
  });
});

describe("Gaussian identities", () => {
  it("KL(P || P) = 0, and KL grows with the distance of the means", () => {
    scratch((take) => {
      const rows = 5;
      const D = 2;
      const mean = take(f32Block(rows * D, f32(rows * D)));
      const logStd = take(f32Block(D, [-0.3, 0.2]));
      const out = take(f32Block(rows));
      gaussianKl({ meanP: mean, logStdP: logStd, meanQ: mean, logStdQ: logStd, out, rows, actionDim: D });
      for (const v of out.view) expect(v).toBe(0);
      const shifted = take(f32Block(rows * D, mean.view.map((v) => v + 1)));
      gaussianKl({ meanP: mean, logStdP: logStd, meanQ: shifted, logStdQ: logStd, out, rows, actionDim: D });
      // (1/2) sum_d 1 / sigma_d^2
      const expected = 0.5 * (Math.exp(0.6) + Math.exp(-0.4));
      for (const v of out.view) expect(v).toBeCloseTo(expected, 5);
    });
  });

  it("the entropy equals the Monte-Carlo mean of -log pi over samples from the head", () => {
    scratch((take) => {
      const rows = 20000;
      const D = 3;
      const lss = [-0.5, 0, 0.7];
      const mean = take(f32Block(rows * D, f32(rows * D)));
      const actions = take(f32Block(rows * D));
      gaussianSample(mean, lss, rows, new Rng(9), actions.view);
      const out = take(f32Block(rows));
      gaussianLogProb({ mean, logStd: take(f32Block(D, lss)), actions, out, rows, actionDim: D });
      let s = 0;
      let s2 = 0;
      for (const v of out.view) {
        s += -v;
        s2 += v * v;
      }
      const m = s / rows;
      const se = Math.sqrt((s2 / rows - m * m) / rows);
      expect(Math.abs(m - gaussianEntropy(lss))).toBeLessThan(5 * se);
    });
  });

  it("rejects non-finite actions with their row and column", () => {
    scratch((take) => {
      const mean = take(f32Block(4, [0, 0, 0, 0]));
      const logStd = take(f32Block(2, [0, 0]));
      const actions = take(f32Block(4, [0, 0, 0, NaN]));
      const out = take(f32Block(2));
      expect(() => gaussianLogProb({ mean, logStd, actions, out, rows: 2, actionDim: 2 })).toThrow(
        /actions: must be finite \(got NaN\) at row 1, column 1/,
      );
      expect(() => gaussianLogProbBackward({ mean, logStd, actions, rows: 2, actionDim: 2, g: Infinity })).toThrow(
        /actions: must be finite/,
      );
    });
  });
});
