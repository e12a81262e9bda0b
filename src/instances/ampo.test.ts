import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { squaredL2Drift } from "../mirror/drifts.js";
import { mirrorStep } from "../mirror/step.js";
import { optimise } from "../mirror/optimise.js";
import { ampo } from "./ampo.js";
import { featureLogits, logLinearPolicy, logSoftmaxRows, randomFeatures, tabularFeatures } from "./features.js";
import { npg } from "./npg.js";
import { tsallis } from "../mirror/kernels/tsallis.js";
import { Rng, maxDiff, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("ampo", () => {
  const mdp = garnet({ S: 15, A: 4, branching: 3, gamma: 0.9, seed: 14 });
  const { S, A } = mdp;
  const rng = new Rng(11);
  const policy = softmaxRandom(rng, S, A);
  const old = evaluate(mdp, policy);

  it("KL map, tabular: Step I fits f = Q + (log pi + 1)/eta exactly and Step II is NPG", () => {
    for (const eta of [0.2, 5]) {
      const r = ampo({ mirrorMap: "kl", stepSize: eta }).step(mdp, policy, 0, { evaluation: old });
      expect(maxDiff(r.policy, npg({ stepSize: eta }).step(mdp, policy, 0, { evaluation: old }).policy)).toBeLessThan(1e-12);
      expect(maxDiff(r.f, old.Q.map((q, i) => q + (Math.log(policy[i]) + 1) / eta))).toBeLessThan(1e-12);
      expect(r.fitError).toBe(0);
    }
    // Whole runs agree too (the carried log-policy included), with the geometric schedule.
    const schedule = (k: number) => 0.5 / 0.9 ** k;
    const a = optimise(mdp, ampo({ mirrorMap: "kl", stepSize: schedule }), { iterations: 40 });
    const b = optimise(mdp, npg({ stepSize: schedule }), { iterations: 40, optimum: a.optimum });
    expect(maxDiff(a.history.eta, b.history.eta)).toBeLessThan(1e-10);
  });

  it("Tsallis q = 2, tabular: the squared-L2 drift step (1/eta) |pi - pi_old|^2 of mirrorStep", () => {
    for (const eta of [0.3, 4]) {
      const r = ampo({ mirrorMap: tsallis(2), stepSize: eta }).step(mdp, policy, 0, { evaluation: old });
      const ref = mirrorStep(mdp, policy, { drift: squaredL2Drift(1 / eta), beta: "uniform", nu: "uniform", evaluation: old });
      expect(maxDiff(r.policy, ref.policy)).toBeLessThan(1e-12);
    }
  });

  it("log-linear KL: with one-hot features it matches NPG; with random features pi_new = softmax(eta phi.theta)", () => {
    const onehot = ampo({ mirrorMap: "kl", stepSize: 2, parametrisation: { features: tabularFeatures(S, A) } }).step(mdp, policy, 0, { evaluation: old });
    expect(maxDiff(onehot.policy, npg({ stepSize: 2 }).step(mdp, policy, 0, { evaluation: old }).policy)).toBeLessThan(1e-8);
    const phi = randomFeatures(S, A, 6, rng);
    const start = logLinearPolicy(phi, Float64Array.from({ length: 6 }, () => rng.normal()));
    const r = ampo({ mirrorMap: "kl", stepSize: 2, parametrisation: { features: phi } }).step(mdp, start.policy, 0, { logPolicy: start.logPolicy });
    expect(r.theta).toHaveLength(6);
    expect(r.fitError).toBeGreaterThan(0);
    const logits = featureLogits(phi, r.theta!).map((z) => 2 * z);
    expect(maxDiff(r.logPolicy!, logSoftmaxRows(logits, S, A))).toBeLessThan(1e-12);
  });

  it("rejects bad options", () => {
    expect(() => ampo({ mirrorMap: "l2", stepSize: 1 } as never)).toThrow(ValidationError);
    expect(() => ampo({ mirrorMap: "kl", stepSize: 0 })).toThrow(ValidationError);
    expect(() => ampo({ mirrorMap: "kl", stepSize: 1, parametrisation: "neural" } as never)).toThrow(ValidationError);
    const bad = policy.map(Math.log);
    bad[3] -= 1;
    expect(() => ampo({ mirrorMap: "kl", stepSize: 1 }).step(mdp, policy, 0, { evaluation: old, logPolicy: bad })).toThrow(ValidationError);
  });
});
