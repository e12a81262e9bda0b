import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, scratch } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { matvec, matvecTransposed } from "./matvec.js";
import { matvecTransposedTwin, matvecTwin } from "./matvec.twin.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

const COEFFICIENTS: readonly [number, number][] = [
  [1, 0],
  [-0.7, 1.3],
  [2, 1],
];

/** |a_i - b_i| within a few ulps of the sum of |terms| of entry i. */
function expectCloseRows(a: ArrayLike<number>, b: ArrayLike<number>, bound: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(4 * Number.EPSILON * bound[i] + 1e-300);
  }
}

describe("dense gemv kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(11);
  it.each(PARITY_LENGTHS)("length %i", (len) => {
    const shapes: [number, number][] = [[len, len], [len, 7], [5, len]];
    for (const [rows, cols] of shapes) {
      const ms = randomArray(rng, rows * cols);
      for (const [alpha, beta] of COEFFICIENTS) {
        scratch((take) => {
          // y = alpha M x + beta y
          const xs = randomArray(rng, cols);
          const y0 = randomArray(rng, rows);
          const m = take(f64Block(rows * cols, ms));
          const x = take(f64Block(cols, xs));
          const y = take(f64Block(rows));
          const ref = matvecTwin(ms, rows, cols, xs, y0.slice(), alpha, beta);
          const bound = new Float64Array(rows);
          for (let i = 0; i < rows; i++) {
            let s = 0;
            for (let j = 0; j < cols; j++) s += Math.abs(ms[i * cols + j] * xs[j]);
            bound[i] = cols * Math.abs(alpha) * s + Math.abs(beta * y0[i]);
          }
          y.set(y0);
          k.denseGemvScalar(m.ptr, x.ptr, y.ptr, rows, cols, alpha, beta);
          expect(Array.from(y.view)).toEqual(Array.from(ref)); // same order of operations
          y.set(y0);
          k.denseGemvSimd(m.ptr, x.ptr, y.ptr, rows, cols, alpha, beta);
          expectCloseRows(y.view, ref, bound);

          // y = alpha M^T x + beta y: every entry is one chain of adds in row order, so all three agree exactly.
          const xt = randomArray(rng, rows);
          const yt0 = randomArray(rng, cols);
          const xT = take(f64Block(rows, xt));
          const yT = take(f64Block(cols));
          const refT = matvecTransposedTwin(ms, rows, cols, xt, yt0.slice(), alpha, beta);
          yT.set(yt0);
          k.denseGemvTransposedScalar(m.ptr, xT.ptr, yT.ptr, rows, cols, alpha, beta);
          expect(Array.from(yT.view)).toEqual(Array.from(refT));
          yT.set(yt0);
          k.denseGemvTransposedSimd(m.ptr, xT.ptr, yT.ptr, rows, cols, alpha, beta);
          expect(Array.from(yT.view)).toEqual(Array.from(refT));
        });
      }
    }
  });
});

describe("matvec and matvecTransposed", () => {
  const rng = testRng(5);

  it("M^T x equals M' x for the explicitly transposed matrix M'", () => {
    const rows = 37;
    const cols = 23;
    const ms = randomArray(rng, rows * cols);
    const mt = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mt[j * rows + i] = ms[i * cols + j];
    scratch((take) => {
      const m = take(f64Block(rows * cols, ms));
      const t = take(f64Block(rows * cols, mt));
      const x = take(f64Block(rows, randomArray(rng, rows)));
      const a = take(f64Block(cols));
      const b = take(f64Block(cols));
      matvecTransposed(m, rows, cols, x, a);
      matvec(t, cols, rows, x, b);
      for (let j = 0; j < cols; j++) expect(a.view[j]).toBeCloseTo(b.view[j], 13);
    });
  });

  it("the identity maps x to x, and beta = 0 overwrites NaN in y", () => {
    const n = 19;
    const id = new Float64Array(n * n);
    for (let i = 0; i < n; i++) id[i * n + i] = 1;
    scratch((take) => {
      const m = take(f64Block(n * n, id));
      const xs = randomArray(rng, n);
      const x = take(f64Block(n, xs));
      const y = take(f64Block(n));
      y.view.fill(Number.NaN);
      expect(Array.from(matvec(m, n, n, x, y).view)).toEqual(Array.from(xs));
      y.view.fill(Number.NaN);
      expect(Array.from(matvecTransposed(m, n, n, x, y).view)).toEqual(Array.from(xs));
      // y <- 2 I x - y = x when y = x
      y.set(xs);
      matvec(m, n, n, x, y, 2, -1);
      for (let i = 0; i < n; i++) expect(y.view[i]).toBe(xs[i]);
    });
  });

  it("rejects bad shapes, aliasing and non-finite coefficients", () => {
    scratch((take) => {
      const m = take(f64Block(6));
      const x = take(f64Block(3));
      const y = take(f64Block(2));
      expect(() => matvec(m, 2, 3, x, y)).not.toThrow();
      expect(() => matvec(m, 3, 3, x, y)).toThrow(ValidationError);
      expect(() => matvec(m, 2, 3, y, x)).toThrow(/x: block too short/);
      expect(() => matvec(m, 2, 3, x, x)).toThrow(/y: .*not be the same block as x/);
      expect(() => matvec(m, -1, 3, x, y)).toThrow(/rows: must be a non-negative integer/);
      expect(() => matvec(m, 2, 1.5, x, y)).toThrow(/cols/);
      expect(() => matvec(m, 2, 3, x, y, Number.NaN)).toThrow(/alpha: must be a finite number/);
      expect(() => matvecTransposed(m, 2, 3, x, y)).toThrow(/y: block too short/);
      expect(() => matvecTransposed(m, 3, 2, x, y, 1, Infinity)).toThrow(/beta/);
    });
  });
});
