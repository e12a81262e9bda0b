import { describe, expect, it } from "vitest";
import { testRng } from "../../test/helpers/lengths.js";
import { randomAdvantage, randomPolicy } from "../../test/helpers/mirror.js";
import { solveStateGeneric } from "./generic.js";
import { forwardKlDrift, reverseKlDrift, squaredL2Drift, zeroDrift } from "./drifts.js";
import { trlSolve } from "./kernels/trl.js";
import { neighbourhoodMeasure, mixtureSegment, meanKlBall, maxKlBall, tvBall, allPolicies } from "./neighbourhoods.js";
import { searchMultiplier } from "./search.js";

const rng = testRng(5);

describe("solveStateGeneric (mirror ascent)", () => {
  it("reaches the closed-form NPG step to its Frank-Wolfe gap", () => {
    for (let trial = 0; trial < 20; trial++) {
      const A = 2 + (trial % 6);
      const pi = randomPolicy(rng, 1, A);
      const adv = randomAdvantage(rng, pi, 1, A, 2);
      const eta = 0.5 + 2 * rng();
      const out = new Float64Array(A);
      const r = solveStateGeneric(pi, adv, A, 1, 0, reverseKlDrift(eta), out);
      expect(r.gap).toBeLessThanOrEqual(1e-10);
      let z = 0;
      for (let a = 0; a < A; a++) z += pi[a] * Math.exp(eta * adv[a]);
      for (let a = 0; a < A; a++) expect(Math.abs(out[a] - (pi[a] * Math.exp(eta * adv[a])) / z)).toBeLessThan(1e-8);
    }
  });

  it("with a KL penalty mu equals the TRL dual with C = w C_drift + mu", () => {
    const A = 5;
    const pi = randomPolicy(rng, 1, A);
    const adv = randomAdvantage(rng, pi, 1, A);
    const out = new Float64Array(A);
    solveStateGeneric(pi, adv, A, 2, 0.3, forwardKlDrift(0.1), out);
    const ref = trlSolve(pi, adv, new Float64Array([0.5]), 1, A);
    for (let a = 0; a < A; a++) expect(Math.abs(out[a] - ref[a])).toBeLessThan(1e-8);
  });

  it("moves mass to actions outside pi_old's support when the drift allows it", () => {
    const pi = new Float64Array([0.5, 0.5, 0]);
    const adv = new Float64Array([0, 0, 1]);
    const out = new Float64Array(3);
    solveStateGeneric(pi, adv, 3, 1, 0, squaredL2Drift(1), out);
    // Projection of pi + A/2 = (0.5, 0.5, 0.5): theta = 1/6.
    expect(out[2]).toBeCloseTo(1 / 3, 8);
  });

  it("stops at the iteration cap and reports the gap it left", () => {
    const pi = new Float64Array([0.25, 0.25, 0.5]);
    const adv = new Float64Array([1, 0, -0.5]);
    const out = new Float64Array(3);
    const r = solveStateGeneric(pi, adv, 3, 0, 0, zeroDrift(), out, { maxIterations: 3 });
    expect(r.iterations).toBeLessThanOrEqual(3);
    expect(r.gap).toBeGreaterThan(0);
    expect(out[0]).toBeGreaterThan(0.25);
  });
});

describe("neighbourhoodMeasure", () => {
  const S = 3;
  const A = 2;
  const piOld = new Float64Array([0.5, 0.5, 0.2, 0.8, 1, 0]);
  const target = new Float64Array([1, 0, 0, 1, 0, 1]);
  it("recovers alpha on the mixture segment and NaN off it", () => {
    const mix = piOld.map((v, i) => 0.3 * target[i] + 0.7 * v);
    expect(neighbourhoodMeasure(mixtureSegment(1), piOld, mix, S, A, { target })).toBeCloseTo(0.3, 14);
    expect(neighbourhoodMeasure(mixtureSegment(1), piOld, target.map((v) => 1 - v), S, A, { target })).toBeNaN();
  });
  it("computes mean KL, max KL and max TV", () => {
    const pi = new Float64Array([0.6, 0.4, 0.2, 0.8, 0.9, 0.1]);
    const kl0 = 0.5 * Math.log(0.5 / 0.6) + 0.5 * Math.log(0.5 / 0.4);
    const kl2 = Math.log(1 / 0.9);
    expect(neighbourhoodMeasure(meanKlBall(1), piOld, pi, S, A, { weights: [0.5, 0.25, 0.25] })).toBeCloseTo(0.5 * kl0 + 0.25 * kl2, 14);
    expect(neighbourhoodMeasure(maxKlBall(1), piOld, pi, S, A)).toBeCloseTo(kl2, 14);
    expect(neighbourhoodMeasure(tvBall(1), piOld, pi, S, A)).toBeCloseTo(0.1, 14);
    expect(neighbourhoodMeasure(allPolicies(), piOld, pi, S, A)).toBe(0);
  });
});

describe("searchMultiplier", () => {
  it("finds the smallest lambda with h(lambda) <= delta, tight to 1e-13", () => {
    for (const [c, delta] of [
      [1, 0.01],
      [1e-6, 1e-3],
      [1e4, 0.5],
    ]) {
      const h = (l: number): number => c / (1 + l) ** 2;
      const lambda = searchMultiplier(h, delta, 1);
      const want = Math.max(0, Math.sqrt(c / delta) - 1);
      if (want === 0) expect(lambda).toBe(0);
      else {
        expect(h(lambda)).toBeLessThanOrEqual(delta);
        expect((delta - h(lambda)) / delta).toBeLessThan(1e-13);
        expect(Math.abs(lambda - want) / want).toBeLessThan(1e-12);
      }
    }
  });
});
