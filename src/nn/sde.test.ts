import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import {
  SDE_EPSILON, SdeNoise, sdeLogProb, sdeLogProbBackward, sdeLogStdGradient, sdeNoisyActions, sdeStd, sdeVarianceWeights, type SdeShape,
} from "./sde.js";
import { SdeHead } from "./sde-head.js";
import { sdeGradientsTwin, sdeLogProbTwin, sdeStdTwin } from "./sde.twin.js";

const k = kernels();
const rng = testRng(23);
const f32 = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from(randomArray(rng, n, lo, hi));
const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer.slice(v.byteOffset, v.byteOffset + 4 * v.length)));

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (floor + Math.abs(b[i])));
  return m;
}

const SHAPES: SdeShape[] = [
  { latentDim: 5, actionDim: 2, fullStd: true, useExpln: false },
  { latentDim: 5, actionDim: 2, fullStd: false, useExpln: false },
  { latentDim: 6, actionDim: 3, fullStd: true, useExpln: true },
  { latentDim: 7, actionDim: 1, fullStd: false, useExpln: true },
];

describe("gSDE kernels: SIMD = scalar (bit for bit)", () => {
  for (const D of [1, 2, 3]) {
    it(`D = ${D}: latent widths 0..130 (rows 3), rows 0..130 (latent width 9)`, () => {
      const cases = [
        ...PARITY_LENGTHS.filter((L) => L > 0).map((L) => [3, L]),
        ...PARITY_LENGTHS.map((rows) => [rows, 9]),
      ];
      for (const [rows, L] of cases) {
        scratch((take) => {
          const mean = take(f32Block(rows * D, f32(rows * D)));
          const latent = take(f32Block(rows * L, f32(rows * L)));
          const w = take(f32Block(D * L, f32(D * L, 0.01, 2)));
          const act = take(f32Block(rows * D, f32(rows * D, -2, 2)));
          const out = [0, 1].map(() => [take(f32Block(rows * D)), take(f32Block(rows)), take(f32Block(rows))]);
          k.nnSdeLogProbSimd(mean.ptr, latent.ptr, w.ptr, act.ptr, out[0][0].ptr, out[0][1].ptr, out[0][2].ptr, rows, L, D, SDE_EPSILON);
          k.nnSdeLogProbScalar(mean.ptr, latent.ptr, w.ptr, act.ptr, out[1][0].ptr, out[1][1].ptr, out[1][2].ptr, rows, L, D, SDE_EPSILON);
          for (let i = 0; i < 3; i++) expect(bits(out[0][i].view)).toEqual(bits(out[1][i].view));
          const sigma = out[0][0];
          const g = take(f32Block(rows, f32(rows)));
          const hRows = take(f32Block(rows, f32(rows)));
          const init = [f32(rows * D), f32(D * L), f32(rows * L)];
          const grads = [0, 1].map(() => [take(f32Block(rows * D)), take(f32Block(D * L)), take(f32Block(rows * L))]);
          for (const accumulate of [0, 1]) {
            for (const [gp, gs, hp, hs] of [[g.ptr, 0, hRows.ptr, 0], [0, 0.7, 0, -0.05]]) {
              for (let t = 0; t < 2; t++) {
                grads[t].forEach((b, i) => b.set(init[i]));
                const fn = t === 0 ? k.nnSdeLogProbBackwardSimd : k.nnSdeLogProbBackwardScalar;
                fn(mean.ptr, latent.ptr, w.ptr, act.ptr, sigma.ptr, gp, gs, hp, hs, grads[t][0].ptr, grads[t][1].ptr, grads[t][2].ptr, rows, L, D, accumulate);
              }
              for (let i = 0; i < 3; i++) expect(bits(grads[0][i].view)).toEqual(bits(grads[1][i].view));
            }
          }
        });
      }
    });
  }
});

/** The wrappers' results (f32 kernels, std in TypeScript) for one shape and data set. */
function kernelResults(shape: SdeShape, mean: Float32Array, latent: Float32Array, logStd: Float32Array, actions: Float32Array, rows: number,
  g: Float32Array, h: Float32Array) {
  const { latentDim: L, actionDim: D } = shape;
  return scratch((take) => {
    const std = sdeStd(logStd, shape);
    const weights = take(f32Block(D * L));
    sdeVarianceWeights(std, L, D, weights.view);
    const refs = {
      mean: take(f32Block(rows * D, mean)), latent: take(f32Block(rows * L, latent)), weights, actions: take(f32Block(rows * D, actions)),
      rows, latentDim: L, actionDim: D,
    };
    const sigma = take(f32Block(rows * D));
    const logp = take(f32Block(rows));
    const entropy = take(f32Block(rows));
    sdeLogProb({ ...refs, sigma, logp, entropy });
    const dMean = take(f32Block(rows * D));
    const dWeights = take(f32Block(D * L));
    const dLatent = take(f32Block(rows * L));
    sdeLogProbBackward({ ...refs, sigma, g: take(f32Block(rows, g)), h: take(f32Block(rows, h)), dMean, dWeights, dLatent });
    const dLogStd = sdeLogStdGradient(dWeights.view, logStd, std, shape, new Float32Array(logStd.length));
    return { logp: logp.toArray(), entropy: entropy.toArray(), sigma: sigma.toArray(), dMean: dMean.toArray(), dLogStd, dLatent: dLatent.toArray() };
  });
}

function dataFor(shape: SdeShape, rows: number) {
  const { latentDim: L, actionDim: D } = shape;
  const nStd = shape.fullStd ? L * D : L;
  // Log-stds on both sides of 0 (expln's two branches), away from the kink at 0.
  const logStd = Float32Array.from(f32(nStd, 0.2, 1), (v, i) => (i % 2 ? v : -v));
  return {
    mean: f32(rows * D), latent: f32(rows * L, -1, 1), logStd, actions: f32(rows * D, -2, 2), g: f32(rows), h: f32(rows, -0.1, 0.1),
  };
}

describe("gSDE head: kernels against the double-precision twin", () => {
  for (const shape of SHAPES) {
    it(`L = ${shape.latentDim}, D = ${shape.actionDim}, fullStd ${shape.fullStd}, expln ${shape.useExpln}`, () => {
      const rows = 13;
      const x = dataFor(shape, rows);
      const got = kernelResults(shape, x.mean, x.latent, x.logStd, x.actions, rows, x.g, x.h);
      const want = sdeLogProbTwin(x.mean, x.latent, x.logStd, x.actions, rows, shape);
      const grads = sdeGradientsTwin(x.mean, x.latent, x.logStd, x.actions, rows, shape, x.g, x.h);
      expect(maxRelDiff(got.logp, want.logp)).toBeLessThan(2e-6);
      expect(maxRelDiff(got.entropy, want.entropy)).toBeLessThan(2e-6);
      expect(maxRelDiff(got.sigma, want.sigma)).toBeLessThan(2e-6);
      expect(maxRelDiff(got.dMean, grads.dMean)).toBeLessThan(3e-6);
      expect(maxRelDiff(got.dLogStd, grads.dLogStd)).toBeLessThan(3e-6);
      expect(maxRelDiff(got.dLatent, grads.dLatent)).toBeLessThan(3e-6);
      expect(maxRelDiff(sdeStd(x.logStd, shape), sdeStdTwin(x.logStd, shape))).toBeLessThan(3e-7);
    });
  }
});

describe("gSDE twin: analytic gradients = central finite differences (double precision)", () => {
  for (const shape of SHAPES) {
    it(`L = ${shape.latentDim}, D = ${shape.actionDim}, fullStd ${shape.fullStd}, expln ${shape.useExpln}`, () => {
      const rows = 4;
      const x = dataFor(shape, rows);
      const toF64 = (a: Float32Array) => Float64Array.from(a);
      const mean = toF64(x.mean), latent = toF64(x.latent), logStd = toF64(x.logStd), actions = toF64(x.actions), g = toF64(x.g), hUp = toF64(x.h);
      const loss = (): number => {
        const r = sdeLogProbTwin(mean, latent, logStd, actions, rows, shape);
        let s = 0;
        for (let i = 0; i < rows; i++) s += g[i] * r.logp[i] + hUp[i] * r.entropy[i];
        return s;
      };
      const grads = sdeGradientsTwin(mean, latent, logStd, actions, rows, shape, g, hUp);
      const step = 1e-6;
      let worst = 0;
      for (const [arr, grad] of [[mean, grads.dMean], [logStd, grads.dLogStd], [latent, grads.dLatent]] as const) {
        for (let i = 0; i < arr.length; i++) {
          const v = arr[i];
          arr[i] = v + step;
          const up = loss();
          arr[i] = v - step;
          const down = loss();
          arr[i] = v;
          const fd = (up - down) / (2 * step);
          worst = Math.max(worst, Math.abs(fd - grad[i]) / (1 + Math.abs(fd)));
        }
      }
      expect(worst).toBeLessThan(1e-8);
    });
  }
});

describe("gSDE noise", () => {
  it("z^T theta: noisy actions as the definition, the same bits for the same draws", () => {
    const shape: SdeShape = { latentDim: 6, actionDim: 2, fullStd: true, useExpln: false };
    const head = new SdeHead({ latentDim: 6, actionDim: 2 });
    const logStd = f32(12, -1, 0.5);
    head.prepare(logStd);
    const rows = 5;
    const noise = new SdeNoise(2, 6, 2).sample(new Rng(4));
    scratch((take) => {
      const mean = take(f32Block(rows * 2, f32(rows * 2)));
      const latent = take(f32Block(rows * 6, f32(rows * 6)));
      const out = head.sample(mean, latent, rows, noise, new Float32Array(rows * 2));
      const std = sdeStdTwin(logStd, shape);
      const mu = mean.view;
      const z = latent.view;
      for (let r = 0; r < rows; r++) {
        for (let d = 0; d < 2; d++) {
          let e = 0;
          for (let j = 0; j < 6; j++) e += z[r * 6 + j] * std[j * 2 + d] * noise.xi[((r % 2) * 6 + j) * 2 + d];
          expect(out[r * 2 + d]).toBeCloseTo(mu[r * 2 + d] + e, 5);
        }
      }
      const again = sdeNoisyActions(mean, latent, head.std, new SdeNoise(2, 6, 2).sample(new Rng(4)), rows, new Float32Array(rows * 2));
      expect(bits(again)).toEqual(bits(out));
    });
    head.dispose();
  });

  it("the noise of one state over many matrices has the head's variance sum_j z_j^2 s_jd^2", () => {
    const head = new SdeHead({ latentDim: 4, actionDim: 2, fullStd: false });
    head.prepare([-0.5, 0.2, -1, 0.4]);
    const n = 20000;
    const noise = new SdeNoise(n, 4, 2).sample(new Rng(9));
    scratch((take) => {
      const z = [0.3, -0.8, 0.5, 0.1];
      const latent = take(f32Block(n * 4, Array.from({ length: n * 4 }, (_, i) => z[i % 4])));
      const mean = take(f32Block(n * 2));
      mean.view.fill(0);
      const out = head.sample(mean, latent, n, noise, new Float32Array(n * 2));
      head.logProb(mean, latent, mean, 1);
      const sigma = head.sigma.toArray();
      for (let d = 0; d < 2; d++) {
        let m2 = 0;
        for (let r = 0; r < n; r++) m2 += out[r * 2 + d] ** 2;
        // sigma^2 - epsilon is the noise's variance; 20000 draws give ~1% relative error.
        expect(m2 / n / (sigma[d] ** 2 - SDE_EPSILON)).toBeCloseTo(1, 1);
      }
    });
    head.dispose();
  });

  it("an Rng draws each row from N(mu, sigma(s)^2), deterministically for a seed", () => {
    const head = new SdeHead({ latentDim: 3, actionDim: 1, useExpln: true });
    head.prepare([0.5, -0.3, 1.2]);
    scratch((take) => {
      const mean = take(f32Block(2, [0.1, -0.2]));
      const latent = take(f32Block(6, [0.2, 0.4, -0.6, 1, 0, 0.5]));
      const a = head.sample(mean, latent, 2, new Rng(1), new Float32Array(2));
      const b = head.sample(mean, latent, 2, new Rng(1), new Float32Array(2));
      expect(bits(a)).toEqual(bits(b));
      const r = new Rng(1);
      const sigma = head.sigma.view;
      expect(a[0]).toBe(Math.fround(Math.fround(0.1) + sigma[0] * r.normal()));
    });
    head.dispose();
  });

  it("checks its arguments", () => {
    expect(() => new SdeHead({ latentDim: 3, actionDim: 1, fullStd: "yes" } as never)).toThrow(ValidationError);
    expect(() => new SdeHead({ latentDim: 3, actionDim: 1, learnFeature: true } as never)).toThrow(/learnFeatures/);
    expect(() => sdeStd([0, 0], { latentDim: 3, actionDim: 1, fullStd: true, useExpln: false })).toThrow(/3 values/);
    expect(() => new SdeNoise(0, 3, 1)).toThrow(ValidationError);
  });
});
