import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { ParameterStore } from "../nn/parameters.js";
import { Adam } from "./adam.js";
import { adamStepTwin } from "./adam.twin.js";

const k = kernels();
const rng = testRng(31);
const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));

describe("Adam kernel: SIMD = scalar, both close to the f64 reference", () => {
  it.each(PARITY_LENGTHS)("length %i, three steps", (n) => {
    scratch((take) => {
      const p0 = Float32Array.from(randomArray(rng, n));
      const make = () => [take(f32Block(n, p0)), take(f32Block(n, new Float32Array(n))), take(f32Block(n, new Float32Array(n)))];
      const [pa, ma, va] = make();
      const [pb, mb, vb] = make();
      const g = take(f32Block(n));
      const ref = { p: Float64Array.from(p0), m: new Float64Array(n), v: new Float64Array(n) };
      const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-5, weightDecay: 0.01, gradScale: 0.5 };
      for (let t = 1; t <= 3; t++) {
        const gs = Float32Array.from(randomArray(rng, n));
        g.set(gs);
        const step = h.lr / (1 - h.beta1 ** t);
        const bc = Math.sqrt(1 - h.beta2 ** t);
        k.adamStepSimd(pa.ptr, g.ptr, ma.ptr, va.ptr, n, step, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, bc, h.gradScale, h.weightDecay);
        k.adamStepScalar(pb.ptr, g.ptr, mb.ptr, vb.ptr, n, step, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, bc, h.gradScale, h.weightDecay);
        adamStepTwin(ref.p, gs, ref.m, ref.v, t, h);
      }
      expect(bits(pa.view)).toEqual(bits(pb.view));
      expect(bits(ma.view)).toEqual(bits(mb.view));
      expect(bits(va.view)).toEqual(bits(vb.view));
      // Each step moves a parameter by at most about lr; f32 rounding of the update is
      // ~1e-7 relative to it, of the parameter ~6e-8 relative to |theta|.
      for (let i = 0; i < n; i++) {
        expect(Math.abs(pa.view[i] - ref.p[i])).toBeLessThan(1e-6 * h.lr + 1.2e-7 * Math.abs(ref.p[i]) * 3);
        expect(Math.abs(ma.view[i] - ref.m[i])).toBeLessThan(1e-6 * (1 + Math.abs(ref.m[i])));
      }
    });
  });
});

describe("Adam", () => {
  it("first step moves every parameter by lr against the sign of its gradient (bias correction)", () => {
    // With m-hat = g and v-hat = g^2 at t = 1, the step is lr g / (|g| + eps).
    const store = new ParameterStore();
    const slice = store.reserve(5, [1, 2, 3, 4, 5]);
    slice.gradView.set([0.5, -2, 1e-3, -1e3, 0]);
    const adam = new Adam(store, { learningRate: 0.1, eps: 1e-8 });
    adam.step();
    const p = store.parameters();
    const expected = [1 - 0.1, 2 + 0.1, 3 - 0.1 * (1e-3 / (1e-3 + 1e-8)), 4 + 0.1, 5];
    for (let i = 0; i < 5; i++) expect(p[i]).toBeCloseTo(expected[i], 6);
    expect(adam.stepCount).toBe(1);
    adam.dispose();
    store.dispose();
  });

  it("matches the f64 reference over 50 steps on a quadratic, and minimises it", () => {
    // f(theta) = 1/2 sum_i c_i (theta_i - t_i)^2, gradient c (theta - t).
    const n = 37;
    const c = Float64Array.from(randomArray(rng, n, 0.5, 2));
    const target = Float64Array.from(randomArray(rng, n, -1, 1));
    const store = new ParameterStore();
    store.reserve(n);
    const adam = new Adam(store, { learningRate: 0.05, eps: 1e-5 });
    const ref = { p: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
    const h = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-5, weightDecay: 0, gradScale: 1 };
    for (let t = 1; t <= 50; t++) {
      const p = store.params.view;
      const g = store.grads.view;
      for (let i = 0; i < n; i++) g[i] = c[i] * (p[i] - target[i]);
      const gRef = ref.p.map((v, i) => c[i] * (v - target[i]));
      adam.step();
      adamStepTwin(ref.p, gRef, ref.m, ref.v, t, h);
    }
    const p = store.parameters();
    for (let i = 0; i < n; i++) expect(Math.abs(p[i] - ref.p[i])).toBeLessThan(2e-5);
    let dist = 0;
    for (let i = 0; i < n; i++) dist = Math.max(dist, Math.abs(p[i] - target[i]));
    expect(dist).toBeLessThan(0.2);
    // State round trip: a restored optimiser continues identically.
    const state = adam.getState();
    const store2 = new ParameterStore();
    store2.reserve(n, p);
    const adam2 = new Adam(store2, { learningRate: 0.05, eps: 1e-5 });
    adam2.setState(state);
    store.grads.view.fill(0.3);
    store2.grads.view.fill(0.3);
    adam.step();
    adam2.step();
    expect(Array.from(store2.parameters())).toEqual(Array.from(store.parameters()));
    adam.dispose();
    adam2.dispose();
    store.dispose();
    store2.dispose();
  });

  it("checks its options and notices a store that grew", () => {
    const store = new ParameterStore();
    store.reserve(3);
    expect(() => new Adam(store, { beta1: 1 })).toThrow(/beta1: must be in \[0, 1\)/);
    expect(() => new Adam(store, { learningRate: -1 })).toThrow(/learningRate/);
    expect(() => new Adam(store, { eps: NaN })).toThrow(/eps/);
    const adam = new Adam(store);
    store.reserve(2);
    expect(() => adam.step()).toThrow(/has 5 parameters, the optimiser was built for 3/);
    expect(() => adam.step({ gradScale: NaN })).toThrow(/gradScale/);
    adam.dispose();
    store.dispose();
  });
});
