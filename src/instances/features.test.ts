import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { denseFeatureTable, featureLogits, linearFeatures, logLinearPolicy, logSoftmaxRows, randomFeatures, sparseFeatures, tabularFeatures } from "./features.js";
import { weightedLeastSquares } from "./least-squares.js";
import { Rng } from "../../test/helpers/algorithms.js";

describe("features and weighted least squares", () => {
  const rng = new Rng(12);
  const S = 6;
  const A = 3;
  const dim = 4;
  const phi = randomFeatures(S, A, dim, rng);
  const omega = Float64Array.from({ length: S * A }, () => rng.random());

  it("recovers w exactly when the target is in the span of the features", () => {
    const wTrue = Float64Array.from([0.5, -2, 3, 1e-3]);
    const y = featureLogits(phi, wTrue);
    const { w, error } = weightedLeastSquares(phi, y, omega, 0);
    for (let j = 0; j < dim; j++) expect(w[j]).toBeCloseTo(wTrue[j], 10);
    expect(error).toBeLessThan(1e-20);
  });

  it("leaves a residual orthogonal to the features under the weights (normal equations)", () => {
    const y = Float64Array.from({ length: S * A }, () => rng.normal());
    const { w, error } = weightedLeastSquares(phi, y, omega, 0);
    const z = featureLogits(phi, w);
    const table = denseFeatureTable(phi);
    for (let j = 0; j < dim; j++) {
      let g = 0;
      for (let i = 0; i < S * A; i++) g += omega[i] * table[i * dim + j] * (z[i] - y[i]);
      expect(Math.abs(g)).toBeLessThan(1e-12);
    }
    expect(error).toBeGreaterThan(0);
    // Perturbing w increases the weighted error.
    const w2 = w.slice();
    w2[0] += 1e-3;
    const z2 = featureLogits(phi, w2);
    let e2 = 0;
    let total = 0;
    for (let i = 0; i < S * A; i++) {
      e2 += omega[i] * (z2[i] - y[i]) ** 2;
      total += omega[i];
    }
    expect(e2 / total).toBeGreaterThan(error);
  });

  it("skips zero-weight rows (their targets may be infinite); singular systems need a ridge", () => {
    const tab = tabularFeatures(2, 2);
    const y = Float64Array.from([1, -Infinity, 3, 4]);
    const w0 = Float64Array.from([1, 0, 1, 1]);
    expect(() => weightedLeastSquares(tab, y, w0, 0)).toThrow(/singular/);
    const { w } = weightedLeastSquares(tab, y, w0);
    expect(w[0]).toBeCloseTo(1, 10);
    expect(w[1]).toBe(0);
    expect(w[3]).toBeCloseTo(4, 10);
    expect(() => weightedLeastSquares(tab, y, Float64Array.from([1, 1, 1, 1]))).toThrow(ValidationError);
  });

  it("log-linear policies: softmax of the logits, rows summing to 1, logs consistent", () => {
    const theta = Float64Array.from([1, -1, 2, 0.5]);
    const { policy, logPolicy } = logLinearPolicy(phi, theta);
    const z = featureLogits(phi, theta);
    for (let s = 0; s < S; s++) {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += policy[s * A + a];
      expect(sum).toBeCloseTo(1, 14);
      for (let a = 1; a < A; a++) expect(logPolicy[s * A + a] - logPolicy[s * A]).toBeCloseTo(z[s * A + a] - z[s * A], 12);
    }
    expect(Array.from(logSoftmaxRows(Float64Array.from([1000, 0, -Infinity]), 1, 3))).toEqual([0, -1000, -Infinity]);
  });

  it("validates shapes and values", () => {
    expect(() => linearFeatures({ S: 2, A: 2, dim: 2, values: new Float64Array(7) })).toThrow(ValidationError);
    expect(() => linearFeatures({ S: 1, A: 2, dim: 1, values: [0, NaN] })).toThrow(/finite/);
    expect(() => featureLogits(phi, new Float64Array(3))).toThrow(ValidationError);
    expect(() => weightedLeastSquares(phi, new Float64Array(2), omega)).toThrow(ValidationError);
    expect(() => weightedLeastSquares(phi, new Float64Array(S * A), omega, -1)).toThrow(ValidationError);
  });
});
