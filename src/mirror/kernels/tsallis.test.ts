import { describe, expect, it } from "vitest";
import { PARITY_LENGTHS, testRng } from "../../../test/helpers/lengths.js";
import { f64Block, scratch } from "../../core/arena.js";
import { kernels } from "../../core/wasm.js";
import { ValidationError } from "../../core/errors.js";
import { tsallisProjection } from "./tsallis.js";
import { tsallisProjectionTwin } from "./tsallis.twin.js";

const QS = [0.3, 0.5, 0.9, 1.5, 2, 3];
const ACTIONS = [1, 2, 3, 4, 5, 16, 17, 40];

/** Both kernels' outputs on (y, q), as plain arrays. */
function runKernels(q: number, y: Float64Array, S: number, A: number): { simd: number[]; scalar: number[] } {
  const k = kernels();
  return scratch((take) => {
    const yb = take(f64Block(S * A, y));
    const o = take(f64Block(S * A));
    const run = (name: "mirrorTsallisProjectSimd" | "mirrorTsallisProjectScalar"): number[] => {
      o.view.fill(NaN);
      k[name](yb.ptr, q, S, A, o.ptr);
      return Array.from(o.view);
    };
    return { simd: run("mirrorTsallisProjectSimd"), scalar: run("mirrorTsallisProjectScalar") };
  });
}

/** The unit in the last place of x (2^-1074 for subnormals and 0). */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

/** max over entries of |x - ref| in units of ref's last place (equal values, -0 = 0, count 0). */
function maxUlps(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    if (x[i] === ref[i]) continue;
    // A binade edge: measure in the smaller ulp of the two.
    m = Math.max(m, Math.abs(x[i] - ref[i]) / Math.min(ulp(ref[i]), ulp(x[i])));
  }
  return m;
}

/**
 * S*A entries: per state a shift (0, or +-1e-300 .. 1e300) plus a spread (1e-300 .. 1e300) times
 * uniform(-1, 1); for q < 1 about one entry in six -Infinity (each row keeps a finite one).
 */
function rows(rng: () => number, q: number, S: number, A: number, extreme: boolean): Float64Array {
  const y = new Float64Array(S * A);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  for (let s = 0; s < S; s++) {
    const shift = extreme ? pick([0, 1e-300, -1e-300, 1e150, -1e150, 1e300, -1e300]) : 10 * (rng() - 0.5);
    const spread = extreme ? pick([1e-300, 1e-20, 1e-8, 1, 1e8, 1e20, 1e150, 1e300]) : 10 ** (3 * rng() - 1);
    for (let a = 0; a < A; a++) y[s * A + a] = shift + spread * (2 * rng() - 1);
    if (q < 1 && A > 1) {
      for (let a = 0; a < A; a++) if (rng() < 1 / 6) y[s * A + a] = -Infinity;
      y[s * A + Math.floor(rng() * A)] = shift;
    }
  }
  return y;
}

/** |x - ref| over all entries (equal values count 0). */
function maxAbs(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) if (x[i] !== ref[i]) m = Math.max(m, Math.abs(x[i] - ref[i]));
  return m;
}

/** maxUlps over the entries where ref >= 1e-3 (the mass of the row). */
function maxUlpsOfMass(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  const keep = (v: number, i: number): number => (ref[i] >= 1e-3 ? v : 0);
  return maxUlps(Array.from(x, keep), Array.from(ref, keep));
}

// The powers: e = 1/|1-q| is 2 for q = 0.5 and 1.5 (a square, which is what the twin's ** gives),
// 1 for q = 2 and 1/2 for q = 3 (a square root, as fdlibm's pow in V8), so those agree bit for
// bit; otherwise exp(e log b) differs from ** by about |e log b| / 2 ulps, and the bisection may
// end an ulp or two of t away from the twin's. Measured over these tests (seed 61): q = 0.3 <= 14
// ulps, q = 0.9 <= 31 ulps on entries >= 1e-3 (e = 10 scales log's error); every entry within
// 8.4e-16 absolute (about 4 ulps of 1). The bounds below leave a factor 2-4.
const EXACT_QS = new Set([0.5, 1.5, 2, 3]);
const ABS_BOUND = 16 * 2 ** -52;
const MASS_ULPS = 64;

describe("Tsallis projection kernels: SIMD = scalar bit for bit, = TypeScript twin to a few ulps", () => {
  const rng = testRng(61);
  for (const q of QS) {
    it.each(ACTIONS)(`q = ${q}, A = %i, S over the parity lengths, ordinary and extreme rows`, (A) => {
      for (const S of PARITY_LENGTHS) {
        for (const extreme of [false, true]) {
          const y = rows(rng, q, S, A, extreme);
          const { simd, scalar } = runKernels(q, y, S, A);
          expect(simd, `S ${S} extreme ${extreme}`).toEqual(scalar);
          if (S <= 17 || S % 8 === 0) {
            const ref = tsallisProjectionTwin(q, y, S, A);
            if (EXACT_QS.has(q)) expect(simd, `S ${S} extreme ${extreme}`).toEqual(Array.from(ref));
            else {
              expect(maxAbs(simd, ref), `S ${S} extreme ${extreme}`).toBeLessThanOrEqual(ABS_BOUND);
              if (q < 1) expect(maxUlpsOfMass(simd, ref), `S ${S} extreme ${extreme}`).toBeLessThanOrEqual(MASS_ULPS);
            }
          }
        }
      }
    });
  }
});

describe("Tsallis projection kernels: edge rows", () => {
  it("one action: exactly 1; -Infinity entries (q < 1): exactly 0, the row still sums to 1", () => {
    for (const q of QS) {
      const y = Float64Array.from([3, -1e300, 0.5, 1e300]);
      expect(runKernels(q, y, 4, 1).simd).toEqual([1, 1, 1, 1]);
    }
    for (const q of [0.3, 0.5, 0.9]) {
      const y = Float64Array.from([-Infinity, 2, -Infinity, 1, 0, -Infinity, -Infinity, -Infinity]);
      const { simd, scalar } = runKernels(q, y, 2, 4);
      expect(simd).toEqual(scalar);
      expect([simd[0], simd[2], simd[5], simd[6], simd[7]]).toEqual([0, 0, 0, 0, 0]);
      expect(simd[4]).toBe(1);
      expect(Math.abs(simd[1] + simd[3] - 1)).toBeLessThanOrEqual(2 ** -52);
    }
  });

  it("weights below the smallest normal double stay subnormal, as the twin's ** gives (not flushed to 0)", () => {
    // q = 0.3: the second weight is ((0.3/0.7) / 1e220)^(1/0.7) ~ 1.6e-315; q = 0.9: ((9 / 1e32)^10 ~ 3e-311.
    for (const [q, gap] of [[0.3, 1e220], [0.9, 1e32]]) {
      const y = Float64Array.from([0, -gap, 5, 5 - gap]);
      const { simd, scalar } = runKernels(q, y, 2, 2);
      const ref = tsallisProjectionTwin(q, y, 2, 2);
      expect(simd).toEqual(scalar);
      expect(ref[1]).toBeGreaterThan(0);
      expect(ref[1]).toBeLessThan(2 ** -1022);
      for (const i of [1, 3]) expect(Math.abs(simd[i] - ref[i]), `q ${q}`).toBeLessThanOrEqual(2 * 2 ** -1074);
    }
  });

  it("tsallisProjection runs the SIMD kernel: the same bits", () => {
    const rng = testRng(62);
    for (const q of QS) {
      const y = rows(rng, q, 33, 7, false);
      expect(Array.from(tsallisProjection(q, y, 33, 7))).toEqual(runKernels(q, y, 33, 7).simd);
    }
  });
});

describe("tsallisProjection at the boundary", () => {
  it("rejects a shape the kernel cannot take and an out of the wrong length (ValidationError, not a trap)", () => {
    const y = new Float64Array(6);
    expect(() => tsallisProjection(0.5, y, 1.5, 4)).toThrow(ValidationError);
    expect(() => tsallisProjection(0.5, y, -2, -3)).toThrow(ValidationError);
    expect(() => tsallisProjection(0.5, y, 2, 3, new Float64Array(5))).toThrow(ValidationError);
    expect(tsallisProjection(0.5, new Float64Array(0), 0, 3)).toEqual(new Float64Array(0));
  });
});
