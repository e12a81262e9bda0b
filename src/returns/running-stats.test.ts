import { describe, expect, it } from "vitest";
import { ObsNormalizer, RewardNormalizer, RunningMeanStd } from "./running-stats.js";
import { normalizeAdvantages } from "./advantage.js";
import { RolloutBuffer } from "./rollout-buffer.js";
import { generalizedAdvantageEstimation } from "./gae.js";
import { randomArray, testRng } from "../../test/helpers/lengths.js";

function batchStats(x: Float64Array, d: number): { mean: number[]; var: number[] } {
  const rows = x.length / d;
  const mean = Array.from({ length: d }, (_, j) => { let s = 0; for (let r = 0; r < rows; r++) s += x[r * d + j]; return s / rows; });
  const v = mean.map((m, j) => { let s = 0; for (let r = 0; r < rows; r++) s += (x[r * d + j] - m) ** 2; return s / rows; });
  return { mean, var: v };
}

describe("RunningMeanStd", () => {
  it("merged chunk by chunk equals the whole batch's mean and variance", () => {
    const rng = testRng(3);
    const d = 3;
    const x = randomArray(rng, 3 * 200, -5, 9);
    const rms = new RunningMeanStd(d, 0);
    let at = 0;
    for (const rows of [1, 7, 50, 2, 140]) {
      rms.update(x.subarray(at * d, (at + rows) * d));
      at += rows;
    }
    const ref = batchStats(x, d);
    for (let j = 0; j < d; j++) {
      expect(rms.mean[j]).toBeCloseTo(ref.mean[j], 12);
      expect(rms.var[j]).toBeCloseTo(ref.var[j], 11);
    }
    expect(rms.count).toBe(200);
  });

  it("SB3's prior pseudo-count 1e-4 with mean 0 and var 1 is a weighted pooling", () => {
    const x = Float64Array.from([2, 4, 9]);
    const rms = new RunningMeanStd(1);
    rms.update(x);
    const n = 3 + 1e-4;
    const mean = 15 / n;
    // Pooled second moment about the new mean: prior (1e-4 points, var 1, at 0) plus the data.
    const m2 = 1e-4 * (1 + mean * mean) + [2, 4, 9].reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(rms.mean[0]).toBeCloseTo(mean, 12);
    expect(rms.var[0]).toBeCloseTo(m2 / n, 12);
  });

  it("ObsNormalizer standardises and clips at 10", () => {
    const norm = new ObsNormalizer(2);
    norm.stats.setState({ mean: Float64Array.from([1, -2]), var: Float64Array.from([4, 1e-6]), count: 10 });
    const out = norm.normalize([3, -2, 1, 1], new Float32Array(4));
    expect(out[0]).toBeCloseTo(2 / Math.sqrt(4 + 1e-8), 6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(10);
  });

  it("RewardNormalizer divides by the std of discounted returns and resets them at episode ends", () => {
    const rn = new RewardNormalizer(1, 0.5);
    const out = new Float64Array(1);
    const returns: number[] = [];
    let ret = 0;
    const rs = [1, 2, 3, -1];
    const ends = [0, 1, 0, 0];
    for (let t = 0; t < rs.length; t++) {
      ret = ret * 0.5 + rs[t];
      returns.push(ret);
      rn.step([rs[t]], [ends[t]], out);
      if (ends[t]) ret = 0;
    }
    const ref = new RunningMeanStd(1);
    ref.update(returns.slice(0, 1)); ref.update(returns.slice(1, 2)); ref.update(returns.slice(2, 3)); ref.update(returns.slice(3, 4));
    expect(rn.stats.var[0]).toBeCloseTo(ref.var[0], 12);
    expect(out[0]).toBeCloseTo(-1 / Math.sqrt(ref.var[0] + 1e-8), 12);
  });
});

describe("normalizeAdvantages", () => {
  it("gives mean 0 and unbiased std 1", () => {
    const a = randomArray(testRng(11), 57, -4, 9);
    const z = normalizeAdvantages(a, new Float64Array(57));
    const mean = z.reduce((s, v) => s + v, 0) / 57;
    const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / 56);
    expect(mean).toBeCloseTo(0, 12);
    expect(std).toBeCloseTo(1, 6);
    expect(Array.from(normalizeAdvantages([3.5], new Float64Array(1)))).toEqual([3.5]);
  });
});

describe("RolloutBuffer", () => {
  it("stores steps row-major and computes the same GAE as the array function", () => {
    const nSteps = 6, E = 3, d = 2;
    const buf = new RolloutBuffer(nSteps, E, d);
    const rng = testRng(5);
    const rewards = randomArray(rng, nSteps * E);
    const values = randomArray(rng, nSteps * E);
    const boots = randomArray(rng, nSteps * E);
    const term = Uint8Array.from({ length: nSteps * E }, (_, i) => (i % 7 === 3 ? 1 : 0));
    const trunc = Uint8Array.from({ length: nSteps * E }, (_, i) => (i % 5 === 4 ? 1 : 0));
    for (let t = 0; t < nSteps; t++) {
      const s = t * E;
      const ended = Array.from({ length: E }, (_, e) => term[s + e] | trunc[s + e]);
      const boot = Array.from({ length: E }, (_, e) => (trunc[s + e] && !term[s + e] ? boots[s + e] : 0));
      buf.add(new Float32Array(E * d).fill(t), [t % 2, 1, 0], [-0.5, -0.6, -0.7], values.subarray(s, s + E),
        rewards.subarray(s, s + E), ended, boot);
    }
    expect(buf.full).toBe(true);
    expect(() => buf.add([], [], [], [], [], [], [])).toThrow(/full/);
    buf.computeAdvantages([0.1, 0.2, 0.3], 0.95, 0.7);
    const ref = generalizedAdvantageEstimation({
      rewards, values, lastValues: [0.1, 0.2, 0.3], terminated: term, truncated: trunc, finalValues: boots, numEnvs: E, gamma: 0.95, lambda: 0.7,
    });
    expect(Array.from(buf.gae.advantages.view)).toEqual(Array.from(ref.advantages));
    expect(buf.obs.view[4 * E * d]).toBe(4);
    buf.dispose();
  });
});
