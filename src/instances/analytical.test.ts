import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { analytical } from "./analytical.js";
import { Rng, maxDiff, softmaxRandom, tiltedPolicy } from "../../test/helpers/algorithms.js";

describe("analytical (Li, Clavette & He 2022)", () => {
  it("is pi_old exp(A / C) / Z with C = gamma^2 max|A| / (1-gamma)^3", () => {
    for (const gamma of [0.5, 0.8, 0.97]) {
      const mdp = garnet({ S: 12, A: 3, branching: 3, gamma, seed: 9 });
      const policy = softmaxRandom(new Rng(7), 12, 3, 2);
      const { advantage } = evaluate(mdp, policy);
      let eps = 0;
      for (const a of advantage) eps = Math.max(eps, Math.abs(a));
      const C = (gamma * gamma * eps) / (1 - gamma) ** 3;
      const r = analytical().step(mdp, policy);
      expect(r.C).toBeCloseTo(C, 12);
      expect(r.epsilon).toBe(eps);
      expect(maxDiff(r.policy, tiltedPolicy(policy, advantage, 1 / C, 12, 3))).toBeLessThan(1e-13);
      mdp.dispose();
    }
  });

  it("gamma < 0.5 throws by default; clamp takes C at gamma = 0.5", () => {
    const mdp = garnet({ S: 8, A: 2, branching: 2, gamma: 0.3, seed: 10 });
    const policy = softmaxRandom(new Rng(8), 8, 2);
    expect(() => analytical().step(mdp, policy)).toThrow(/gamma in \[0.5, 1\)/);
    const { advantage } = evaluate(mdp, policy);
    let eps = 0;
    for (const a of advantage) eps = Math.max(eps, Math.abs(a));
    const r = analytical({ belowHalf: "clamp" }).step(mdp, policy);
    expect(r.C).toBeCloseTo(0.25 * eps / 0.125, 12);
    expect(() => analytical({ belowHalf: "warn" } as never)).toThrow(ValidationError);
    mdp.dispose();
  });

  it("returns pi_old at an optimal policy (every advantage 0 up to rounding)", () => {
    const mdp = garnet({ S: 10, A: 3, branching: 3, gamma: 0.9, seed: 11 });
    const star = policyIteration(mdp).policy;
    const r = analytical().step(mdp, star);
    expect(maxDiff(r.policy, star)).toBeLessThan(1e-12);
    mdp.dispose();
  });
});
