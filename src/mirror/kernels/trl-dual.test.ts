import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomCoefficients, randomPolicy } from "../../../test/helpers/mirror.js";
import { trlSolveTwin } from "./trl-dual.twin.js";

/** Runs both kernels on the same inputs; returns [simd, scalar] outputs. */
function runBoth(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number): [number[], number[]] {
  const k = kernels();
  const results: number[][] = [];
  scratch((take) => {
    const p = take(f64Block(S * A, pi));
    const q = take(f64Block(S * A, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(S * A));
    for (const name of ["mirrorTrlSolveSimd", "mirrorTrlSolveScalar"] as const) {
      o.view.fill(NaN);
      k[name](p.ptr, q.ptr, c.ptr, S, A, o.ptr);
      results.push(Array.from(o.view));
    }
  });
  return [results[0], results[1]];
}

describe("TRL dual: the SIMD kernel's pairs of states equal the scalar kernel bit for bit (A <= 64)", () => {
  const rng = testRng(77);
  it.each(PER_STATE_SHAPES.filter(([, A]) => A <= 64))("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.25);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    // Some outside-support actions better than the support (trlState's pinned path).
    for (let i = 0; i < S * A; i++) if (pi[i] === 0 && rng() < 0.3) adv[i] += 3 * rng();
    // Coefficients over many scales, with 0 and +inf (randomCoefficients) and an
    // underflowing lower bracket end c * pmax.
    const coef = randomCoefficients(rng, S).map((c, s) => (s > 2 && rng() < 0.3 ? c * 10 ** (8 * rng() - 4) : c));
    if (S > 5) coef[5] = 1e-320;
    const [simd, scalar] = runBoth(pi, adv, coef, S, A);
    expect(simd).toEqual(scalar);
    expect(maxRelDiff(simd, trlSolveTwin(pi, adv, coef, S, A))).toBeLessThan(1e-12);
  });

  it("many states of four actions (the register path, slots refilled as pairs finish)", () => {
    const S = 999;
    const A = 4;
    const pi = randomPolicy(rng, S, A, 0.1);
    const adv = randomAdvantage(rng, pi, S, A, 3);
    const coef = Float64Array.from({ length: S }, () => 10 ** (6 * rng() - 3));
    const [simd, scalar] = runBoth(pi, adv, coef, S, A);
    expect(simd).toEqual(scalar);
    const ref = trlSolveTwin(pi, adv, coef, S, A);
    expect(maxRelDiff(simd, ref)).toBeLessThan(1e-12);
    for (let s = 0; s < S; s++) {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += simd[s * A + a];
      expect(Math.abs(sum - 1)).toBeLessThan(1e-15 * A);
    }
  });
});

describe("TRL dual: machine precision although most searches stop two evaluations in", () => {
  /**
   * Independent reference: t = lambda - amax by bisection of g(t) = sum c pi / (t + amax - adv) = 1
   * on [c pmax, c] down to adjacent doubles, then p = c pi / (t + d) normalised.
   */
  function reference(pi: Float64Array, adv: Float64Array, s: number, A: number, c: number): number[] {
    let amax = -Infinity;
    for (let a = 0; a < A; a++) if (pi[s * A + a] > 0) amax = Math.max(amax, adv[s * A + a]);
    const g = (t: number): number => {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += (c * pi[s * A + a]) / (t + (amax - adv[s * A + a]));
      return sum;
    };
    let lo = 0;
    let hi = c;
    for (let i = 0; i < 2000; i++) {
      const mid = 0.5 * lo + 0.5 * hi;
      if (mid <= lo || mid >= hi) break;
      if (g(mid) > 1) lo = mid;
      else hi = mid;
    }
    const p = Array.from({ length: A }, (_, a) => (c * pi[s * A + a]) / (hi + (amax - adv[s * A + a])));
    const sum = p.reduce((x, y) => x + y, 0);
    return p.map((x) => x / sum);
  }

  it.each([2, 4, 7, 40])("A = %i, c from 1e-4 to 1e4: every p within 5e-15 (relative) of the bisection reference", (A) => {
    const rng = testRng(900 + A);
    const S = 401;
    const pi = randomPolicy(rng, S, A, 0);
    const adv = randomAdvantage(rng, pi, S, A, 3);
    const coef = Float64Array.from({ length: S }, () => 10 ** (8 * rng() - 4));
    const [simd, scalar] = runBoth(pi, adv, coef, S, A);
    expect(simd).toEqual(scalar);
    let worst = 0;
    for (let s = 0; s < S; s++) {
      const ref = reference(pi, adv, s, A, coef[s]);
      for (let a = 0; a < A; a++) worst = Math.max(worst, Math.abs(simd[s * A + a] - ref[a]) / ref[a]);
    }
    // Stopping at a Halley step below 2^-20 t without moving the terms to t + step would be off by ~1e-7,
    // a first-order move by ~1e-12.
    expect(worst).toBeLessThan(5e-15);
  });
});

describe("TRL dual at extreme penalties", () => {
  it("gives finite policies summing to 1, near greedy for tiny c and near pi for huge c", () => {
    const rng = testRng(5);
    for (const A of [1, 2, 4, 7]) {
      for (const c of [5e-324, 1e-320, 1e-300, 1e-200, 1e200, 1e300, Number.MAX_VALUE]) {
        const S = 6;
        const pi = randomPolicy(rng, S, A, 0.2);
        const adv = randomAdvantage(rng, pi, S, A, 1);
        const coef = new Float64Array(S).fill(c);
        const [simd, scalar] = runBoth(pi, adv, coef, S, A);
        expect(simd).toEqual(scalar);
        const twin = trlSolveTwin(pi, adv, coef, S, A);
        expect(maxRelDiff(simd, twin)).toBeLessThan(1e-12);
        for (let s = 0; s < S; s++) {
          let sum = 0;
          let best = -Infinity;
          for (let a = 0; a < A; a++) {
            const v = simd[s * A + a];
            expect(Number.isFinite(v) && v >= 0).toBe(true);
            sum += v;
            if (pi[s * A + a] > 0) best = Math.max(best, adv[s * A + a]);
          }
          expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
          for (let a = 0; a < A; a++) {
            const v = simd[s * A + a];
            // Tiny c: mass only on the best supported actions; huge c: pi itself.
            if (c < 1e-100 && adv[s * A + a] < best - 1e-9) expect(v).toBeLessThan(1e-100);
            if (c > 1e100) expect(Math.abs(v - pi[s * A + a])).toBeLessThan(1e-12);
          }
        }
      }
    }
  });
});
