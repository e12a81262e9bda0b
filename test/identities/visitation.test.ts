/**
 * The discounted visitation d = (1 - gamma) mu^T (I - gamma P_pi)^{-1}:
 * a distribution (d >= 0, sum 1), the fixed point of d = (1 - gamma) mu + gamma P_pi^T d,
 * equal to the truncated series (1 - gamma) sum_t gamma^t mu^T P_pi^t, and
 * eta = mu . V = (d . r_pi) / (1 - gamma).
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { randomMdp } from "../../src/mdp/generators/random-mdp.js";
import { Rng } from "../../src/core/rng.js";
import { maxAbsDiff, randomPolicy } from "./policies.js";

describe("discounted visitation", () => {
  it.each([1, 2, 3, 4])("garnets and random MDPs, seed %i: distribution, series, fixed point, eta", (seed) => {
    const rng = new Rng(seed);
    const models = [
      garnet({ S: 25, A: 3, branching: 3, seed, gamma: 0.8, format: "sparse" }),
      randomMdp({ S: 30, A: 2, seed, gamma: 0.9 }),
      garnet({ S: 250, A: 2, branching: 4, seed, gamma: 0.9, format: "dense" }),
    ];
    for (const mdp of models) {
      const { S, A, gamma } = mdp;
      const pi = randomPolicy(rng, S, A);
      const ev = evaluate(mdp, pi);
      let sum = 0;
      for (const x of ev.d) {
        expect(x).toBeGreaterThanOrEqual(0);
        sum += x;
      }
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
      // The series (1 - gamma) sum_t gamma^t mu P_pi^t, in plain TypeScript from the dense P.
      const dense = mdp.format === "dense" ? mdp : mdp.toDense();
      const P = dense.P.slice();
      if (dense !== mdp) dense.dispose();
      const mu = mdp.mu.slice();
      const R = mdp.R.slice();
      let row = Float64Array.from(mu);
      const series = new Float64Array(S);
      let weight = 1 - gamma;
      for (let t = 0; weight > 1e-18; t++, weight *= gamma) {
        for (let s = 0; s < S; s++) series[s] += weight * row[s];
        const next = new Float64Array(S);
        for (let s = 0; s < S; s++) {
          for (let a = 0; a < A; a++) {
            const f = row[s] * pi[s * A + a];
            if (f === 0) continue;
            for (let j = 0; j < S; j++) next[j] += f * P[(s * A + a) * S + j];
          }
        }
        row = next;
      }
      expect(maxAbsDiff(ev.d, series)).toBeLessThanOrEqual(1e-13);
      // eta two ways.
      let dr = 0;
      for (let s = 0; s < S; s++) {
        let r = 0;
        for (let a = 0; a < A; a++) r += pi[s * A + a] * R[s * A + a];
        dr += ev.d[s] * r;
      }
      expect(Math.abs(dr / (1 - gamma) - ev.eta)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(ev.eta)));
      expect(ev.visitationResidual).toBeLessThanOrEqual(1e-10 * Math.max(...ev.d));
      mdp.dispose();
    }
  });
});
