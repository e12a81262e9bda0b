import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { reluBackward, reluForward, tanhBackward, tanhForward } from "./activation.js";
import { reluBackwardTwin, reluForwardTwin, tanhBackwardTwin, tanhForwardTwin } from "./activation.twin.js";

const k = kernels();
const rng = testRng(5);

/** Values spread over the interesting range of tanh, with exact zeros and signed zeros. */
function inputs(n: number): Float32Array {
  const x = Float32Array.from(randomArray(rng, n, -6, 6));
  for (let i = 0; i < n; i += 7) x[i] = i % 2 ? 0 : -0;
  return x;
}

describe("activation kernels: SIMD = scalar = TypeScript twin", () => {
  it.each(PARITY_LENGTHS)("length %i", (n) => {
    scratch((take) => {
      const xs = inputs(n);
      const dys = Float32Array.from(randomArray(rng, n));
      const x = take(f32Block(n, xs));
      const dy = take(f32Block(n, dys));
      const a = take(f32Block(n));
      const b = take(f32Block(n));
      const ref = new Float64Array(n);
      const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));

      k.nnTanhForwardSimd(x.ptr, a.ptr, n);
      k.nnTanhForwardScalar(x.ptr, b.ptr, n);
      expect(bits(a.view)).toEqual(bits(b.view));
      tanhForwardTwin(xs, ref);
      for (let i = 0; i < n; i++) expect(Math.abs(a.view[i] - ref[i])).toBeLessThanOrEqual(3.5e-7 * Math.abs(ref[i]));

      const ys = a.toArray();
      k.nnTanhBackwardSimd(a.ptr, dy.ptr, b.ptr, n);
      const dRef = new Float64Array(n);
      tanhBackwardTwin(ys, dys, dRef);
      for (let i = 0; i < n; i++) expect(b.view[i]).toBeCloseTo(dRef[i], 6);
      k.nnTanhBackwardScalar(a.ptr, dy.ptr, a.ptr, n); // in place
      expect(bits(a.view)).toEqual(bits(b.view));

      k.nnReluForwardSimd(x.ptr, a.ptr, n);
      k.nnReluForwardScalar(x.ptr, b.ptr, n);
      expect(bits(a.view)).toEqual(bits(b.view));
      reluForwardTwin(xs, ref);
      expect(Array.from(a.view)).toEqual(Array.from(ref));
      k.nnReluBackwardSimd(a.ptr, dy.ptr, b.ptr, n);
      reluBackwardTwin(a.view, dys, ref);
      expect(Array.from(b.view)).toEqual(Array.from(ref));
      k.nnReluBackwardScalar(a.ptr, dy.ptr, a.ptr, n);
      expect(bits(a.view)).toEqual(bits(b.view));
    });
  });
});

describe("tanh accuracy", () => {
  it("is within 3.5e-7 relative of Math.tanh over a dense sweep, odd, below 1 and monotone up to rounding", () => {
    // Every 1/2^14 over [-12, 12], plus tiny magnitudes down to the subnormals.
    const values: number[] = [];
    for (let i = -12 * 16384; i <= 12 * 16384; i++) values.push(i / 16384);
    for (let e = -149; e < 0; e++) values.push(2 ** e, -(2 ** e), 1.5 * 2 ** e);
    const n = values.length;
    scratch((take) => {
      const x = take(f32Block(n, values));
      const y = take(f32Block(n));
      k.nnTanhForwardSimd(x.ptr, y.ptr, n);
      const xs = x.view;
      const ys = y.view;
      let worst = 0;
      let worstAt = 0;
      let maxAbs = 0;
      for (let i = 0; i < n; i++) {
        const ref = Math.tanh(xs[i]);
        const rel = ref === 0 ? Math.abs(ys[i]) : Math.abs(ys[i] - ref) / Math.abs(ref);
        if (rel > worst) [worst, worstAt] = [rel, xs[i]];
        maxAbs = Math.max(maxAbs, Math.abs(ys[i]));
      }
      expect(worst, `worst at x = ${worstAt}`).toBeLessThan(3.5e-7);
      expect(maxAbs).toBeLessThan(1);
      // Monotone non-decreasing along the sorted sweep, up to rounding noise of at
      // most 8 ulps (5e-7) in the saturated tails |tanh| > 0.998 (the rational form
      // divides two large polynomials there); exactly monotone elsewhere.
      let worstDrop = 0;
      for (let i = 1; i <= 24 * 16384; i++) {
        if (ys[i] >= ys[i - 1]) continue;
        expect(Math.abs(ys[i]), `drop at x = ${xs[i]}`).toBeGreaterThan(0.998);
        worstDrop = Math.max(worstDrop, ys[i - 1] - ys[i]);
      }
      expect(worstDrop).toBeLessThanOrEqual(5e-7);
      // Odd: tanh(-x) = -tanh(x) bit for bit (the sweep is symmetric about 0).
      const mid = 12 * 16384;
      let asymmetric = 0;
      for (let i = 1; i <= mid; i++) if (ys[mid - i] !== -ys[mid + i]) asymmetric++;
      expect(asymmetric).toBe(0);
    });
  });

  it("saturates within 3e-7 of +-1 for huge and infinite inputs, and maps NaN to NaN", () => {
    scratch((take) => {
      const x = take(f32Block(5, [Infinity, -Infinity, NaN, 1e30, -1e30]));
      tanhForward(x, x, 5);
      const y = Array.from(x.view);
      expect(y[2]).toBeNaN();
      for (const i of [0, 1, 3, 4]) {
        expect(Math.abs(y[i])).toBeLessThan(1);
        expect(Math.abs(y[i] - Math.sign(y[i]))).toBeLessThan(3e-7);
      }
      expect(y[0]).toBe(-y[1]);
    });
  });
});

describe("activation wrappers", () => {
  it("check lengths and run in place", () => {
    scratch((take) => {
      const x = take(f32Block(4, [-1, 0, 2, NaN]));
      reluForward(x, x, 4);
      expect(Array.from(x.view)).toEqual([0, 0, 2, NaN]);
      const dy = take(f32Block(4, [1, 1, 1, 1]));
      reluBackward(x, dy, dy, 4);
      expect(Array.from(dy.view)).toEqual([0, 0, 1, 0]);
      expect(() => tanhForward(x, dy, 5)).toThrow(/holds 4 values, 5 needed/);
      expect(() => tanhBackward(x, dy, dy, -1)).toThrow(/n: must be an integer/);
    });
  });
});
