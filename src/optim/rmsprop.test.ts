import { describe, expect, it } from "vitest";
import { Rmsprop } from "./rmsprop.js";
import { rmspropTwin } from "./rmsprop.twin.js";
import { f32Block, f64Block, i32Block, scratch } from "../core/arena.js";
import { normalizeAdvantages } from "../returns/advantage.js";
import { kernels } from "../core/wasm.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

function store(n: number, p: Float32Array, g: Float32Array) {
  const value = f32Block(n, p);
  const grad = f32Block(n, g);
  return { value, grad, target: { value, grad } };
}

describe("RMSprop kernel: SIMD = scalar = TypeScript twin", () => {
  const rng = testRng(17);
  it.each(PARITY_LENGTHS)("length %i", (n) => {
    const p0 = Float32Array.from(randomArray(rng, n, -1, 1));
    const g0 = Float32Array.from(randomArray(rng, n, -3, 3));
    const results = (["simd", "scalar"] as const).map((kernel) => {
      const s = store(n, p0, g0);
      const opt = new Rmsprop(s.target, { learningRate: 7e-4, alpha: 0.99, eps: 1e-5 });
      opt.step({ gradScale: 0.5, kernel });
      opt.step({ gradScale: 0.5, kernel });
      const out = [s.value.toArray(), opt.getState().v];
      s.value.free(); s.grad.free(); opt.dispose();
      return out;
    });
    const p = p0.slice(), v = new Float32Array(n);
    rmspropTwin(p, g0, v, 7e-4, 0.99, 1e-5, 0.5);
    rmspropTwin(p, g0, v, 7e-4, 0.99, 1e-5, 0.5);
    expect(Array.from(results[0][0])).toEqual(Array.from(results[1][0]));
    expect(Array.from(results[0][1])).toEqual(Array.from(results[1][1]));
    expect(Array.from(results[1][0])).toEqual(Array.from(p));
    expect(Array.from(results[1][1])).toEqual(Array.from(v));
  });

  it("the first step moves each parameter by about lr / sqrt(1 - alpha) against the gradient's sign", () => {
    const s = store(3, Float32Array.from([0, 0, 0]), Float32Array.from([2, -0.5, 0]));
    new Rmsprop(s.target, { learningRate: 0.01, alpha: 0.99, eps: 0 }).step();
    const p = s.value.view;
    expect(p[0]).toBeCloseTo(-0.01 / Math.sqrt(0.01), 5);
    expect(p[1]).toBeCloseTo(0.01 / Math.sqrt(0.01), 5);
    expect(Number.isNaN(p[2])).toBe(true); // 0/0 with eps 0: why SB3 uses eps 1e-5
  });
});

describe("agentsGatherRowsF32", () => {
  it("copies the indexed rows in order", () => {
    scratch((take) => {
      const src = take(f32Block(12, Array.from({ length: 12 }, (_, i) => i)));
      const idx = take(i32Block(3, [3, 0, 3]));
      const dst = take(f32Block(9));
      kernels().agentsGatherRowsF32(src.ptr, idx.ptr, dst.ptr, 3, 3);
      expect(Array.from(dst.view)).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
    });
  });
  it("copies rows of every width (4-byte values, vector and scalar parts) without touching the rest", () => {
    for (const cols of [1, 2, 4, 5, 8, 9, 17]) {
      scratch((take) => {
        const rows = 7;
        const src = take(f32Block(10 * cols, Array.from({ length: 10 * cols }, (_, i) => i + 0.5)));
        const order = [9, 0, 4, 4, 1, 7, 2];
        const idx = take(i32Block(rows, order));
        const dst = take(f32Block(rows * cols + 1));
        dst.view.fill(-1);
        kernels().agentsGatherRowsF32(src.ptr, idx.ptr, dst.ptr, rows, cols);
        const want = order.flatMap((j) => Array.from({ length: cols }, (_, c) => j * cols + c + 0.5));
        expect(Array.from(dst.view.subarray(0, rows * cols)), `cols ${cols}`).toEqual(want);
        expect(dst.view[rows * cols]).toBe(-1);
      });
    }
  });
});

describe("agentsGatherAdvantages", () => {
  it("gathers rows and normalises the advantages bit for bit as normalizeAdvantages does", () => {
    const rng = testRng(21);
    for (const n of [1, 2, 3, 5, 16, 64, 257]) {
      for (const normalize of [0, 1]) {
        scratch((take) => {
          const adv = randomArray(rng, n).map((v) => 40 * v + 3);
          const ret = randomArray(rng, n);
          const val = randomArray(rng, n);
          const order = Array.from({ length: n }, (_, i) => (i * 7 + 3) % n);
          const rows = Math.max(1, n - 1); // a minibatch smaller than the rollout
          const out = take(f32Block(rows));
          const retOut = take(f64Block(rows));
          const valOut = take(f64Block(rows));
          kernels().agentsGatherAdvantages(take(f64Block(n, adv)).ptr, take(f64Block(n, ret)).ptr, take(f64Block(n, val)).ptr,
            take(i32Block(n, order)).ptr, out.ptr, retOut.ptr, valOut.ptr, rows, normalize);
          const picked = order.slice(0, rows).map((j) => adv[j]);
          const want = normalize ? normalizeAdvantages(picked, new Float32Array(rows)) : Float32Array.from(picked);
          expect(Array.from(out.view), `n ${n} normalize ${normalize}`).toEqual(Array.from(want));
          expect(Array.from(retOut.view)).toEqual(order.slice(0, rows).map((j) => ret[j]));
          expect(Array.from(valOut.view)).toEqual(order.slice(0, rows).map((j) => val[j]));
          if (normalize && rows > 2) {
            const v = out.view;
            const mean = v.reduce((a, b) => a + b, 0) / rows;
            expect(Math.abs(mean)).toBeLessThan(1e-5);
          }
        });
      }
    }
  });
});
