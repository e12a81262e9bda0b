import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, scratch } from "../core/arena.js";
import { nrm2 } from "./blas1.js";
import {
  axpbyTwin,
  axpy2Twin,
  axpyDotTwin,
  copyTwin,
  directionTwin,
  dot2Twin,
  normInfCheckedTwin,
  scaleTwin,
  sumSquaresScaledTwin,
} from "./blas1.twin.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

/**
 * A SIMD reduction sums in another order. Each order of n terms is within
 * (n - 1) u sum|terms| of the exact sum (u = eps / 2, Higham, Accuracy and
 * Stability of Numerical Algorithms, §4.2), so two orders differ by at most n eps sum|terms|.
 */
function expectSumClose(actual: number, reference: number, absSum: number, n: number): void {
  expect(Math.abs(actual - reference)).toBeLessThanOrEqual(Math.max(n, 1) * Number.EPSILON * absSum + 1e-300);
}

const absDot = (x: Float64Array, y: Float64Array): number => x.reduce((s, xi, i) => s + Math.abs(xi * y[i]), 0);

describe("blas1 kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(23);

  it.each(PARITY_LENGTHS)("length %i", (n) => {
    scratch((take) => {
      const xs = randomArray(rng, n);
      const ys = randomArray(rng, n);
      const zs = randomArray(rng, n);
      const x = take(f64Block(n, xs));
      const y = take(f64Block(n));
      const z = take(f64Block(n, zs));
      const out = take(f64Block(2));
      // Elementwise kernels: identical results from all three.
      const check = (twin: (y: Float64Array) => void, run: (kernel: 0 | 1) => void): void => {
        const ref = ys.slice();
        twin(ref);
        for (const kernel of [0, 1] as const) {
          y.set(ys);
          run(kernel);
          expect(Array.from(y.view)).toEqual(Array.from(ref));
        }
      };
      check((r) => scaleTwin(-1.7, r), (i) => (i ? k.blas1ScaleScalar : k.blas1ScaleSimd)(-1.7, y.ptr, n));
      check((r) => copyTwin(xs, r), (i) => (i ? k.blas1CopyScalar : k.blas1CopySimd)(x.ptr, y.ptr, n));
      for (const b of [0, 1, -0.3]) {
        check((r) => axpbyTwin(0.6, xs, b, r), (i) => (i ? k.blas1AxpbyScalar : k.blas1AxpbySimd)(0.6, x.ptr, b, y.ptr, n));
      }
      check(
        (r) => axpy2Twin(0.6, xs, -1.1, zs, r),
        (i) => (i ? k.blas1Axpy2Scalar : k.blas1Axpy2Simd)(0.6, x.ptr, -1.1, z.ptr, y.ptr, n),
      );
      check(
        (r) => directionTwin(xs, zs, r, 0.8, 0.35),
        (i) => (i ? k.blas1DirectionScalar : k.blas1DirectionSimd)(x.ptr, z.ptr, y.ptr, 0.8, 0.35, n),
      );

      // axpyDot: identical vectors, the dot product exact in the scalar twin and close in SIMD.
      const yRef = ys.slice();
      const dRef = axpyDotTwin(-0.45, xs, yRef, zs);
      y.set(ys);
      expect(k.blas1AxpyDotScalar(-0.45, x.ptr, y.ptr, z.ptr, n)).toBe(dRef);
      expect(Array.from(y.view)).toEqual(Array.from(yRef));
      y.set(ys);
      expectSumClose(k.blas1AxpyDotSimd(-0.45, x.ptr, y.ptr, z.ptr, n), dRef, absDot(yRef, zs), n);
      expect(Array.from(y.view)).toEqual(Array.from(yRef));
      // with z = y it is the squared norm of the updated y
      y.set(ys);
      expectSumClose(k.blas1AxpyDotSimd(-0.45, x.ptr, y.ptr, y.ptr, n), absDot(yRef, yRef), absDot(yRef, yRef), n);

      y.set(ys);
      const [sy, sz] = dot2Twin(xs, ys, zs);
      k.blas1Dot2Scalar(x.ptr, y.ptr, z.ptr, out.ptr, n);
      expect(Array.from(out.view)).toEqual([sy, sz]);
      k.blas1Dot2Simd(x.ptr, y.ptr, z.ptr, out.ptr, n);
      expectSumClose(out.view[0], sy, absDot(xs, ys), n);
      expectSumClose(out.view[1], sz, absDot(xs, zs), n);

      // The checked infinity norm: exact in all three; NaN as soon as one entry is NaN or ±Inf.
      expect(k.blas1NormInfCheckedSimd(x.ptr, n)).toBe(normInfCheckedTwin(xs));
      expect(k.blas1NormInfCheckedScalar(x.ptr, n)).toBe(normInfCheckedTwin(xs));
      if (n > 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity]) {
          const at = Math.floor(rng() * n);
          y.set(xs);
          y.view[at] = bad;
          expect(k.blas1NormInfCheckedSimd(y.ptr, n)).toBeNaN();
          expect(k.blas1NormInfCheckedScalar(y.ptr, n)).toBeNaN();
          expect(normInfCheckedTwin(y.view)).toBeNaN();
        }
      }

      const ss = sumSquaresScaledTwin(xs, 3);
      expect(k.blas1SumSquaresScaledScalar(x.ptr, n, 3)).toBe(ss);
      expectSumClose(k.blas1SumSquaresScaledSimd(x.ptr, n, 3), ss, ss, n);
    });
  });
});

describe("nrm2", () => {
  it("matches sqrt(x.x) in range and neither overflows nor underflows outside it", () => {
    const rng = testRng(2);
    for (const s of [1, 1e-200, 1e-170, 1e170, 1e300, 5e-324]) {
      const n = 37;
      const xs = randomArray(rng, n).map((v) => v * s);
      // Reference: scale exactly by a power of two, sum, scale back.
      const e = 2 ** -Math.round(Math.log2(s));
      const ref = Math.sqrt(xs.reduce((acc, v) => acc + (v * e) ** 2, 0)) / e;
      scratch((take) => {
        const x = take(f64Block(n, xs));
        const got = nrm2(x);
        expect(Number.isFinite(got)).toBe(true);
        if (s === 5e-324) expect(got).toBeGreaterThan(0); // denormals: exact scaling is too coarse to compare
        else expect(Math.abs(got - ref)).toBeLessThanOrEqual(1e-14 * ref);
      });
    }
    scratch((take) => {
      expect(nrm2(take(f64Block(5, [0, 0, 0, 0, 0])))).toBe(0);
      expect(nrm2(take(f64Block(0)))).toBe(0);
      expect(nrm2(take(f64Block(2, [3e200, 4e200])))).toBeCloseTo(5e200, -186);
    });
  });
});
