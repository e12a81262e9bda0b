import { describe, expect, it } from "vitest";
import { arena, f32Block, i32Block, scratch } from "../core/arena.js";
import { randomArray, testRng } from "../../test/helpers/lengths.js";
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import { Mlp, mlpParameterCount } from "./mlp.js";
import { mlpBackwardTwin, mlpForwardTwin } from "./mlp.twin.js";
import { ParameterStore } from "./parameters.js";
import type { Activation } from "./activation.js";

const rng = testRng(23);

/** Loss = sum_{r,o} c[r,o] y[r,o] in f64 through the twin, as a function of the parameters. */
function twinLoss(
  params: Float64Array, sizes: readonly number[], act: Activation, x: Float32Array, batch: number, c: Float32Array,
): number {
  const y = mlpForwardTwin(params, sizes, act, x, batch).outputs.at(-1)!;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += c[i] * y[i];
  return s;
}

describe("Mlp gradients against central finite differences of an f64 twin", () => {
  for (const activation of ["tanh", "relu"] as const) {
    it(`${activation}: every parameter and every input`, () => {
      const sizes = [3, 5, 6, 2];
      const batch = 7;
      // A bias gain of 0 would make every ReLU unit see exactly 0 at 0 input;
      // random biases move the pre-activations away from the kink.
      const net = new Mlp({ inputSize: 3, outputSize: 2, netArch: [5, 6], activation, seed: 1, outputGain: 0.7 });
      const p0 = net.parameters();
      for (const layer of net.layers) {
        for (let o = 0; o < layer.nOut; o++) p0[layer.biasOffset + o] = 0.3 * (rng() - 0.5);
      }
      net.setParameters(p0);
      const x = Float32Array.from(randomArray(rng, batch * 3, -2, 2));
      const c = Float32Array.from(randomArray(rng, batch * 2));
      const y = net.forward(x, batch);
      const ref = mlpForwardTwin(p0, sizes, activation, x, batch);
      const yRef = ref.outputs.at(-1)!;
      for (let i = 0; i < yRef.length; i++) expect(Math.abs(y.view[i] - yRef[i])).toBeLessThan(2e-6);
      const dx = net.backward(c, { inputGradient: true })!;
      const g = net.gradients();

      const params = Float64Array.from(p0);
      const h = 1e-6;
      const scale = Math.max(...Array.from(g, Math.abs));
      for (let i = 0; i < params.length; i++) {
        const pi = params[i];
        params[i] = pi + h;
        const up = twinLoss(params, sizes, activation, x, batch, c);
        params[i] = pi - h;
        const down = twinLoss(params, sizes, activation, x, batch, c);
        params[i] = pi;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(g[i] - fd), `parameter ${i}`).toBeLessThan(1e-5 * scale + 1e-7);
      }
      // The twin's own backward agrees with its finite differences to f64 accuracy.
      const twin = mlpBackwardTwin(p0, sizes, activation, x, batch, ref, c);
      const xs = Float64Array.from(x);
      const lossX = (): number => {
        const yy = mlpForwardTwin(params, sizes, activation, xs, batch).outputs.at(-1)!;
        return yy.reduce((s, v, i) => s + c[i] * v, 0);
      };
      for (let i = 0; i < xs.length; i++) {
        const xi = xs[i];
        xs[i] = xi + h;
        const up = lossX();
        xs[i] = xi - h;
        const down = lossX();
        xs[i] = xi;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(dx.view[i] - fd), `input ${i}`).toBeLessThan(1e-5);
        expect(Math.abs(twin.dx[i] - fd)).toBeLessThan(1e-8);
      }
      for (let i = 0; i < g.length; i++) expect(Math.abs(twin.grads[i] - g[i])).toBeLessThan(1e-5 * scale + 1e-7);
      net.dispose();
    });
  }

  it("SB3's actor shape (4 -> 64 -> 64 -> 2, tanh) at batch 300 matches the twin", () => {
    const net = new Mlp({ inputSize: 4, outputSize: 2, seed: 2, outputGain: 1 });
    const batch = 300;
    const x = Float32Array.from(randomArray(rng, batch * 4, -2, 2));
    const c = Float32Array.from(randomArray(rng, batch * 2));
    const p = net.parameters();
    const y = net.forward(x).toArray();
    const pass = mlpForwardTwin(p, net.sizes, "tanh", x, batch);
    const yRef = pass.outputs.at(-1)!;
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - yRef[i])).toBeLessThan(1e-5);
    net.backward(c);
    const g = net.gradients();
    const { grads } = mlpBackwardTwin(p, net.sizes, "tanh", x, batch, pass, c);
    let worst = 0;
    let big = 0;
    for (let i = 0; i < g.length; i++) {
      worst = Math.max(worst, Math.abs(g[i] - grads[i]));
      big = Math.max(big, Math.abs(grads[i]));
    }
    expect(worst).toBeLessThan(1e-5 * big);
    net.dispose();
  });
});

describe("Mlp buffers, parameters and stores", () => {
  it("grows its buffers for a larger batch; results do not depend on the capacity", () => {
    const a = new Mlp({ inputSize: 3, outputSize: 2, netArch: [8], seed: 4, batchCapacity: 2 });
    const b = new Mlp({ inputSize: 3, outputSize: 2, netArch: [8], seed: 4, batchCapacity: 500 });
    const x = Float32Array.from(randomArray(rng, 300 * 3));
    const out = a.forward(x.subarray(0, 6));
    expect(out.rows).toBe(2);
    const big = a.forward(x);
    expect(a.batchCapacity).toBeGreaterThanOrEqual(300);
    expect(big).toBe(out); // the same matrix object, now on the larger buffer
    expect(Array.from(big.view)).toEqual(Array.from(b.forward(x).view));
    const c = Float32Array.from(randomArray(rng, 300 * 2));
    a.backward(c);
    b.backward(c);
    expect(Array.from(a.gradients())).toEqual(Array.from(b.gradients()));
    // Accumulating a second identical backward doubles the gradients (to rounding:
    // the kernel adds the new terms one by one onto the old sums).
    a.backward(c, { accumulate: true });
    const twice = a.gradients();
    const once = b.gradients();
    const largest = Math.max(...Array.from(once, Math.abs));
    for (let i = 0; i < once.length; i++) expect(Math.abs(twice[i] - 2 * once[i])).toBeLessThan(1e-5 * largest);
    a.dispose();
    b.dispose();
  });

  it("reads input from WebAssembly memory, and survives memory growth", () => {
    const net = new Mlp({ inputSize: 2, outputSize: 1, netArch: [4], seed: 6 });
    scratch((take) => {
      const x = take(f32Block(8, [1, 2, 3, 4, 5, 6, 7, 8]));
      const before = net.forward(x).toArray();
      // Grow the memory by 32 MiB: every cached view dies, the model must not care.
      const bytes = arena().memoryBytes;
      take(f32Block(8 * 1024 * 1024));
      expect(arena().memoryBytes).toBeGreaterThan(bytes);
      expect(Array.from(net.forward(x).view)).toEqual(Array.from(before));
      expect(Array.from(net.forward([1, 2, 3, 4, 5, 6, 7, 8]).view)).toEqual(Array.from(before));
    });
    net.dispose();
  });

  it("round-trips its parameters, and modules share one store", () => {
    const store = new ParameterStore();
    const actor = new Mlp({ inputSize: 4, outputSize: 2, store, seed: 1, outputGain: 0.01 });
    const logStd = store.reserve(2, [-0.5, 0.5]);
    const critic = new Mlp({ inputSize: 4, outputSize: 1, store, seed: 2 });
    expect(store.size).toBe(mlpParameterCount([4, 64, 64, 2]) + 2 + mlpParameterCount([4, 64, 64, 1]));
    expect(Array.from(logStd.get())).toEqual([-0.5, 0.5]);
    const x = Float32Array.from(randomArray(rng, 10 * 4));
    const yActor = actor.forward(x).toArray();
    const yCritic = critic.forward(x).toArray();
    // Parameters of the whole store round-trip bit for bit, and predictions with them.
    const saved = store.parameters();
    const other = new ParameterStore();
    const actor2 = new Mlp({ inputSize: 4, outputSize: 2, store: other, seed: 99 });
    other.reserve(2);
    const critic2 = new Mlp({ inputSize: 4, outputSize: 1, store: other, seed: 98 });
    expect(Array.from(actor2.forward(x).view)).not.toEqual(Array.from(yActor));
    other.setParameters(saved);
    expect(Array.from(actor2.forward(x).view)).toEqual(Array.from(yActor));
    expect(Array.from(critic2.forward(x).view)).toEqual(Array.from(yCritic));
    // Gradients land in each module's own slice.
    store.zeroGrad();
    critic.backward(new Float32Array(10).fill(1));
    const g = store.gradients();
    expect(g.subarray(0, actor.parameterCount + 2).every((v) => v === 0)).toBe(true);
    expect(g.subarray(actor.parameterCount + 2).some((v) => v !== 0)).toBe(true);
    expect(store.gradNorm()).toBeCloseTo(Math.hypot(...g), 4);
    actor.setParameters(actor.parameters());
    expect(() => actor.setParameters(new Float32Array(3))).toThrow(ValidationError);
    expect(() => actor.setParameters(new Float32Array(actor.parameterCount).fill(NaN))).toThrow(/finite/);
    store.dispose();
    other.dispose();
  });

  it("checks its inputs", () => {
    const net = new Mlp({ inputSize: 3, outputSize: 2, netArch: [4], seed: 1 });
    expect(() => net.backward([1, 2])).toThrow(/needs a forward pass/);
    expect(() => net.forward(new Float32Array(7))).toThrow(/batch: must be an integer/);
    expect(() => net.forward(new Float32Array(6), 3)).toThrow(/x: holds 6 values, 9 needed/);
    expect(() => net.forward([1, 2, 3, 4, NaN, 6])).toThrow(/x: must be finite \(got NaN\) at row 1, column 1/);
    net.forward([1, 2, 3, 4, 5, 6]);
    expect(() => net.backward([1, 2, 3])).toThrow(/dOut: holds 3 values, 4 needed/);
    expect(() => net.backward([1, 2, 3, Infinity])).toThrow(/dOut: must be finite/);
    expect(() => new Mlp({ inputSize: 0, outputSize: 1 })).toThrow(/inputSize/);
    expect(() => new Mlp({ inputSize: 1, outputSize: 1, netArch: [64, 0] })).toThrow(/netArch\[1\]/);
    expect(() => new Mlp({ inputSize: 1, outputSize: 1, activation: "gelu" as never })).toThrow(/activation/);
    expect(net.forward([], 0).rows).toBe(0);
    net.dispose();
    expect(() => net.forward([1, 2, 3])).toThrow(/disposed/);
  });

  it("is reproducible from its seed or generator", () => {
    const a = new Mlp({ inputSize: 2, outputSize: 3, rng: new Rng(8) });
    const b = new Mlp({ inputSize: 2, outputSize: 3, seed: 8 });
    expect(Array.from(a.parameters())).toEqual(Array.from(b.parameters()));
    a.dispose();
    b.dispose();
  });
});

describe("Mlp activation replay", () => {
  it("replaying recorded rows gives forward's and backward's bits (batches of multiples of 4)", () => {
    for (const [netArch, outputSize, activation] of [[[64, 64], 2, "tanh"], [[6, 10], 3, "relu"], [[5], 1, "tanh"]] as const) {
      const net = new Mlp({ inputSize: 4, outputSize, netArch, activation, seed: 3 });
      const E = 8;
      const steps = 5;
      const x = Float32Array.from(randomArray(rng, E * steps * 4, -2, 2));
      const cache = net.activationCacheBlocks(E * steps);
      for (let t = 0; t < steps; t++) {
        net.forward(x.subarray(t * E * 4, (t + 1) * E * 4), E);
        net.recordActivations(cache, t * E);
      }
      const rows = 20;
      const order = Array.from({ length: E * steps }, (_, i) => (i * 17 + 5) % (E * steps)).slice(0, rows);
      const xs = new Float32Array(rows * 4);
      order.forEach((j, i) => xs.set(x.subarray(j * 4, j * 4 + 4), i * 4));
      const dOut = Float32Array.from(randomArray(rng, rows * outputSize));
      const y1 = net.forward(xs, rows).toArray();
      net.backward(dOut);
      const g1 = net.gradients();
      scratch((take) => {
        const idx = take(i32Block(rows, order));
        const y2 = net.replayActivations(cache, idx.ptr, rows).toArray();
        expect(Array.from(y2)).toEqual(Array.from(y1));
        net.backward(dOut);
        expect(Array.from(net.gradients())).toEqual(Array.from(g1));
        // An index past the recorded rows is refused, naming the entry and the value.
        const bad = take(i32Block(4, [0, 1, E * steps, 2]));
        expect(() => net.replayActivations(cache, bad.ptr, 4)).toThrow(/idx\[2\].*40/);
        expect(() => net.replayActivations(cache, bad.ptr + 2, 4)).toThrow(ValidationError);
      });
      // A different parameter would change the forward: the replay is only valid for the recording's parameters.
      const p = net.parameters();
      p[0] += 0.5;
      net.setParameters(p);
      expect(Array.from(net.forward(xs, rows).toArray())).not.toEqual(Array.from(y1));
      for (const b of cache) b.free();
      expect(() => net.recordActivations(cache.slice(1), 0)).toThrow(ValidationError);
      net.dispose();
    }
  });
});
