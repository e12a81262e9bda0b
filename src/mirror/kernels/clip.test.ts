import { describe, expect, it } from "vitest";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomCoefficients, randomPolicy } from "../../../test/helpers/mirror.js";
import { clipSolveTwin } from "./clip.twin.js";
import { clipSolve } from "./clip.js";
import { ValidationError } from "../../core/errors.js";

/** The clip objective of one state: sum p A - w sum pi ReLU((r - clip r) A), with the w = +inf limit as a hard constraint. */
function clipObjective(p: ArrayLike<number>, pi: ArrayLike<number>, adv: ArrayLike<number>, w: number, eps: number): number {
  let f = 0;
  let drift = 0;
  for (let a = 0; a < p.length; a++) {
    f += p[a] * adv[a];
    if (adv[a] > 0) drift += adv[a] * Math.max(0, p[a] - (1 + eps) * pi[a]);
    else if (adv[a] < 0) drift += -adv[a] * Math.max(0, (1 - eps) * pi[a] - p[a]);
  }
  if (w === Infinity) return drift > 1e-15 ? -Infinity : f;
  return f - w * drift;
}

/**
 * Independent reference: a separable concave piecewise-linear maximum on the
 * simplex sits where every coordinate but one is at 0 or at its kink; enumerate them.
 */
function bruteForce(pi: Float64Array, adv: Float64Array, w: number, eps: number): number {
  const A = pi.length;
  const points = (a: number): number[] => {
    if (adv[a] > 0) return [0, (1 + eps) * pi[a]];
    if (adv[a] < 0) return [0, Math.max(0, (1 - eps) * pi[a])];
    return [0];
  };
  let best = -Infinity;
  const p = new Float64Array(A);
  for (let free = 0; free < A; free++) {
    const others = [...Array(A).keys()].filter((a) => a !== free);
    const walk = (i: number, used: number): void => {
      if (i === others.length) {
        p[free] = 1 - used;
        if (p[free] >= -1e-15) {
          p[free] = Math.max(0, p[free]);
          best = Math.max(best, clipObjective(p, pi, adv, w, eps));
        }
        return;
      }
      for (const v of points(others[i])) {
        p[others[i]] = v;
        walk(i + 1, used + v);
      }
    };
    walk(0, 0);
  }
  return best;
}

describe("clip step kernel = TypeScript twin", () => {
  const rng = testRng(51);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.2);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    const coef = randomCoefficients(rng, S);
    expect(maxRelDiff(clipSolve(pi, adv, coef, S, A, 0.2), clipSolveTwin(pi, adv, coef, S, A, 0.2))).toBe(0);
  });
});

describe("clipSolve", () => {
  const rng = testRng(9);

  it("matches brute-force vertex enumeration of the piecewise-linear programme", () => {
    for (let trial = 0; trial < 400; trial++) {
      const A = 1 + Math.floor(rng() * 6);
      const pi = randomPolicy(rng, 1, A, 0.25);
      const adv = randomAdvantage(rng, pi, 1, A, 2);
      if (rng() < 0.2) adv[Math.floor(rng() * A)] = 0;
      const w = [0, 0.3, 1, 1.7, 5, Infinity][trial % 6];
      const eps = [0.05, 0.2, 0.5, 1.2][trial % 4];
      const p = clipSolve(pi, adv, new Float64Array([w]), 1, A, eps);
      let sum = 0;
      for (const v of p) {
        expect(v).toBeGreaterThanOrEqual(0);
        sum += v;
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
      const got = clipObjective(p, pi, adv, w, eps);
      expect(Math.abs(got - bruteForce(pi, adv, w, eps))).toBeLessThan(1e-13);
    }
  });

  it("with w = +inf keeps every ratio inside the clip range on the side the advantage favours", () => {
    const pi = new Float64Array([0.25, 0.25, 0.5]);
    const adv = new Float64Array([1, 0.5, -0.75]);
    const p = clipSolve(pi, adv, new Float64Array([Infinity]), 1, 3, 0.2);
    // Best use of the hard clip: action 0 up to 1.2 pi, action 2 down to 0.8 pi, the rest to action 1.
    expect(p[0]).toBeCloseTo(0.3, 15);
    expect(p[2]).toBeCloseTo(0.4, 15);
    expect(p[1]).toBeCloseTo(0.3, 15);
  });

  it("with w = 1 keeps negative-advantage ratios at 1-eps and gives the flat remainder to a favoured action", () => {
    const pi = new Float64Array([0.2, 0.3, 0.2, 0.3]);
    const adv = new Float64Array([1, -1, 0.5, -0.5]);
    const p = clipSolve(pi, adv, new Float64Array([1]), 1, 4, 0.2);
    expect(Math.abs(clipObjective(p, pi, adv, 1, 0.2) - bruteForce(pi, adv, 1, 0.2))).toBeLessThan(1e-15);
    // Ratios: favoured actions at least 1+eps, disfavoured ones exactly 1-eps (not 0, which is also a maximiser).
    expect(p[1] / pi[1]).toBeCloseTo(0.8, 14);
    expect(p[3] / pi[3]).toBeCloseTo(0.8, 14);
    expect(p[0] / pi[0]).toBeGreaterThanOrEqual(1.2 - 1e-14);
    expect(p[2] / pi[2]).toBeGreaterThanOrEqual(1.2 - 1e-14);
  });

  it("with w = 1 moves mass from a deterministic choice to an unused action with positive advantage", () => {
    // The objective is flat along e_0 -> e_1 (action 1 has pi = 0); the tie must not keep e_0, or PPO stalls.
    const pi = new Float64Array([1, 0, 0]);
    const adv = new Float64Array([0, 0.3, -0.2]);
    const p = clipSolve(pi, adv, new Float64Array([1]), 1, 3, 0.2);
    expect(Math.abs(clipObjective(p, pi, adv, 1, 0.2) - bruteForce(pi, adv, 1, 0.2))).toBeLessThan(1e-15);
    expect(p[1]).toBeGreaterThan(0);
    expect(p[2]).toBe(0);
  });

  it("rejects epsilon <= 0", () => {
    const pi = new Float64Array([0.5, 0.5]);
    expect(() => clipSolve(pi, new Float64Array(2), new Float64Array(1), 1, 2, 0)).toThrow(ValidationError);
  });
});
