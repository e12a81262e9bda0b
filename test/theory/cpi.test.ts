/**
 * CPI's improvement guarantee (Kakade & Langford 2002, "Approximately Optimal
 * Approximate Reinforcement Learning") on 60 random
 * garnets: for rewards in [0, 1], the step with alpha* = Abar (1-gamma)^2 / (4 gamma)
 * gains at least Abar^2 (1-gamma) / (8 gamma), and any alpha gains at least
 * alpha/(1-gamma) (Abar - 2 alpha gamma / (1-gamma)^2). The constants are
 * written out here from the paper, not taken from the library; garnets with
 * rewards in [-5, 5] check the span-rescaled form.
 */
import { describe, expect, it } from "vitest";
import { cpi } from "../../src/instances/index.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { Rng } from "../../src/core/rng.js";
import { performanceDifference } from "../../src/theory/performance-difference.js";
import { garnetCases, randomSoftmaxPolicy } from "./garnets.js";

/** Abar = E_{s~d} max_a A(s,a), computed independently. */
function abarOf(adv: Float64Array, d: Float64Array, S: number, A: number): number {
  let sum = 0;
  for (let s = 0; s < S; s++) sum += d[s] * Math.max(...adv.subarray(s * A, s * A + A));
  return sum;
}

describe("CPI improvement guarantee (Kakade & Langford 2002)", () => {
  it("alpha* gains >= Abar^2 (1-gamma) / (8 gamma) on 50 garnets with rewards in [0, 1], 4 steps each", () => {
    let steps = 0;
    for (const { mdp, S, A, gamma, rng } of garnetCases(50, 3)) {
      let policy = randomSoftmaxPolicy(rng, S, A, 2);
      const u = cpi({ alpha: "optimal" });
      for (let k = 0; k < 4; k++) {
        const old = evaluate(mdp, policy);
        const abar = abarOf(old.advantage, old.d, S, A);
        const r = u.step(mdp, policy, k, { evaluation: old });
        expect(r.abar).toBeCloseTo(abar, 12);
        const alphaStar = Math.min(1, (abar * (1 - gamma) ** 2) / (4 * gamma));
        expect(r.alpha).toBeCloseTo(alphaStar, 15);
        const gain = evaluate(mdp, r.policy).eta - old.eta;
        const guaranteed = (abar * abar * (1 - gamma)) / (8 * gamma);
        expect(gain).toBeGreaterThanOrEqual(guaranteed - 1e-12 * (1 + Math.abs(old.eta)));
        expect(r.guarantee).toBeCloseTo(guaranteed, 14);
        // The step is exactly the mixture: gain = alpha/(1-gamma) E_{d_new} E_{pi'}[A_old] (PDL).
        const pdl = performanceDifference(mdp, r.policy, policy);
        expect(pdl.difference).toBeLessThan(1e-9 * (1 + Math.abs(old.eta)));
        policy = r.policy;
        steps++;
      }
    }
    expect(steps).toBe(200);
  });

  it("any alpha in (0, 1] gains >= alpha/(1-gamma) (Abar - 2 alpha gamma/(1-gamma)^2) (10 garnets x 6 alphas)", () => {
    for (const { mdp, S, A, gamma, rng } of garnetCases(10, 4)) {
      const policy = randomSoftmaxPolicy(rng, S, A, 1);
      const old = evaluate(mdp, policy);
      const abar = abarOf(old.advantage, old.d, S, A);
      for (const alpha of [1e-4, 1e-3, 0.01, 0.1, 0.5, 1]) {
        const r = cpi({ alpha }).step(mdp, policy, 0, { evaluation: old });
        const gain = evaluate(mdp, r.policy).eta - old.eta;
        const bound = (alpha / (1 - gamma)) * (abar - (2 * alpha * gamma) / (1 - gamma) ** 2);
        expect(gain).toBeGreaterThanOrEqual(bound - 1e-12 * (1 + Math.abs(old.eta)));
        expect(r.guarantee).toBeCloseTo(bound, 10);
      }
    }
  });

  it("rewards in [-5, 5]: alpha* and the guarantee divided by the reward span hold", () => {
    const rng = new Rng(99);
    for (let i = 0; i < 8; i++) {
      const mdp = garnet({ S: 10 + i, A: 3, branching: 3, gamma: 0.6 + 0.04 * i, seed: 500 + i, rewards: { low: -5, high: 5 } });
      const R = mdp.R;
      const span = Math.max(...R) - Math.min(...R);
      const policy = randomSoftmaxPolicy(rng, mdp.S, 3, 1);
      const old = evaluate(mdp, policy);
      const r = cpi({ alpha: "optimal" }).step(mdp, policy, 0, { evaluation: old });
      expect(r.rewardSpan).toBeCloseTo(span, 12);
      const gamma = mdp.gamma;
      expect(r.alpha).toBeCloseTo(Math.min(1, (r.abar * (1 - gamma) ** 2) / (4 * gamma * span)), 15);
      const gain = evaluate(mdp, r.policy).eta - old.eta;
      expect(gain).toBeGreaterThanOrEqual((r.abar ** 2 * (1 - gamma)) / (8 * gamma * span) - 1e-12 * (1 + Math.abs(old.eta)));
      mdp.dispose();
    }
  });
});
