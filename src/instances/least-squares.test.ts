import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { denseFeatureTable, featureLogits, linearFeatures, sparseFeatures, tabularFeatures, type LinearFeatures } from "./features.js";
import { DENSE_FIT_MAX_DIM, weightedLeastSquares } from "./least-squares.js";
import { Rng } from "../../test/helpers/algorithms.js";

/** A random sparse feature map: each row k distinct features out of dim, standard normal values. */
function sparseRandom(rng: Rng, S: number, A: number, dim: number, k: number): LinearFeatures {
  const rowStart = [0];
  const columns: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < S * A; i++) {
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(rng.int(dim));
    for (const j of [...chosen].sort((x, y) => x - y)) {
      columns.push(j);
      values.push(rng.normal());
    }
    rowStart.push(columns.length);
  }
  return sparseFeatures({ S, A, dim, rowStart, columns, values });
}

function maxRel(x: Float64Array, y: Float64Array): number {
  let scale = 0;
  let diff = 0;
  for (let j = 0; j < x.length; j++) {
    scale = Math.max(scale, Math.abs(y[j]));
    diff = Math.max(diff, Math.abs(x[j] - y[j]));
  }
  return diff / scale;
}

describe("sparse features", () => {
  const rng = new Rng(31);

  it("a dense table and its compressed rows are the same map (logits, round trip)", () => {
    const phi = sparseRandom(rng, 5, 3, 9, 3);
    const table = denseFeatureTable(phi);
    const dense = linearFeatures({ S: 5, A: 3, dim: 9, values: table });
    expect(Array.from(dense.rowStart)).toEqual(Array.from(phi.rowStart));
    expect(Array.from(dense.columns)).toEqual(Array.from(phi.columns));
    expect(Array.from(dense.values)).toEqual(Array.from(phi.values));
    const theta = Float64Array.from({ length: 9 }, () => rng.normal());
    const z = featureLogits(phi, theta);
    for (let i = 0; i < 15; i++) {
      let ref = 0;
      for (let j = 0; j < 9; j++) ref += table[i * 9 + j] * theta[j];
      expect(z[i]).toBeCloseTo(ref, 13);
    }
  });

  it("one-hot features store one entry per state-action pair", () => {
    const tab = tabularFeatures(2000, 10);
    expect(tab.dim).toBe(20_000);
    expect(tab.values.length).toBe(20_000);
    expect(tab.rowStart[20_000]).toBe(20_000);
  });

  it("names the row, entry and value of malformed compressed rows", () => {
    const ok = { S: 1, A: 2, dim: 3, rowStart: [0, 1, 3], columns: [2, 0, 1], values: [1, 2, 3] };
    expect(() => sparseFeatures(ok)).not.toThrow();
    expect(() => sparseFeatures({ ...ok, columns: [2, 1, 0] })).toThrow(/strictly increasing.*action.*1/s);
    expect(() => sparseFeatures({ ...ok, columns: [3, 0, 1] })).toThrow(/\[0, dim = 3\).*3/s);
    expect(() => sparseFeatures({ ...ok, rowStart: [0, 2, 1] })).toThrow(ValidationError);
    expect(() => sparseFeatures({ ...ok, rowStart: [0, 1, 2] })).toThrow(/end at the number of entries/);
    expect(() => sparseFeatures({ ...ok, rowStart: [0, 1] })).toThrow(/S\*A \+ 1 = 3/);
    expect(() => sparseFeatures({ ...ok, values: [1, NaN, 3] })).toThrow(/finite.*NaN/s);
    expect(() => sparseFeatures({ ...ok, values: [1, 2] })).toThrow(/one value per column entry/);
  });
});

describe("weightedLeastSquares solvers", () => {
  const rng = new Rng(77);

  it("CG and LU give the same minimiser (sparse features, some zero weights; ridge 0 and 1e-12)", () => {
    for (let trial = 0; trial < 5; trial++) {
      const phi = sparseRandom(rng, 40, 4, 30, 4);
      const omega = Float64Array.from({ length: 160 }, (_, i) => (i % 7 === 3 ? 0 : rng.random()));
      const y = Float64Array.from({ length: 160 }, () => rng.normal());
      for (const ridge of [0, 1e-12]) {
        const lu = weightedLeastSquares(phi, y, omega, ridge, { solver: "lu" });
        const cg = weightedLeastSquares(phi, y, omega, ridge, { solver: "cg" });
        expect(lu.solver).toBe("lu");
        expect(cg.solver).toBe("cg");
        expect(cg.iterations).toBeGreaterThan(1);
        expect(maxRel(cg.w, lu.w)).toBeLessThan(1e-9);
        expect(Math.abs(cg.error - lu.error)).toBeLessThan(1e-12 * Math.max(1, lu.error));
      }
    }
  });

  it("one-hot features above the dense limit: CG in one iteration, the exact ridge solution", () => {
    const S = 500;
    const A = 5;
    expect(S * A).toBeGreaterThan(DENSE_FIT_MAX_DIM);
    const tab = tabularFeatures(S, A);
    const y = Float64Array.from({ length: S * A }, () => rng.normal() * 100);
    const omega = Float64Array.from({ length: S * A }, (_, i) => (i % 5 === 0 ? 0 : rng.random() + 1e-3));
    omega[7] = -Infinity;
    expect(() => weightedLeastSquares(tab, y, omega)).toThrow(/weights.*-Infinity/s);
    omega[7] = 0.5;
    y[0] = -Infinity; // weight 0: skipped
    const fit = weightedLeastSquares(tab, y, omega);
    expect(fit.solver).toBe("cg");
    expect(fit.iterations).toBe(1);
    // The Gram matrix is diag(omega) + r I, r = 1e-12 max omega: w = omega y / (omega + r).
    const r = 1e-12 * Math.max(...omega);
    for (let i = 0; i < S * A; i++) {
      if (omega[i] === 0) expect(fit.w[i]).toBe(0);
      else expect(Math.abs(fit.w[i] - (omega[i] * y[i]) / (omega[i] + r))).toBeLessThanOrEqual(1e-15 * Math.abs(y[i]));
    }
    // Without a ridge, features never weighted leave the equations singular.
    expect(() => weightedLeastSquares(tab, y, omega, 0)).toThrow(/singular/);
  });

  it("duplicated features (singular equations, ridge 0): LU says singular, CG returns a minimiser", () => {
    const S = 4;
    const A = 3;
    const values: number[] = [];
    for (let i = 0; i < S * A; i++) {
      const v = rng.normal();
      values.push(v, v, rng.normal());
    }
    const phi = linearFeatures({ S, A, dim: 3, values });
    const y = Float64Array.from({ length: S * A }, () => rng.normal());
    const omega = Float64Array.from({ length: S * A }, () => rng.random());
    expect(() => weightedLeastSquares(phi, y, omega, 0, { solver: "lu" })).toThrow(/singular/);
    const cg = weightedLeastSquares(phi, y, omega, 0, { solver: "cg" });
    // The normal equations hold: the weighted residual is orthogonal to every feature.
    const z = featureLogits(phi, cg.w);
    const table = denseFeatureTable(phi);
    for (let j = 0; j < 3; j++) {
      let g = 0;
      for (let i = 0; i < S * A; i++) g += omega[i] * table[i * 3 + j] * (z[i] - y[i]);
      expect(Math.abs(g)).toBeLessThan(1e-12);
    }
    expect(() => weightedLeastSquares(phi, y, omega, 0, { solver: "qr" as "lu" })).toThrow(/solver/);
  });
});
