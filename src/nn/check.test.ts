import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS } from "../../test/helpers/lengths.js";
import { checkFinite } from "./check.js";

const k = kernels();

describe("first non-finite value: SIMD = scalar = Array.findIndex", () => {
  it.each(PARITY_LENGTHS)("length %i, a bad value at every position", (n) => {
    scratch((take) => {
      const x = take(f32Block(n, new Float32Array(n).fill(1.5)));
      expect(k.nnFirstNonFiniteSimd(x.ptr, n)).toBe(-1);
      expect(k.nnFirstNonFiniteScalar(x.ptr, n)).toBe(-1);
      for (let i = 0; i < n; i++) {
        const bad = [NaN, Infinity, -Infinity][i % 3];
        x.view[i] = bad;
        if (i + 3 < n) x.view[i + 3] = NaN; // a later bad value must not win
        const ref = Array.from(x.view).findIndex((v) => !Number.isFinite(v));
        expect(ref).toBe(i);
        expect(k.nnFirstNonFiniteSimd(x.ptr, n)).toBe(i);
        expect(k.nnFirstNonFiniteScalar(x.ptr, n)).toBe(i);
        x.view[i] = 1.5;
        if (i + 3 < n) x.view[i + 3] = 1.5;
      }
    });
  });

  it("checkFinite names the row and column", () => {
    scratch((take) => {
      const x = take(f32Block(6, [0, 1, 2, 3, -Infinity, 5]));
      expect(() => checkFinite("obs", x, 6, 3)).toThrow(/obs: must be finite \(got -Infinity\) at row 1, column 1/);
      expect(() => checkFinite("obs", x, 4, 3)).not.toThrow();
      expect(() => checkFinite("v", x, 6)).toThrow(/at index 4/);
    });
  });
});
