import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import { tsallis, tsallisDivergence, tsallisDrift, tsallisGradient, tsallisProjection } from "./tsallis.js";
import { Rng } from "../../../test/helpers/algorithms.js";

/** Euclidean projection of v onto the simplex (sort-based, Held et al. 1974), an independent reference for q = 2. */
function simplexProjection(v: number[]): number[] {
  const u = [...v].sort((a, b) => b - a);
  let css = 0;
  let theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i];
    const t = (css - 1) / (i + 1);
    if (u[i] - t > 0) theta = t;
  }
  return v.map((x) => Math.max(x - theta, 0));
}

describe("Tsallis mirror map", () => {
  const rng = new Rng(10);
  const S = 40;
  const A = 5;
  const y = Float64Array.from({ length: S * A }, () => 3 * rng.normal());

  it("projection satisfies the KKT conditions: grad h(p_a) - y_a is the same for every action with p_a > 0", () => {
    for (const q of [0.1, 0.5, 0.9, 1.5, 2, 3]) {
      const p = tsallisProjection(q, y, S, A);
      const g = tsallisGradient(q, p);
      for (let s = 0; s < S; s++) {
        let sum = 0;
        let lambda = NaN;
        for (let a = 0; a < A; a++) {
          const i = s * A + a;
          sum += p[i];
          if (p[i] > 0) {
            const l = y[i] - g[i];
            if (Number.isNaN(lambda)) lambda = l;
            expect(Math.abs(l - lambda)).toBeLessThan(1e-9 * (1 + Math.abs(lambda)));
          }
        }
        expect(sum).toBeCloseTo(1, 14);
        // Zero entries (q > 1 only) are those whose y is below the threshold: grad h(0) = 0 >= y_a - lambda.
        for (let a = 0; a < A; a++) if (p[s * A + a] === 0) expect(y[s * A + a] - lambda).toBeLessThanOrEqual(1e-9);
        if (q < 1) for (let a = 0; a < A; a++) expect(p[s * A + a]).toBeGreaterThan(0);
      }
    }
  });

  it("q = 2 is the Euclidean projection of y/2; q -> 1 approaches softmax(y)", () => {
    const p2 = tsallisProjection(2, y, S, A);
    for (let s = 0; s < S; s++) {
      const ref = simplexProjection(Array.from(y.subarray(s * A, s * A + A), (v) => v / 2));
      for (let a = 0; a < A; a++) expect(p2[s * A + a]).toBeCloseTo(ref[a], 13);
    }
    for (const q of [1 - 1e-6, 1 + 1e-6]) {
      const p = tsallisProjection(q, y, S, A);
      for (let s = 0; s < S; s++) {
        const row = Array.from(y.subarray(s * A, s * A + A));
        const m = Math.max(...row);
        const z = row.reduce((t, v) => t + Math.exp(v - m), 0);
        for (let a = 0; a < A; a++) expect(Math.abs(p[s * A + a] - Math.exp(row[a] - m) / z)).toBeLessThan(1e-4);
      }
    }
  });

  it("huge and -Infinity entries: shift-invariant, no NaN", () => {
    // Multiples of 1/64 stay exact after adding 2^40, so the shifted problem is exactly the same one.
    const grid = y.map((v) => Math.round(v * 64) / 64);
    for (const q of [0.5, 2]) {
      const p = tsallisProjection(q, grid.map((v) => 2 ** 40 + v), S, A);
      const ref = tsallisProjection(q, grid, S, A);
      for (let i = 0; i < S * A; i++) expect(Math.abs(p[i] - ref[i])).toBeLessThan(1e-13);
    }
    const holes = Float64Array.from([0, -Infinity, 1, -Infinity, -Infinity, 2]);
    const h = tsallisProjection(0.5, holes, 2, 3);
    expect(h[1]).toBe(0);
    expect(Array.from(h.subarray(3))).toEqual([0, 0, 1]);
    expect(() => tsallisProjection(2, holes, 2, 3)).toThrow(ValidationError);
  });

  it("the Bregman drift: >= 0, zero at pi_old, gradient matching finite differences, |p - r|^2 at q = 2", () => {
    const r = Float64Array.from([0.2, 0.3, 0.5]);
    const p = Float64Array.from([0.5, 0.1, 0.4]);
    expect(tsallisDivergence(2, p, r, 0, 3)).toBeCloseTo(0.09 + 0.04 + 0.01, 15);
    for (const q of [0.5, 1.5, 2.5]) {
      const drift = tsallisDrift(q, 2);
      expect(drift.value(r, r, 0, 3)).toBe(0);
      expect(drift.value(r, p, 0, 3)).toBeGreaterThan(0);
      const g = new Float64Array(3);
      drift.gradient(r, p, 0, 3, g);
      const h = 1e-6;
      for (let a = 0; a < 3; a++) {
        const up = p.slice();
        const down = p.slice();
        up[a] += h;
        down[a] -= h;
        // The divergence's extension off the simplex has exactly this gradient.
        expect((drift.value(r, up, 0, 3) - drift.value(r, down, 0, 3)) / (2 * h)).toBeCloseTo(g[a], 6);
      }
      drift.gradient(r, r, 0, 3, g);
      for (const v of g) expect(v).toBe(0);
    }
  });

  it("rejects q = 1 and bad q", () => {
    for (const q of [1, 0, -1, NaN, Infinity]) expect(() => tsallis(q)).toThrow(ValidationError);
  });
});
