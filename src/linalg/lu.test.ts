import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, i32Block, scratch } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { luFactor, luSolve, luSolveTransposed, SingularMatrixError } from "./lu.js";
import { luFactorTwin, luSolveTransposedTwin, luSolveTwin } from "./lu.twin.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

/** The standard lengths plus sizes around the panel width 64 and its recursive halves. */
const SIZES = [...PARITY_LENGTHS, 63, 64, 65, 127, 128, 129, 191, 192, 193, 257];

/** max_ij |(P A - L U)_ij| for the packed factors `f` and pivots of A. */
function reconstructionError(a: Float64Array, f: Float64Array, piv: Int32Array, n: number): number {
  const pa = a.slice();
  for (let j = 0; j < n; j++) {
    const p = piv[j];
    for (let c = 0; c < n; c++) {
      const t = pa[j * n + c];
      pa[j * n + c] = pa[p * n + c];
      pa[p * n + c] = t;
    }
  }
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i <= j ? f[i * n + j] : 0; // L[i][i] = 1 times U[i][j]
      for (let p = 0; p < Math.min(i, j + 1); p++) s += f[i * n + p] * f[p * n + j];
      err = Math.max(err, Math.abs(pa[i * n + j] - s));
    }
  }
  return err;
}

/** Normwise backward error |A x - b|_inf / (|A|_inf |x|_inf + |b|_inf) of x for A x = b (or A^T x = b). */
function backwardError(a: Float64Array, n: number, x: ArrayLike<number>, b: Float64Array, transposed: boolean): number {
  let res = 0;
  let normA = 0;
  let normX = 0;
  let normB = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    let row = 0;
    for (let j = 0; j < n; j++) {
      const aij = transposed ? a[j * n + i] : a[i * n + j];
      s += aij * x[j];
      row += Math.abs(aij);
    }
    res = Math.max(res, Math.abs(s - b[i]));
    normA = Math.max(normA, row);
    normX = Math.max(normX, Math.abs(x[i]));
    normB = Math.max(normB, Math.abs(b[i]));
  }
  return res / (normA * normX + normB || 1);
}

describe("LU kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(3);

  it.each(SIZES)("n = %i", (n) => {
    // Half the sizes use small integers, where pivot candidates tie and the first-maximum rule is exercised.
    const integer = n % 2 === 1;
    const as = integer ? randomArray(rng, n * n, -3, 3).map(Math.round) : randomArray(rng, n * n);
    const bs = randomArray(rng, n);
    const twin = as.slice();
    const pivTwin = new Int32Array(n);
    const twinBad = luFactorTwin(twin, n, pivTwin);
    scratch((take) => {
      const work = take(f64Block(k.luWorkLength(n)));
      const a = take(f64Block(n * n));
      const piv = take(i32Block(n));
      const b = take(f64Block(n));
      for (const factor of [k.luFactorSimd, k.luFactorScalar]) {
        a.set(as);
        piv.view.fill(-7);
        const bad = factor(a.ptr, n, piv.ptr, work.ptr, 0);
        expect(bad).toBe(twinBad);
        if (bad >= 0) return; // a singular integer matrix: the three stop at the same column
        expect(a.view.every((v, i) => Object.is(v, twin[i]))).toBe(true);
        expect(Array.from(piv.view)).toEqual(Array.from(pivTwin));
      }
      if (n > 0) expect(reconstructionError(as, twin, pivTwin, n)).toBeLessThanOrEqual(64 * n * Number.EPSILON * 3);

      const xTwin = luSolveTwin(twin, n, pivTwin, bs.slice());
      b.set(bs);
      k.luSolveScalar(a.ptr, n, piv.ptr, b.ptr);
      expect(Array.from(b.view)).toEqual(Array.from(xTwin)); // same summation order
      b.set(bs);
      k.luSolveSimd(a.ptr, n, piv.ptr, b.ptr);
      expect(backwardError(as, n, b.view, bs, false)).toBeLessThan(8 * n * Number.EPSILON + 1e-300);
      expect(backwardError(as, n, xTwin, bs, false)).toBeLessThan(8 * n * Number.EPSILON + 1e-300);

      const yTwin = luSolveTransposedTwin(twin, n, pivTwin, bs.slice());
      for (const solveT of [k.luSolveTransposedScalar, k.luSolveTransposedSimd]) {
        b.set(bs);
        solveT(a.ptr, n, piv.ptr, b.ptr);
        expect(Array.from(b.view)).toEqual(Array.from(yTwin)); // row updates: identical in all three
      }
      expect(backwardError(as, n, yTwin, bs, true)).toBeLessThan(8 * n * Number.EPSILON + 1e-300);
    });
  });
});

describe("luFactor, luSolve, luSolveTransposed", () => {
  const rng = testRng(17);

  it("solve A x = b and A^T y = c, consistent with each other: c.x = y.b", () => {
    const n = 150;
    const as = randomArray(rng, n * n);
    const bs = randomArray(rng, n);
    const cs = randomArray(rng, n);
    scratch((take) => {
      const a = take(f64Block(n * n, as));
      const piv = take(i32Block(n));
      const x = take(f64Block(n, bs));
      const y = take(f64Block(n, cs));
      luFactor(a, n, piv);
      luSolve(a, n, piv, x);
      luSolveTransposed(a, n, piv, y);
      expect(backwardError(as, n, x.view, bs, false)).toBeLessThan(n * Number.EPSILON);
      expect(backwardError(as, n, y.view, cs, true)).toBeLessThan(n * Number.EPSILON);
      // c^T A^{-1} b computed two ways
      let cx = 0;
      let yb = 0;
      for (let i = 0; i < n; i++) {
        cx += cs[i] * x.view[i];
        yb += y.view[i] * bs[i];
      }
      expect(Math.abs(cx - yb)).toBeLessThan(1e-10 * (1 + Math.abs(cx)));
    });
  });

  it("solves the evaluation system (I - gamma P) V = r and the visitation system, gamma = 0.99", () => {
    const n = 70;
    const gamma = 0.99;
    // Row-stochastic P; then (1 - gamma) mu^T (I - gamma P)^{-1} is a distribution.
    const p = randomArray(rng, n * n, 0, 1);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += p[i * n + j];
      for (let j = 0; j < n; j++) p[i * n + j] /= s;
    }
    const m = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) m[i] = (Math.floor(i / n) === i % n ? 1 : 0) - gamma * p[i];
    scratch((take) => {
      const a = take(f64Block(n * n, m));
      const piv = take(i32Block(n));
      luFactor(a, n, piv);
      // (I - gamma P) 1 = (1 - gamma) 1, so r = 1 gives V = 1 / (1 - gamma).
      const v = take(f64Block(n).set(new Float64Array(n).fill(1)));
      luSolve(a, n, piv, v);
      for (let i = 0; i < n; i++) expect(v.view[i]).toBeCloseTo(1 / (1 - gamma), 9);
      const mu = randomArray(rng, n, 0, 1);
      const total = mu.reduce((s, x) => s + x, 0);
      const d = take(f64Block(n, mu.map((x) => ((1 - gamma) * x) / total)));
      luSolveTransposed(a, n, piv, d);
      expect(d.view.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      expect(Math.min(...d.view)).toBeGreaterThan(0);
    });
  });

  it("n = 0 and n = 1", () => {
    scratch((take) => {
      const a0 = take(f64Block(0));
      const p0 = take(i32Block(0));
      const b0 = take(f64Block(0));
      luFactor(a0, 0, p0);
      luSolve(a0, 0, p0, b0);
      luSolveTransposed(a0, 0, p0, b0);
      const a = take(f64Block(1, [-4]));
      const p = take(i32Block(1));
      const b = take(f64Block(1, [2]));
      luFactor(a, 1, p);
      expect(p.view[0]).toBe(0);
      luSolve(a, 1, p, b);
      expect(b.view[0]).toBe(-0.5);
      luSolveTransposed(a, 1, p, b);
      expect(b.view[0]).toBe(0.125);
    });
  });

  it("a singular matrix throws SingularMatrixError naming the column and pivot, never NaN", () => {
    const cases: { n: number; a: number[]; column: number }[] = [
      { n: 3, a: [0, 0, 0, 0, 0, 0, 0, 0, 0], column: 0 },
      { n: 1, a: [0], column: 0 },
      { n: 3, a: [1, 2, 0, 3, 4, 0, 5, 6, 0], column: 2 }, // a zero column
      { n: 3, a: [1, 2, 3, 4, 5, 6, 5, 7, 9], column: 2 }, // row 3 = row 1 + row 2: pivot is round-off, below 3 eps 9
      { n: 2, a: [1, 0, 0, 1e-20], column: 1 }, // exactly invertible but below n eps max|A|
    ];
    for (const c of cases) {
      scratch((take) => {
        const a = take(f64Block(c.n * c.n, c.a));
        const piv = take(i32Block(c.n));
        let error: unknown;
        try {
          luFactor(a, c.n, piv);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(SingularMatrixError);
        const e = error as SingularMatrixError;
        expect(e.column).toBe(c.column);
        expect(e.pivot).toBeLessThanOrEqual(e.threshold);
        expect(Number.isFinite(e.pivot)).toBe(true);
        expect(e.message).toMatch(new RegExp(`column ${c.column}`));
      });
    }
    // A large rank-deficient matrix: two equal rows.
    const n = 100;
    const as = randomArray(rng, n * n);
    for (let j = 0; j < n; j++) as[70 * n + j] = as[20 * n + j];
    scratch((take) => {
      const a = take(f64Block(n * n, as));
      expect(() => luFactor(a, n, take(i32Block(n)))).toThrow(SingularMatrixError);
    });
    // Invertible but far from singular enough to pass the threshold: no error.
    scratch((take) => {
      const a = take(f64Block(4, [1, 0, 0, 1e-10]));
      expect(() => luFactor(a, 2, take(i32Block(2)))).not.toThrow();
    });
  });

  it("an overflowing solution throws instead of returning Infinity", () => {
    scratch((take) => {
      const a = take(f64Block(4, [1, 0, 0, 1e-15]));
      const piv = take(i32Block(2));
      luFactor(a, 2, piv);
      const b = take(f64Block(2, [1, 1e300]));
      expect(() => luSolve(a, 2, piv, b)).toThrow(/overflowed/);
      b.set([1, 1e300]);
      expect(() => luSolveTransposed(a, 2, piv, b)).toThrow(SingularMatrixError);
    });
  });

  it("rejects bad input with ValidationError", () => {
    scratch((take) => {
      const a = take(f64Block(4, [1, 2, 3, Number.NaN]));
      const piv = take(i32Block(2));
      expect(() => luFactor(a, 2, piv)).toThrow(/a: entries must be finite \(got NaN\) at function luFactor, index 3/);
      a.set([1, 2, 3, 4]);
      expect(() => luFactor(a, 3, piv)).toThrow(/a: block too short/);
      expect(() => luFactor(a, 2, take(i32Block(1)))).toThrow(/pivots: block too short/);
      expect(() => luFactor(a, -2, piv)).toThrow(ValidationError);
      expect(() => luFactor(a, 2, a as never)).toThrow(/pivots: must be a block of i32/);
      luFactor(a, 2, piv);
      const b = take(f64Block(2, [1, 1]));
      const bad = take(i32Block(2, [5, 1]));
      expect(() => luSolve(a, 2, bad, b)).toThrow(/pivots: must lie in \[index, 2\) as luFactor writes them \(got 5\) at function luSolve, index 0/);
      expect(() => luSolve(a, 2, piv, a)).toThrow(/b: must not be the same block as a/);
      b.set([1, Infinity]);
      expect(() => luSolveTransposed(a, 2, piv, b)).toThrow(/b: entries must be finite/);
      const freed = f64Block(2);
      freed.free();
      expect(() => luSolve(a, 2, piv, freed)).toThrow(/already freed/);
    });
  });
});
