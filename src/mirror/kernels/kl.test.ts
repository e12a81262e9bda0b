import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomPolicy } from "../../../test/helpers/mirror.js";
import { perStateKlTwin, perStateTvTwin, phi } from "./kl.twin.js";
import { perStateKl, perStateTv } from "./kl.js";
import { ValidationError } from "../../core/errors.js";

type PairKernel = "mirrorKlSimd" | "mirrorKlScalar" | "mirrorTvSimd" | "mirrorTvScalar";

/** Each named per-state kernel's output (S values) on the rows (p, q), as a plain array. */
function runPairKernels<N extends PairKernel>(names: readonly N[], p: Float64Array, q: Float64Array, S: number, A: number): Record<N, number[]> {
  const k = kernels();
  return scratch((take) => {
    const pb = take(f64Block(S * A, p));
    const qb = take(f64Block(S * A, q));
    const o = take(f64Block(S));
    const out = {} as Record<N, number[]>;
    for (const name of names) {
      k[name](pb.ptr, qb.ptr, S, A, o.ptr);
      out[name] = Array.from(o.view);
    }
    return out;
  });
}

describe("per-state KL and TV kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(21);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const p = randomPolicy(rng, S, A, 0.2);
    const q = randomPolicy(rng, S, A, 0.2);
    const kl = perStateKlTwin(p, q, S, A);
    const tv = perStateTvTwin(p, q, S, A);
    const out = runPairKernels(["mirrorKlSimd", "mirrorKlScalar", "mirrorTvSimd", "mirrorTvScalar"] as const, p, q, S, A);
    for (const name of ["mirrorKlSimd", "mirrorKlScalar"] as const) expect(maxRelDiff(out[name], kl)).toBeLessThan(1e-13);
    for (const name of ["mirrorTvSimd", "mirrorTvScalar"] as const) expect(maxRelDiff(out[name], tv)).toBeLessThan(1e-15);
  });

  it("rows of A = 4 and A = 40 with zero, subnormal and overflowing ratios in either lane agree with the twin", () => {
    // Entries (first, second) that send a ratio outside the normal range, placed in every action of a row.
    const odd: [number, number][] = [[0, 0.3], [0.3, 0], [5e-324, 0.3], [0.3, 1e-310], [1e-300, 1e-300], [0, 0]];
    for (const A of [4, 40]) {
      const S = 2 * A * odd.length + 3;
      const p = randomPolicy(rng, S, A);
      const q = randomPolicy(rng, S, A);
      for (let s = 0; s + 3 < S; s++) {
        const [a, b] = odd[s % odd.length];
        const at = s * A + ((s >> 1) % A);
        p[at] = a;
        q[at] = b;
      }
      const kl = perStateKlTwin(p, q, S, A);
      const out = runPairKernels(["mirrorKlSimd", "mirrorKlScalar"] as const, p, q, S, A);
      for (const name of ["mirrorKlSimd", "mirrorKlScalar"] as const) {
        expect(maxRelDiff(out[name], kl), `${name}, A = ${A}`).toBeLessThan(1e-13);
      }
    }
  });

  it("handles S = 0 without touching memory", () => {
    scratch((take) => {
      const o = take(f64Block(1, [7]));
      k.mirrorKlSimd(o.ptr, o.ptr, 0, 3, o.ptr);
      k.mirrorTvSimd(o.ptr, o.ptr, 0, 3, o.ptr);
      expect(o.view[0]).toBe(7);
    });
  });
});

describe("perStateKl", () => {
  const rng = testRng(3);

  it("equals sum p log(p/q) on well-separated policies", () => {
    const S = 9;
    const A = 6;
    const p = randomPolicy(rng, S, A, 0.3);
    const q = randomPolicy(rng, S, A);
    const kl = perStateKl(p, q, S, A);
    for (let s = 0; s < S; s++) {
      let direct = 0;
      for (let a = 0; a < A; a++) {
        const x = p[s * A + a];
        if (x > 0) direct += x * Math.log(x / q[s * A + a]);
      }
      expect(Math.abs(kl[s] - direct)).toBeLessThan(1e-14);
      expect(kl[s]).toBeGreaterThanOrEqual(0);
    }
  });

  it("keeps full relative accuracy for tiny divergences (series reference)", () => {
    const A = 5;
    for (const eps of [1e-3, 1e-5, 1e-7]) {
      const q = randomPolicy(rng, 1, A);
      const d = new Float64Array(A);
      let mean = 0;
      for (let a = 0; a < A; a++) {
        d[a] = eps * (2 * rng() - 1) * q[a];
        mean += d[a];
      }
      d[0] -= mean;
      const p = q.map((v, a) => v + d[a]);
      // KL(q || p) = sum q (x^2/2 - x^3/3 + x^4/4 - ...), x = d/q, when both sum to 1.
      let ref = 0;
      for (let a = 0; a < A; a++) {
        const x = (p[a] - q[a]) / q[a];
        let t = 0;
        for (let j = 12; j >= 2; j--) t = t * -x + 1 / j;
        ref += q[a] * x * x * t;
      }
      const kl = perStateKl(q, p, 1, A)[0];
      expect(Math.abs(kl - ref) / ref).toBeLessThan(1e-9);
    }
  });

  it("is +inf where the second policy leaves the first's support", () => {
    const p = new Float64Array([0.5, 0.5]);
    const q = new Float64Array([1, 0]);
    expect(perStateKl(p, q, 1, 2)[0]).toBe(Infinity);
    expect(perStateKl(q, p, 1, 2)[0]).toBeCloseTo(Math.log(2), 15);
  });

  it("phi is r - 1 - log r and non-negative", () => {
    for (const r of [1e-300, 0.3, 0.7, 0.9999, 1, 1.0001, 1.3, 2, 50, 1e300]) {
      const direct = r - 1 - Math.log(r);
      expect(phi(r)).toBeGreaterThanOrEqual(0);
      if (Math.abs(r - 1) > 0.1) expect(Math.abs(phi(r) - direct) / Math.max(1, direct)).toBeLessThan(1e-15);
    }
    expect(phi(1)).toBe(0);
    expect(phi(0)).toBe(Infinity);
  });

  it("TV is half the L1 distance and rejects non-policies", () => {
    const p = new Float64Array([0.2, 0.8, 0.5, 0.5]);
    const q = new Float64Array([0.6, 0.4, 0.5, 0.5]);
    const tv = perStateTv(p, q, 2, 2);
    expect(tv[0]).toBeCloseTo(0.4, 15);
    expect(tv[1]).toBe(0);
    expect(() => perStateTv(p, new Float64Array([0.6, 0.6, 0.5, 0.5]), 2, 2)).toThrow(ValidationError);
  });
});
