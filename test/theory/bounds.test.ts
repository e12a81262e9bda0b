/**
 * The performance difference lemma (Kakade & Langford 2002, "Approximately
 * Optimal Approximate Reinforcement Learning", Lemma 6.1) and Li, Clavette &
 * He's surrogate bound (ICML 2022, "Result 2") on 40 random garnets with gamma
 * in [0.5, 0.99],
 * for random policy pairs (near and far) and for the pairs the instances
 * produce (NPG steps of several sizes, the analytical update, TRPO).
 */
import { describe, expect, it } from "vitest";
import { analytical, npg, trpo } from "../../src/instances/index.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { performanceDifference } from "../../src/theory/performance-difference.js";
import { surrogateBound } from "../../src/theory/surrogate-bound.js";
import { garnetCases, randomSimplexPolicy, randomSoftmaxPolicy } from "./garnets.js";

describe("performance difference lemma and Li et al.'s surrogate bound (40 garnets)", () => {
  it("PDL holds to 1e-10 and |J - L| <= C/(1-gamma) E_{d_pi} KL(pi' || pi) for every pair", () => {
    let pairs = 0;
    let tightest = 0;
    for (const { mdp, S, A, rng } of garnetCases(40, 12)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      const pairsHere: Float64Array[] = [
        randomSoftmaxPolicy(rng, S, A, 0.3),
        randomSoftmaxPolicy(rng, S, A, 3),
        randomSimplexPolicy(rng, S, A),
        pi.map((v) => 0.99 * v + 0.01 / A),
        npg({ stepSize: 0.1 }).step(mdp, pi).policy,
        npg({ stepSize: 10 }).step(mdp, pi).policy,
        npg({ stepSize: 1e4 }).step(mdp, pi).policy,
        analytical().step(mdp, pi).policy,
        trpo({ delta: 0.01 }).step(mdp, pi).policy,
      ];
      for (const piNew of pairsHere) {
        const pdl = performanceDifference(mdp, piNew, pi);
        expect(pdl.difference).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(pdl.etaNew) + Math.abs(pdl.etaOld)));
        const b = surrogateBound(mdp, piNew, pi);
        expect(b.applies).toBe(true);
        expect(b.error).toBeLessThanOrEqual(b.bound + 1e-12 * (1 + Math.abs(b.J)));
        // J is eta(pi'), from its own evaluation.
        expect(Math.abs(b.J - pdl.etaNew)).toBeLessThan(1e-12 * (1 + Math.abs(b.J)));
        if (b.bound > 0) tightest = Math.max(tightest, b.error / b.bound);
        pairs++;
      }
    }
    expect(pairs).toBe(360);
    // The bound is not vacuous here: some pair uses a visible fraction of it.
    expect(tightest).toBeGreaterThan(1e-3);
  });

  it("the bound's ingredients: L is J(pi) plus the surrogate gain, C = gamma^2 max|A| / (1-gamma)^3, KL in the direction KL(pi' || pi)", () => {
    for (const { mdp, S, A, gamma, rng } of garnetCases(5, 13)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      const piNew = randomSoftmaxPolicy(rng, S, A, 1);
      const old = evaluate(mdp, pi);
      const b = surrogateBound(mdp, piNew, pi);
      let eps = 0;
      let gain = 0;
      let kl = 0;
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) {
          const i = s * A + a;
          eps = Math.max(eps, Math.abs(old.advantage[i]));
          gain += old.d[s] * piNew[i] * old.advantage[i];
          kl += old.d[s] * piNew[i] * Math.log(piNew[i] / pi[i]);
        }
      }
      expect(b.epsilon).toBe(eps);
      expect(b.C).toBeCloseTo((gamma ** 2 * eps) / (1 - gamma) ** 3, 10);
      expect(b.L).toBeCloseTo(old.eta + gain / (1 - gamma), 10);
      expect(b.meanKl).toBeCloseTo(kl, 12);
      expect(b.bound).toBeCloseTo((b.C / (1 - gamma)) * kl, 8);
      expect(surrogateBound(mdp, pi, pi).error).toBeLessThan(1e-12 * (1 + Math.abs(old.eta)));
    }
  });
});
