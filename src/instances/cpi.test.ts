import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { cpi } from "./cpi.js";
import { Rng, maxDiff, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("cpi", () => {
  const mdp = garnet({ S: 15, A: 3, branching: 3, gamma: 0.8, seed: 8 });
  const { S, A, gamma } = mdp;
  const policy = softmaxRandom(new Rng(6), S, A);
  const old = evaluate(mdp, policy);
  const greedy = new Float64Array(S * A);
  let abar = 0;
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let a = 1; a < A; a++) if (old.advantage[s * A + a] > old.advantage[s * A + best]) best = a;
    greedy[s * A + best] = 1;
    abar += old.d[s] * old.advantage[s * A + best];
  }

  it("mixes pi_old with the greedy policy by alpha; alpha = 0 keeps pi_old", () => {
    for (const alpha of [0, 0.25, 1]) {
      const r = cpi({ alpha }).step(mdp, policy, 0, { evaluation: old });
      expect(r.alpha).toBe(alpha);
      expect(maxDiff(r.policy, policy.map((p, i) => (1 - alpha) * p + alpha * greedy[i]))).toBeLessThan(1e-15);
    }
  });

  it('"optimal" uses alpha* = Abar (1-gamma)^2 / (4 gamma) (rewards in [0, 1]) and reports the guarantee', () => {
    const r = cpi({ alpha: "optimal" }).step(mdp, policy, 0, { evaluation: old });
    expect(r.rewardSpan).toBe(1);
    expect(r.abar).toBeCloseTo(abar, 14);
    expect(r.alpha).toBeCloseTo((abar * (1 - gamma) ** 2) / (4 * gamma), 15);
    expect(r.guarantee).toBeCloseTo((abar * abar * (1 - gamma)) / (8 * gamma), 15);
    const wide = cpi({ alpha: "optimal", rewardSpan: 4 }).step(mdp, policy, 0, { evaluation: old });
    expect(wide.alpha).toBeCloseTo(r.alpha / 4, 15);
  });

  it("at an optimal policy Abar = 0 and the step stays put", () => {
    const star = policyIteration(mdp).policy;
    const r = cpi({ alpha: "optimal" }).step(mdp, star);
    expect(r.abar).toBeLessThan(1e-12);
    expect(maxDiff(r.policy, star)).toBeLessThan(1e-12);
  });

  it("rejects bad alpha and span", () => {
    for (const alpha of [-0.1, 1.5, NaN, "best"]) expect(() => cpi({ alpha } as never)).toThrow(ValidationError);
    expect(() => cpi({ alpha: 0.5, rewardSpan: 0 })).toThrow(ValidationError);
  });
});
