import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, scratch } from "../core/arena.js";
import { axpyTwin, dotTwin, normInfTwin } from "./vector.twin.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

describe("vector kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(7);
  it.each(PARITY_LENGTHS)("length %i", (n) => {
    scratch((take) => {
      const xs = randomArray(rng, n);
      const ys = randomArray(rng, n);
      const x = take(f64Block(n, xs));
      const y = take(f64Block(n, ys));
      const ref = dotTwin(xs, ys);
      expect(k.dotScalar(x.ptr, y.ptr, n)).toBeCloseTo(ref, 12);
      expect(k.dotSimd(x.ptr, y.ptr, n)).toBeCloseTo(ref, 12);
      expect(k.normInfSimd(x.ptr, n)).toBe(normInfTwin(xs));
      expect(k.normInfScalar(x.ptr, n)).toBe(normInfTwin(xs));
      const yRef = ys.slice();
      axpyTwin(0.37, xs, yRef);
      k.axpySimd(0.37, x.ptr, y.ptr, n);
      expect(Array.from(y.view)).toEqual(Array.from(yRef));
      y.set(ys);
      k.axpyScalar(0.37, x.ptr, y.ptr, n);
      expect(Array.from(y.view)).toEqual(Array.from(yRef));
    });
  });
});
