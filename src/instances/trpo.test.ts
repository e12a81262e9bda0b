import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { garnet } from "../mdp/generators/garnet.js";
import { klRow } from "../mirror/kernels/kl.twin.js";
import { trpo } from "./trpo.js";
import { Rng, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("trpo", () => {
  it("ends on the sphere E_{d_old} KL(pi_old || pi) = delta (1e-12 relative) with a positive multiplier", () => {
    const mdp = garnet({ S: 30, A: 4, branching: 4, gamma: 0.95, seed: 6 });
    const { S, A } = mdp;
    const policy = softmaxRandom(new Rng(4), S, A);
    const { d } = evaluate(mdp, policy);
    for (const delta of [1e-4, 1e-2, 0.3]) {
      const r = trpo({ delta }).step(mdp, policy);
      let kl = 0;
      for (let s = 0; s < S; s++) kl += d[s] * klRow(policy, r.policy, s, A);
      expect(Math.abs(kl - delta)).toBeLessThanOrEqual(1e-12 * delta);
      expect(r.multiplier).toBeGreaterThan(0);
      expect(r.surrogate).toBeGreaterThan(0);
    }
    mdp.dispose();
  });

  it("keeps pi_old where d_old = 0 (the state carries no weight)", () => {
    // State 0 loops on itself and is where every episode starts; states 1 and 2 are never reached.
    const mdp = TabularMdp.fromDense({
      S: 3,
      A: 2,
      P: [
        [[1, 0, 0], [1, 0, 0]],
        [[0, 1, 0], [0, 0, 1]],
        [[0, 0, 1], [0, 1, 0]],
      ],
      R: [[0, 1], [2, 0], [0, 3]],
      gamma: 0.9,
      mu: [1, 0, 0],
    });
    const policy = new Float64Array(6).fill(0.5);
    const r = trpo({ delta: 0.05 }).step(mdp, policy);
    expect(Array.from(r.evaluation.d)).toEqual([1, 0, 0]);
    expect(Array.from(r.policy.subarray(2))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(r.policy[1]).toBeGreaterThan(0.5);
    mdp.dispose();
  });

  it("rejects a bad radius", () => {
    for (const delta of [0, -0.1, NaN, Infinity]) expect(() => trpo({ delta })).toThrow(ValidationError);
  });
});
