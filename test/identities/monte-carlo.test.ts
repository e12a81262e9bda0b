/**
 * Monte-Carlo rollouts agree with exact evaluation: sampled discounted returns
 * (seeded Rng, truncated at a horizon H with gamma^H * max|R| / (1 - gamma) below
 * 1e-9) match V_pi(s) and eta within 4 standard errors, and the sampled
 * discounted occupancy matches d_pi within 4 standard errors per state.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { sampleAction } from "../../src/policy/policy.js";
import { Rng } from "../../src/core/rng.js";
import { randomPolicy } from "./policies.js";

describe("Monte-Carlo rollouts", () => {
  it("sampled returns and occupancies match V, eta and d (garnet S = 6, A = 3, gamma = 0.9)", () => {
    const gamma = 0.9;
    const mdp = garnet({ S: 6, A: 3, branching: 3, seed: 21, gamma, format: "dense" });
    const { S, A } = mdp;
    const rng = new Rng(2024);
    const pi = randomPolicy(rng, S, A, 0.2);
    const ev = evaluate(mdp, pi);
    const H = Math.ceil(Math.log(1e-9 * (1 - gamma)) / Math.log(gamma));
    const N = 3000;

    const rollout = (s0: number, occupancy?: Float64Array): number => {
      let s = s0;
      let g = 0;
      let w = 1;
      for (let t = 0; t < H; t++) {
        if (occupancy) occupancy[s] += (1 - gamma) * w;
        const a = sampleAction(pi, s, A, rng);
        g += w * mdp.reward(s, a);
        w *= gamma;
        s = mdp.sampleNext(s, a, rng);
      }
      return g;
    };

    for (let s0 = 0; s0 < S; s0++) {
      let sum = 0;
      let sum2 = 0;
      for (let i = 0; i < N; i++) {
        const g = rollout(s0);
        sum += g;
        sum2 += g * g;
      }
      const mean = sum / N;
      const se = Math.sqrt((sum2 / N - mean * mean) / N);
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(mean - ev.V[s0])).toBeLessThanOrEqual(4 * se);
    }

    // From s0 ~ mu: eta and the per-state discounted occupancy.
    let sum = 0;
    let sum2 = 0;
    const occSum = new Float64Array(S);
    const occSum2 = new Float64Array(S);
    for (let i = 0; i < N; i++) {
      const occ = new Float64Array(S);
      const g = rollout(mdp.sampleInitial(rng), occ);
      sum += g;
      sum2 += g * g;
      for (let s = 0; s < S; s++) {
        occSum[s] += occ[s];
        occSum2[s] += occ[s] * occ[s];
      }
    }
    const mean = sum / N;
    expect(Math.abs(mean - ev.eta)).toBeLessThanOrEqual(4 * Math.sqrt((sum2 / N - mean * mean) / N));
    for (let s = 0; s < S; s++) {
      const m = occSum[s] / N;
      const se = Math.sqrt(Math.max(occSum2[s] / N - m * m, 0) / N);
      expect(Math.abs(m - ev.d[s])).toBeLessThanOrEqual(4 * se + 1e-12);
    }
    mdp.dispose();
  });
});
