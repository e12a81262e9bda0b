import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { ParameterStore } from "../nn/parameters.js";
import { Adam } from "./adam.js";
import { clipGradNorm, clipGradNormScale } from "./grad-norm.js";
import { clipGradNormTwin } from "./grad-norm.twin.js";

const k = kernels();
const rng = testRng(41);

describe("clipping kernels: SIMD = scalar = TypeScript twin", () => {
  it.each(PARITY_LENGTHS)("length %i", (n) => {
    scratch((take) => {
      const xs = Float32Array.from(randomArray(rng, n, -3, 3));
      const x = take(f32Block(n, xs));
      let ref = 0;
      for (const v of xs) ref += v * v;
      expect(k.gradSumSquaresSimd(x.ptr, n)).toBeCloseTo(ref, 10);
      expect(k.gradSumSquaresScalar(x.ptr, n)).toBeCloseTo(ref, 10);
      const y = take(f32Block(n, xs));
      k.gradScaleSimd(x.ptr, n, 0.3);
      k.gradScaleScalar(y.ptr, n, 0.3);
      expect(Array.from(x.view)).toEqual(Array.from(y.view));
      expect(Array.from(x.view)).toEqual(Array.from(xs, (v) => Math.fround(v * Math.fround(0.3))));
    });
  });
});

describe("clipGradNorm (torch.nn.utils.clip_grad_norm_ semantics)", () => {
  it("scales to maxNorm when the norm is larger and returns the norm before clipping", () => {
    scratch((take) => {
      const g = take(f32Block(4, [3, 4, 0, 0])); // norm 5
      expect(clipGradNorm(g, 1)).toBeCloseTo(5, 12);
      const scaled = Array.from(g.view);
      expect(scaled[0]).toBeCloseTo(3 / (5 + 1e-6), 7);
      expect(Math.hypot(...scaled)).toBeCloseTo(1, 6);
      // Below the threshold nothing changes, bit for bit.
      const before = Array.from(g.view);
      expect(clipGradNorm(g, 2)).toBeCloseTo(1, 6);
      expect(Array.from(g.view)).toEqual(before);
    });
  });

  it("agrees with the twin on random vectors, stores and slices", () => {
    const store = new ParameterStore();
    const a = store.reserve(100);
    store.reserve(33);
    const gs = Float32Array.from(randomArray(rng, 133, -1, 1));
    store.grads.view.set(gs);
    const ref = Float64Array.from(gs);
    const norm = clipGradNorm(store, 0.5);
    expect(norm).toBeCloseTo(clipGradNormTwin(ref, 0.5), 10);
    const got = store.gradients();
    for (let i = 0; i < 133; i++) expect(got[i]).toBeCloseTo(ref[i], 7);
    // A slice clips only its own part.
    store.grads.view.set(gs);
    clipGradNorm(a, 0.1);
    expect(Array.from(store.gradients().subarray(100))).toEqual(Array.from(gs.subarray(100)));
    store.dispose();
  });

  it("does not overflow for huge f32 gradients and rejects non-finite ones", () => {
    scratch((take) => {
      const g = take(f32Block(3, [3e38, 3e38, 0]));
      const norm = clipGradNorm(g, 1);
      expect(norm / (Math.fround(3e38) * Math.SQRT2)).toBeCloseTo(1, 12);
      expect(Math.hypot(...g.view)).toBeCloseTo(1, 6);
      const bad = take(f32Block(3, [1, NaN, 0]));
      expect(() => clipGradNorm(bad, 1)).toThrow(/NaN or infinite global norm/);
      expect(() => clipGradNorm(g, 0)).toThrow(/maxNorm: must be > 0/);
    });
  });

  it("fused into Adam equals clipping first, then stepping", () => {
    const stores = [new ParameterStore(), new ParameterStore()];
    const gs = Float32Array.from(randomArray(rng, 50, -5, 5));
    const adams = stores.map((s) => {
      s.reserve(50, new Float32Array(50).fill(0.5));
      s.grads.view.set(gs);
      return new Adam(s, { learningRate: 0.01 });
    });
    clipGradNorm(stores[0], 0.5);
    adams[0].step();
    adams[1].step({ gradScale: clipGradNormScale(stores[1], 0.5).scale });
    expect(Array.from(stores[1].parameters())).toEqual(Array.from(stores[0].parameters()));
    adams.forEach((a) => a.dispose());
    stores.forEach((s) => s.dispose());
  });
});
