import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomCoefficients, randomPolicy } from "../../../test/helpers/mirror.js";
import { l2SolveTwin } from "./l2.twin.js";
import { l2Solve } from "./l2.js";

/** Euclidean projection onto the simplex by sorting (Held, Wolfe, Crowder 1974; Duchi et al. 2008): an independent reference. */
function projectBySorting(y: number[]): number[] {
  const u = [...y].sort((a, b) => b - a);
  let cum = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    cum += u[j];
    const t = (cum - 1) / (j + 1);
    if (u[j] - t > 0) theta = t;
  }
  return y.map((v) => Math.max(v - theta, 0));
}

const L2_KERNELS = ["mirrorL2SolveSimd", "mirrorL2SolveScalar"] as const;

/** Each L2 kernel's output on (pi, adv, coef), as a plain array. */
function runL2Kernels(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number): Record<(typeof L2_KERNELS)[number], number[]> {
  const k = kernels();
  return scratch((take) => {
    const p = take(f64Block(S * A, pi));
    const q = take(f64Block(S * A, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(S * A));
    const run = (name: (typeof L2_KERNELS)[number]): number[] => {
      k[name](p.ptr, q.ptr, c.ptr, S, A, o.ptr);
      return Array.from(o.view);
    };
    return { mirrorL2SolveSimd: run("mirrorL2SolveSimd"), mirrorL2SolveScalar: run("mirrorL2SolveScalar") };
  });
}

describe("squared-L2 step kernels: SIMD = scalar = TypeScript twin", () => {
  const rng = testRng(31);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.2);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    const coef = randomCoefficients(rng, S);
    const ref = l2SolveTwin(pi, adv, coef, S, A);
    const out = runL2Kernels(pi, adv, coef, S, A);
    for (const name of L2_KERNELS) expect(maxRelDiff(out[name], ref), name).toBeLessThan(1e-13);
    // Below 8 actions the SIMD kernel solves states two (or four) per vector with the scalar operations.
    if (A < 8) expect(out.mirrorL2SolveSimd).toEqual(out.mirrorL2SolveScalar);
  });
});

describe("squared-L2 step kernels, four actions (four states per step, h of the next four computed ahead)", () => {
  const rng = testRng(34);
  it("c = 0, +inf, tiny and ordinary at random positions, S = 1 .. 14: SIMD = scalar bit for bit = twin", () => {
    const A = 4;
    // A special c (0, +inf, so small that h overflows) in about one state in six: most fours are ordinary.
    const special = [0, Infinity, 1e-320];
    const ordinary = [1e-3, 0.5, 1.3, 100, 1e6];
    const pick = (xs: number[]): number => xs[Math.floor(rng() * xs.length)];
    for (let S = 1; S <= 14; S++) {
      for (let shift = 0; shift < 8; shift++) {
        const pi = randomPolicy(rng, S, A, 0.2);
        const adv = randomAdvantage(rng, pi, S, A, 2);
        const coef = Float64Array.from({ length: S }, () => (rng() < 1 / 6 ? pick(special) : pick(ordinary)));
        const ref = l2SolveTwin(pi, adv, coef, S, A);
        const out = runL2Kernels(pi, adv, coef, S, A);
        expect(maxRelDiff(out.mirrorL2SolveScalar, ref), `S ${S} shift ${shift}`).toBeLessThan(1e-13);
        expect(out.mirrorL2SolveSimd, `S ${S} shift ${shift}`).toEqual(out.mirrorL2SolveScalar);
      }
    }
  });
});

describe("squared-L2 step kernels, many actions (the SIMD kernel's lanes hold one state)", () => {
  const rng = testRng(32);
  it("c = 0, +inf, so small that h or y overflows, and ordinary c, at A = 8 .. 41: SIMD = scalar = twin to rounding", () => {
    for (const A of [8, 9, 10, 11, 12, 13, 40, 41]) {
      const S = 13;
      const pi = randomPolicy(rng, S, A, 0.2);
      const adv = randomAdvantage(rng, pi, S, A, 2);
      // State 4: h = 0.5 / c is finite but h * 8 overflows (y = +inf: the greedy limit).
      adv[4 * A + (A >> 1)] = 8;
      const coef = new Float64Array([0, Infinity, 1e-320, 5e-324, 1e-308, 1e-3, 0.01, 0.1, 0.5, 1, 3, 100, 1e6]);
      const ref = l2SolveTwin(pi, adv, coef, S, A);
      const out = runL2Kernels(pi, adv, coef, S, A);
      for (const name of L2_KERNELS) {
        expect(maxRelDiff(out[name], ref), `${name} A ${A}`).toBeLessThan(1e-13);
        // The exact cases are exact: greedy rows, kept rows.
        for (const s of [0, 1, 2, 3, 4]) {
          expect(out[name].slice(s * A, (s + 1) * A), `${name} A ${A} s ${s}`).toEqual(Array.from(ref.subarray(s * A, (s + 1) * A)));
        }
      }
    }
  });
});

describe("squared-L2 step kernels when c is small against the advantages", () => {
  const rng = testRng(33);
  it("stay the exact projection, on the simplex, down to c = 1e-200 (every path: 1, 2, 4 states per vector, wide)", () => {
    for (const A of [2, 3, 4, 5, 8, 9, 40]) {
      for (const S of [1, 2, 3, 4, 5, 8]) {
        const pi = randomPolicy(rng, S, A, 0.2);
        const adv = randomAdvantage(rng, pi, S, A, 2);
        if (S > 4) adv[4 * A + A - 1] = adv[4 * A]; // a tie at the top in one state (when it is the top)
        const coef = Float64Array.from({ length: S }, (_, s) => [1e-16, 1e-6, 1e-30, 1e-3, 1e-200, 0.7][s % 6]);
        const ref = l2SolveTwin(pi, adv, coef, S, A);
        const out = runL2Kernels(pi, adv, coef, S, A);
        for (const name of L2_KERNELS) {
          expect(maxRelDiff(out[name], ref), `${name} A ${A} S ${S}`).toBeLessThan(1e-13);
          for (let s = 0; s < S; s++) {
            const row = out[name].slice(s * A, (s + 1) * A);
            const advRow = Array.from(adv.subarray(s * A, (s + 1) * A));
            const top = Math.max(...advRow);
            // The reference in the shifted frame (a common shift leaves the projection as it is).
            const want = projectBySorting(advRow.map((x, a) => pi[s * A + a] + (x - top) / (2 * coef[s])));
            expect(maxRelDiff(row, want), `${name} A ${A} S ${S} s ${s}`).toBeLessThan(1e-13);
            expect(Math.abs(row.reduce((t, x) => t + x, 0) - 1)).toBeLessThan(1e-14);
          }
        }
      }
    }
  });
});

describe("l2Solve", () => {
  const rng = testRng(8);
  it("is the Euclidean projection of pi + A/(2c) onto the simplex (sorting reference)", () => {
    for (let trial = 0; trial < 200; trial++) {
      const A = 1 + Math.floor(rng() * 9);
      const pi = randomPolicy(rng, 1, A, 0.3);
      const adv = randomAdvantage(rng, pi, 1, A, 5);
      const c = 10 ** (4 * rng() - 2);
      const got = l2Solve(pi, adv, new Float64Array([c]), 1, A);
      const ref = projectBySorting(Array.from(pi, (p, a) => p + adv[a] / (2 * c)));
      expect(maxRelDiff(got, ref)).toBeLessThan(1e-13);
    }
  });

  it("is greedy at c = 0 and keeps pi at c = +inf", () => {
    const pi = new Float64Array([0.2, 0.3, 0.5]);
    const adv = new Float64Array([1, 1, -0.8]);
    expect(Array.from(l2Solve(pi, adv, new Float64Array([0]), 1, 3))).toEqual([1, 0, 0]);
    expect(Array.from(l2Solve(pi, adv, new Float64Array([Infinity]), 1, 3))).toEqual(Array.from(pi));
  });
});
