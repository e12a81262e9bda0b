import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Box, Discrete, flatSize } from "./spaces.js";

describe("Box", () => {
  it("casts bounds to its dtype and broadcasts scalars over the shape", () => {
    const b = new Box(-0.1, 0.1, { shape: [2, 3] });
    expect(b.size).toBe(6);
    expect(b.low).toBeInstanceOf(Float32Array);
    expect(b.low[5]).toBe(Math.fround(-0.1));
    const d = new Box([0, -1], [1, 1], { dtype: "float64" });
    expect(d.high).toBeInstanceOf(Float64Array);
    expect(d.shape).toEqual([2]);
    expect(String(new Box(0, 1, { shape: [1] }))).toBe("Box([0], [1], (1), float32)");
  });

  it("samples with Gymnasium's rule per dimension: uniform, normal, shifted exponential", () => {
    const b = new Box([-1, -Infinity, 2, -Infinity], [3, Infinity, Infinity, -5], { dtype: "float64" });
    const rng = new Rng(4);
    const n = 20_000;
    const sum = [0, 0, 0, 0];
    const sq = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = b.sample(rng);
      expect(b.contains(x)).toBe(true);
      for (let d = 0; d < 4; d++) {
        sum[d] += x[d];
        sq[d] += x[d] * x[d];
      }
    }
    const mean = sum.map((s) => s / n);
    const variance = sq.map((s, d) => s / n - mean[d] ** 2);
    // Uniform(-1, 3): mean 1, var 16/12; N(0, 1); 2 + Exp(1): mean 3, var 1; -5 - Exp(1): mean -6, var 1.
    const expected = [[1, 16 / 12], [0, 1], [3, 1], [-6, 1]];
    for (let d = 0; d < 4; d++) {
      expect(Math.abs(mean[d] - expected[d][0])).toBeLessThan(5 * Math.sqrt(expected[d][1] / n));
      expect(Math.abs(variance[d] - expected[d][1])).toBeLessThan(0.06 * expected[d][1]);
    }
  });

  it("contains: shape, dtype (numpy's can_cast) and bounds", () => {
    const b = new Box([-1, -1], [1, 1]);
    expect(b.contains(Float32Array.of(0, 1))).toBe(true);
    expect(b.contains([0.5, -1])).toBe(true);
    expect(b.contains(Float32Array.of(0, 1.01))).toBe(false);
    expect(b.contains(Float32Array.of(0))).toBe(false);
    expect(b.contains(Float64Array.of(0, 0))).toBe(false); // float64 does not cast safely to float32
    expect(b.contains(Float32Array.of(0, NaN))).toBe(false);
    expect(b.contains(0)).toBe(false);
    expect(b.contains(["a", 0])).toBe(false);
    expect(new Box(0, 1, { shape: [1], dtype: "float64" }).contains(Float64Array.of(0.5))).toBe(true);
  });

  it("rejects bad bounds with clear errors", () => {
    expect(() => new Box(1, 0, { shape: [1] })).toThrow(/low: must not exceed high/);
    expect(() => new Box([0, 0], [1])).toThrow(ValidationError);
    expect(() => new Box(0, 1)).toThrow(/shape: is required/);
    expect(() => new Box(NaN, 1, { shape: [1] })).toThrow(/low: must not be NaN/);
    expect(() => new Box(0, 1, { shape: [1], dtype: "int8" as never })).toThrow(/dtype/);
  });
});

describe("Discrete", () => {
  it("samples uniformly over start .. start + n - 1 and contains exactly those integers", () => {
    const d = new Discrete(3, 2);
    const counts = new Map<number, number>();
    const rng = new Rng(1);
    for (let i = 0; i < 30_000; i++) {
      const x = d.sample(rng);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4]);
    for (const c of counts.values()) expect(Math.abs(c / 30_000 - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / 30_000));
    expect([1, 2, 4, 5, 2.5, "3", NaN].map((x) => d.contains(x))).toEqual([false, true, true, false, false, false, false]);
    expect(String(new Discrete(2))).toBe("Discrete(2)");
    expect(flatSize(d)).toBe(1);
    expect(flatSize(new Box(0, 1, { shape: [2, 2] }))).toBe(4);
    expect(() => new Discrete(0)).toThrow(/n: must be a positive integer/);
  });
});
