import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { frozenLake } from "../mdp/generators/frozen-lake.js";
import { garnet } from "../mdp/generators/garnet.js";
import { optimise } from "../mirror/optimise.js";
import { featureLogits, logLinearPolicy, randomFeatures, tabularFeatures } from "./features.js";
import { npg } from "./npg.js";
import { qNpg } from "./q-npg.js";
import { Rng, maxDiff, softmaxRandom, tiltedPolicy } from "../../test/helpers/algorithms.js";

describe("qNpg", () => {
  const mdp = garnet({ S: 12, A: 3, branching: 3, gamma: 0.9, seed: 13 });
  const { S, A } = mdp;
  const rng = new Rng(9);

  it("with one-hot features is tabular NPG (d_old and pi_old have full support)", () => {
    const policy = softmaxRandom(rng, S, A);
    const old = evaluate(mdp, policy);
    for (const eta of [0.1, 3]) {
      const r = qNpg({ features: tabularFeatures(S, A), stepSize: eta }).step(mdp, policy, 0, { evaluation: old });
      const ref = npg({ stepSize: eta }).step(mdp, policy, 0, { evaluation: old });
      expect(maxDiff(r.policy, ref.policy)).toBeLessThan(1e-9);
      expect(r.fitError).toBeLessThan(1e-16);
      expect(maxDiff(r.w, old.Q)).toBeLessThan(1e-9);
    }
  });

  it("with random features: pi_new = pi_old exp(eta phi.w*) / Z and theta moves by eta w*", () => {
    const phi = randomFeatures(S, A, 4, rng);
    const theta = Float64Array.from([0.3, -0.2, 0.1, 0.5]);
    const { policy, logPolicy } = logLinearPolicy(phi, theta);
    const r = qNpg({ features: phi, stepSize: 0.7 }).step(mdp, policy, 0, { theta, logPolicy });
    expect(r.fitError).toBeGreaterThan(0);
    expect(maxDiff(r.policy, tiltedPolicy(policy, featureLogits(phi, r.w), 0.7, S, A))).toBeLessThan(1e-12);
    expect(maxDiff(r.theta!, theta.map((t, j) => t + 0.7 * r.w[j]))).toBeLessThan(1e-15);
    expect(maxDiff(logLinearPolicy(phi, r.theta!).policy, r.policy)).toBeLessThan(1e-12);
  });

  it("optimise carries theta: the final theta generates the final policy", () => {
    const phi = randomFeatures(S, A, 5, rng);
    const theta0 = new Float64Array(5);
    const r = optimise(mdp, qNpg({ features: phi, stepSize: 1 }), { iterations: 10, policy: logLinearPolicy(phi, theta0).policy, theta: theta0 });
    expect(r.theta).toBeDefined();
    expect(maxDiff(logLinearPolicy(phi, r.theta!).policy, r.policy)).toBeLessThan(1e-9);
  });

  it("survives growing steps eta_k = 2^k with the default on-policy fit (the log-policy stays normalised)", () => {
    const lake = frozenLake({ map: "4x4", slippery: true, gamma: 0.99 });
    const r = optimise(lake, qNpg({ features: tabularFeatures(lake.S, lake.A), stepSize: (k) => 2 ** k }), { iterations: 45, tolerance: 0, optimum: 1 });
    expect(r.history.eta.length).toBe(46);
    for (const d of r.history.improvement) expect(d).toBeGreaterThanOrEqual(-1e-12);
    lake.dispose();
  });

  it("rejects mismatched theta, features of another shape and bad ridge", () => {
    const phi = randomFeatures(S, A, 3, rng);
    const policy = new Float64Array(S * A).fill(1 / A);
    expect(() => qNpg({ features: phi, stepSize: 1 }).step(mdp, policy, 0, { theta: Float64Array.from([1, 0, 0]) })).toThrow(/theta/);
    expect(() => qNpg({ features: randomFeatures(S + 1, A, 3, rng), stepSize: 1 }).step(mdp, policy)).toThrow(ValidationError);
    expect(() => qNpg({ features: phi, stepSize: 1, ridge: -1 })).toThrow(ValidationError);
    expect(() => qNpg({ features: {} as never, stepSize: 1 })).toThrow(ValidationError);
  });
  it("one-hot features beyond the dense fit (dim = S*A = 3000, CG): still tabular NPG under a uniform fit", () => {
    const big = garnet({ S: 300, A: 10, branching: 4, gamma: 0.95, seed: 21 });
    const policy = softmaxRandom(rng, big.S, big.A);
    const old = evaluate(big, policy);
    const r = qNpg({ features: tabularFeatures(big.S, big.A), stepSize: 2, fit: { states: "uniform", actions: "uniform" } }).step(big, policy, 0, { evaluation: old });
    const ref = npg({ stepSize: 2 }).step(big, policy, 0, { evaluation: old });
    expect(maxDiff(r.policy, ref.policy)).toBeLessThan(1e-9);
    expect(maxDiff(r.w, old.Q)).toBeLessThan(1e-9);
  });
});
