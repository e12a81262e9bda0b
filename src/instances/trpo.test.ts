import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { garnet } from "../mdp/generators/garnet.js";
import { klRow } from "../mirror/kernels/kl.twin.js";
import { trpo } from "./trpo.js";
import { optimise } from "../mirror/optimise.js";
import { checkMonotone } from "../theory/monotone.js";
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

  it('direction "reverse": E_{d_old} KL(pi || pi_old) = delta, the exponential form, monotone improvement in optimise', () => {
    for (const seed of [6, 7, 8]) {
      const mdp = garnet({ S: 30, A: 4, branching: 4, gamma: [0.9, 0.95, 0.99][seed - 6], seed });
      const { S, A } = mdp;
      const policy = softmaxRandom(new Rng(seed), S, A);
      const { d, advantage } = evaluate(mdp, policy);
      for (const delta of [1e-3, 0.05]) {
        const r = trpo({ delta, direction: "reverse" }).step(mdp, policy);
        let kl = 0;
        for (let s = 0; s < S; s++) kl += d[s] * klRow(r.policy, policy, s, A);
        expect(Math.abs(kl - delta)).toBeLessThanOrEqual(1e-12 * delta);
        expect(r.multiplier).toBeGreaterThan(0);
        // p ∝ pi_old exp(A / lambda): the ratio's log minus A / lambda is one constant per state.
        for (let s = 0; s < S; s++) {
          const c0 = Math.log(r.policy[s * A] / policy[s * A]) - advantage[s * A] / r.multiplier;
          for (let a = 1; a < A; a++) expect(Math.log(r.policy[s * A + a] / policy[s * A + a]) - advantage[s * A + a] / r.multiplier).toBeCloseTo(c0, 9);
        }
      }
      const run = optimise(mdp, trpo({ delta: 0.05, direction: "reverse" }), { policy, iterations: 40 });
      expect(checkMonotone(run.history.eta, 1e-12).monotone).toBe(true);
      expect(run.logPolicy).toBeInstanceOf(Float64Array);
      expect(run.history.gap.at(-1)!).toBeLessThan(0.5 * run.history.gap[0]);
      mdp.dispose();
    }
    expect(trpo({ delta: 0.1, direction: "reverse" }).name).toBe("trpo(delta=0.1, reverse)");
    expect(trpo({ delta: 0.1 }).name).toBe("trpo(delta=0.1)");
    expect(() => trpo({ delta: 0.1, direction: "both" } as never)).toThrow(/direction/);
  });

  it("rejects a bad radius", () => {
    for (const delta of [0, -0.1, NaN, Infinity]) expect(() => trpo({ delta })).toThrow(ValidationError);
  });
});
