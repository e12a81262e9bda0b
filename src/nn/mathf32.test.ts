import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { randomArray, testRng } from "../../test/helpers/lengths.js";
import { expF32 } from "./mathf32.js";

const f = Math.fround;

describe("expF32 in TypeScript", () => {
  it("is within 2.5e-7 relative of Math.exp over [-87, 88]", () => {
    let worst = 0;
    for (let i = -87 * 4096; i <= 88 * 4096; i++) {
      const x = f(i / 4096);
      const ref = Math.exp(x);
      worst = Math.max(worst, Math.abs(expF32(x) - ref) / ref);
    }
    expect(worst).toBeLessThan(2.5e-7);
    expect(expF32(0)).toBe(1);
    expect(expF32(-Infinity)).toBe(0);
    expect(expF32(-100)).toBe(0);
    expect(expF32(Infinity)).toBe(Infinity);
    expect(expF32(NaN)).toBeNaN();
  });

  it("returns the kernels' bits (seen through the Gaussian KL kernel, whose per-dimension term is exp based)", () => {
    // With equal means, KL = (exp(lr) - 1 - lr) / 2, lr = 2 (lsP - lsQ), all in f32.
    const rng = testRng(2);
    const n = 4000;
    const lsP = Float32Array.from(randomArray(rng, n, -20, 20));
    const lsQ = Float32Array.from(randomArray(rng, n, -20, 20));
    scratch((take) => {
      const zero = take(f32Block(1, [0]));
      const out = take(f32Block(1));
      const p = take(f32Block(1));
      const q = take(f32Block(1));
      const k = kernels();
      let mismatches = 0;
      for (let i = 0; i < n; i++) {
        p.view[0] = lsP[i];
        q.view[0] = lsQ[i];
        k.nnGaussianKlScalar(zero.ptr, p.ptr, zero.ptr, q.ptr, out.ptr, 1, 1);
        const lr = f(f(lsP[i] - lsQ[i]) * 2);
        const expected = f(f(f(f(expF32(lr) - 1) - lr) * 0.5) + 0);
        if (!Object.is(out.view[0], expected)) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  });
});
