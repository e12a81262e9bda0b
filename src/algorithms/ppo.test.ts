import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { ppo } from "./ppo.js";
import { Rng, softmaxRandom } from "../../test/helpers/algorithms.js";

/** PPO's clipped surrogate per state, averaged uniformly: (1/S) sum_s sum_a pi_old min(r A, clip(r) A). */
function clippedSurrogate(p: Float64Array, pi: Float64Array, adv: Float64Array, eps: number, S: number, A: number): number {
  let total = 0;
  for (let i = 0; i < S * A; i++) {
    const r = p[i] / pi[i];
    const c = Math.min(Math.max(r, 1 - eps), 1 + eps);
    total += pi[i] * Math.min(r * adv[i], c * adv[i]);
  }
  return total / S;
}

describe("ppo", () => {
  it("its objective is PPO's clipped surrogate, and moving any ratio further does not raise it", () => {
    const mdp = garnet({ S: 20, A: 4, branching: 3, gamma: 0.9, seed: 7 });
    const { S, A } = mdp;
    const rng = new Rng(5);
    const policy = softmaxRandom(rng, S, A);
    const { advantage } = evaluate(mdp, policy);
    for (const eps of [0.05, 0.2, 0.5]) {
      const r = ppo({ epsilon: eps }).step(mdp, policy);
      const value = clippedSurrogate(r.policy, policy, advantage, eps, S, A);
      expect(r.objective).toBeCloseTo(value, 13);
      // The unclipped optimum of the surrogate is greedy; the clipped one gains at most eps * E|A| per state.
      expect(value).toBeGreaterThan(0);
      for (let t = 0; t < 50; t++) {
        const s = rng.int(S);
        const from = rng.int(A);
        const to = rng.int(A);
        const q = r.policy.slice();
        const m = q[s * A + from] * rng.random();
        q[s * A + from] -= m;
        q[s * A + to] += m;
        expect(clippedSurrogate(q, policy, advantage, eps, S, A)).toBeLessThanOrEqual(value + 1e-15);
      }
    }
    mdp.dispose();
  });

  it("rejects a bad clip range", () => {
    for (const epsilon of [0, -0.2, NaN, Infinity]) expect(() => ppo({ epsilon })).toThrow(ValidationError);
  });
});
