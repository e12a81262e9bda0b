import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, scratch } from "../core/arena.js";
import { Rng } from "../core/rng.js";
import { cos, sin } from "./trig.js";
import { PARITY_LENGTHS, testRng } from "../../test/helpers/lengths.js";

/** Angles that stress the reduction: near multiples of pi/2, tiny, large, signed zeros. */
function hardAngles(): number[] {
  const out = [0, -0, 1e-300, -1e-300, 1e-8, Math.PI / 4, -Math.PI / 4, 1e5, -1e5, 999_999.5];
  for (let k = -40; k <= 40; k++) {
    const c = (k * Math.PI) / 2;
    out.push(c, c + 1e-12, c - 1e-12, c + 1e-6, c - 3e-9, c + Math.PI / 4, c + 0.7853981633974484);
  }
  return out;
}

function randomAngles(n: number, seed: number): Float64Array {
  const r = testRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const scale = [0.3, 4, 40, 1e3, 1e6][i % 5];
    out[i] = (2 * r() - 1) * scale;
  }
  return out;
}

describe("deterministic sin / cos", () => {
  it("are within about 2 ulp of Math.sin / Math.cos, relatively even next to the zeros", () => {
    const xs = [...hardAngles(), ...randomAngles(20_000, 3)];
    for (const x of xs) {
      for (const [mine, ref] of [[sin(x), Math.sin(x)], [cos(x), Math.cos(x)]] as const) {
        const err = Math.abs(mine - ref);
        const tol = 4.5e-16 * Math.abs(ref);
        if (!(err <= tol)) throw new Error(`x = ${x}: got ${mine}, Math gives ${ref}`);
      }
    }
  });

  it("satisfy sin^2 + cos^2 = 1 and the odd/even symmetries exactly where the method promises", () => {
    for (const x of randomAngles(2000, 11)) {
      expect(Math.abs(sin(x) ** 2 + cos(x) ** 2 - 1)).toBeLessThan(5e-16);
      expect(sin(-x)).toBe(-sin(x));
      expect(cos(-x)).toBe(cos(x));
    }
  });

  it("fall back to Math.sin / Math.cos beyond 1e6 and for non-finite input", () => {
    for (const x of [1e6 + 1, -3e7, 1e300]) {
      expect(sin(x)).toBe(Math.sin(x));
      expect(cos(x)).toBe(Math.cos(x));
    }
    expect(sin(NaN)).toBeNaN();
    expect(cos(Infinity)).toBeNaN();
  });

  it.each(PARITY_LENGTHS.filter((n) => n <= 40 || n % 17 === 0))("WASM SIMD = WASM scalar = TypeScript bit for bit, length %i", (n) => {
    const base = [...hardAngles(), ...randomAngles(200, n)];
    const xs = Float64Array.from({ length: n }, (_, i) => base[(i * 7 + n) % base.length]);
    scratch((take) => {
      const k = kernels();
      const x = take(f64Block(n, xs));
      const s1 = take(f64Block(n));
      const c1 = take(f64Block(n));
      const s2 = take(f64Block(n));
      const c2 = take(f64Block(n));
      k.trigSinCosSimd(x.ptr, s1.ptr, c1.ptr, n);
      k.trigSinCosScalar(x.ptr, s2.ptr, c2.ptr, n);
      const ts = Float64Array.from(xs, sin);
      const tc = Float64Array.from(xs, cos);
      // toEqual on Float64Array distinguishes +0 / -0 through Object.is.
      expect(Array.from(s1.view)).toEqual(Array.from(ts));
      expect(Array.from(c1.view)).toEqual(Array.from(tc));
      expect(Array.from(s2.view)).toEqual(Array.from(ts));
      expect(Array.from(c2.view)).toEqual(Array.from(tc));
    });
  });

  it("WASM = TypeScript on 100 000 random angles, including lanes that mix small and huge angles", () => {
    const xs = randomAngles(100_000, 5);
    xs[10] = 5e6; // a huge lane beside a normal one in the SIMD pair (10, 11)
    scratch((take) => {
      const k = kernels();
      const n = xs.length;
      const x = take(f64Block(n, xs));
      const s = take(f64Block(n));
      const c = take(f64Block(n));
      k.trigSinCosSimd(x.ptr, s.ptr, c.ptr, n);
      const sv = s.view;
      const cv = c.view;
      let mismatches = 0;
      for (let i = 0; i < n; i++) {
        if (i === 10) continue; // Math.sin (V8) and AssemblyScript's libm may differ in the last bit
        if (!Object.is(sv[i], sin(xs[i])) || !Object.is(cv[i], cos(xs[i]))) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(sv[11]).toBe(sin(xs[11]));
      expect(Math.abs(sv[10] - Math.sin(5e6))).toBeLessThan(1e-15);
    });
  });
});

describe("xoshiro128** inside kernels", () => {
  it("draws the same uniforms as Rng.uniform, bit for bit", () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1, 123456789]) {
      const rng = new Rng(seed);
      scratch((take) => {
        const k = kernels();
        const state = take(f64Block(2)); // 16 bytes = four u32
        new Int32Array(state.view.buffer, state.ptr, 4).set(rng.getState().map((v) => v | 0));
        const out = take(f64Block(1000));
        k.envRngUniforms(state.ptr, out.ptr, 1000, -0.05, 0.05);
        const ref = Float64Array.from({ length: 1000 }, () => rng.uniform(-0.05, 0.05));
        expect(Array.from(out.view)).toEqual(Array.from(ref));
        // The generator state advanced exactly as the TypeScript one.
        const after = Array.from(new Uint32Array(state.view.buffer, state.ptr, 4));
        expect(after).toEqual(rng.getState());
      });
    }
  });
});
