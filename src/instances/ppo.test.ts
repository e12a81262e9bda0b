import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { frozenLake } from "../mdp/generators/frozen-lake.js";
import { garnet } from "../mdp/generators/garnet.js";
import { optimise } from "../mirror/optimise.js";
import { policyIteration } from "../planning/policy-iteration.js";
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

  it("reaches the optimum of FrozenLake 8x8 (flat clip segments no longer zero actions for nothing)", () => {
    const mdp = frozenLake({ map: "8x8", slippery: true, gamma: 0.99 });
    const { V } = policyIteration(mdp);
    let optimum = 0;
    for (let s = 0; s < mdp.S; s++) optimum += mdp.mu[s] * V[s];
    const tolerance = 1e-8 * Math.max(1, Math.abs(optimum));
    const run = optimise(mdp, ppo({ epsilon: 0.2 }), { iterations: 3000, tolerance, optimum });
    expect(run.stopped).toBe("tolerance");
    expect(optimum - run.history.eta[run.history.eta.length - 1]).toBeLessThanOrEqual(tolerance);
    for (const d of run.history.improvement) expect(d).toBeGreaterThanOrEqual(-1e-12 * Math.max(1, Math.abs(optimum)));
    mdp.dispose();
  });

  it("moves a deterministic policy towards better actions even when the advantage carries a solver residual", () => {
    const mdp = garnet({ S: 20, A: 4, branching: 3, gamma: 0.9, seed: 3 });
    const { S, A } = mdp;
    const policy = new Float64Array(S * A);
    for (let s = 0; s < S; s++) policy[s * A] = 1;
    const exact = evaluate(mdp, policy);
    // An iterative evaluation's V is off by its residual: here every advantage is 1e-12 too high,
    // which would give the chosen action a positive slope that beats the flat segment of a better one.
    const noisy = { ...exact, advantage: exact.advantage.map((x) => x + 1e-12) };
    const r = ppo({ epsilon: 0.2 }).step(mdp, policy, 0, { evaluation: noisy });
    let improvable = 0;
    for (let s = 0; s < S; s++) {
      let best = 0;
      for (let a = 1; a < A; a++) if (exact.advantage[s * A + a] > exact.advantage[s * A + best]) best = a;
      if (exact.advantage[s * A + best] <= 1e-9) continue;
      improvable++;
      // Mass leaves the chosen action for actions with positive advantage.
      expect(r.policy[s * A]).toBeLessThan(1);
      let gain = 0;
      for (let a = 0; a < A; a++) gain += (r.policy[s * A + a] - policy[s * A + a]) * exact.advantage[s * A + a];
      expect(gain).toBeGreaterThan(0);
    }
    expect(improvable).toBeGreaterThan(0);
    mdp.dispose();
  });

  it("rejects a bad clip range", () => {
    for (const epsilon of [0, -0.2, NaN, Infinity]) expect(() => ppo({ epsilon })).toThrow(ValidationError);
  });
});
