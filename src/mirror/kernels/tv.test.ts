import { describe, expect, it } from "vitest";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomCoefficients, randomPolicy } from "../../../test/helpers/mirror.js";
import { tvSolveTwin } from "./tv.twin.js";
import { tvSolve } from "./tv.js";
import { tvRow } from "./kl.twin.js";

function* simplexGrid(n: number): Generator<Float64Array> {
  for (let i = 0; i <= n; i++) for (let j = 0; i + j <= n; j++) yield new Float64Array([i / n, j / n, (n - i - j) / n]);
}

const dot = (p: ArrayLike<number>, q: ArrayLike<number>): number => {
  let t = 0;
  for (let a = 0; a < p.length; a++) t += p[a] * q[a];
  return t;
};

describe("TV step kernel = TypeScript twin", () => {
  const rng = testRng(61);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.2);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    const coef = randomCoefficients(rng, S);
    for (const cap of [Infinity, 0.1]) {
      expect(maxRelDiff(tvSolve(pi, adv, coef, cap, S, A), tvSolveTwin(pi, adv, coef, cap, S, A))).toBe(0);
    }
  });
});

describe("TV step kernel = TypeScript twin, four actions (two states per vector)", () => {
  const rng = testRng(62);
  it("ties, zero masses, c = 0 and +inf in either lane, binding and loose caps, odd S", () => {
    // Advantages from a small set make ties common (with the best and among the drained).
    const levels = [-1, -0.5, 0, 0.5, 1];
    for (const S of [1, 2, 3, 7, 64, 201]) {
      const pi = randomPolicy(rng, S, 4, 0.3);
      const adv = new Float64Array(S * 4);
      for (let i = 0; i < adv.length; i++) adv[i] = rng() < 0.5 ? levels[Math.floor(rng() * levels.length)] : 2 * rng() - 1;
      const coef = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        const u = rng();
        coef[s] = u < 0.1 ? 0 : u < 0.2 ? Infinity : 10 ** (3 * rng() - 2);
      }
      for (const cap of [Infinity, 0.3, 1e-3, 0]) {
        const got = tvSolve(pi, adv, coef, cap, S, 4);
        const want = tvSolveTwin(pi, adv, coef, cap, S, 4);
        for (let i = 0; i < got.length; i++) expect(Object.is(got[i], want[i]), `S ${S} cap ${cap} i ${i}`).toBe(true);
      }
    }
  });
});

describe("tvSolve", () => {
  const rng = testRng(12);

  it("squared-TV drift: not beaten by a fine grid, and within grid resolution of its best point (A = 3)", () => {
    for (let trial = 0; trial < 30; trial++) {
      const pi = randomPolicy(rng, 1, 3);
      const adv = randomAdvantage(rng, pi, 1, 3, 2);
      const c = 10 ** (2 * rng() - 1);
      const p = tvSolve(pi, adv, new Float64Array([c]), Infinity, 1, 3);
      const f = (x: ArrayLike<number>): number => dot(x, adv) - c * tvRow(x, pi, 0, 3) ** 2;
      let gridBest = -Infinity;
      for (const x of simplexGrid(300)) gridBest = Math.max(gridBest, f(x));
      expect(gridBest).toBeLessThanOrEqual(f(p) + 1e-12);
      expect(f(p) - gridBest).toBeLessThan(0.05);
    }
  });

  it("TV ball: uses the whole budget when it binds, and beats every feasible grid point", () => {
    for (let trial = 0; trial < 30; trial++) {
      const pi = randomPolicy(rng, 1, 3);
      const adv = randomAdvantage(rng, pi, 1, 3, 2);
      const delta = 0.02 + 0.3 * rng();
      const p = tvSolve(pi, adv, new Float64Array([0]), delta, 1, 3);
      const tv = tvRow(p, pi, 0, 3);
      const maxMove = 1 - pi[adv.indexOf(Math.max(...adv))];
      expect(Math.abs(tv - Math.min(delta, maxMove))).toBeLessThan(1e-15);
      let gridBest = -Infinity;
      for (const x of simplexGrid(300)) if (tvRow(x, pi, 0, 3) <= delta) gridBest = Math.max(gridBest, dot(x, adv));
      expect(gridBest).toBeLessThanOrEqual(dot(p, adv) + 1e-12);
    }
  });

  it("moves c-optimal mass from the worst action to the best (closed form, 1 segment)", () => {
    const pi = new Float64Array([0.5, 0.5]);
    const adv = new Float64Array([1, -1]);
    // max tau * 2 - c tau^2 => tau = 1/c when below 0.5.
    const p = tvSolve(pi, adv, new Float64Array([4]), Infinity, 1, 2);
    expect(p[0]).toBeCloseTo(0.75, 15);
    expect(p[1]).toBeCloseTo(0.25, 15);
  });
});
