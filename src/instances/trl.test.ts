import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { trl } from "./trl.js";
import { optimise } from "../mirror/optimise.js";
import { checkMonotone } from "../theory/monotone.js";
import { klRow } from "../mirror/kernels/kl.twin.js";
import { Rng, maxDiff, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("trl", () => {
  it("satisfies the per-state optimality conditions A(a) + C pi_old(a)/p(a) = lambda > max A", () => {
    const mdp = garnet({ S: 25, A: 4, branching: 3, gamma: 0.9, seed: 4 });
    const { S, A } = mdp;
    const policy = softmaxRandom(new Rng(2), S, A);
    const { advantage } = evaluate(mdp, policy);
    for (const C of [0.05, 1, 20]) {
      const r = trl({ C }).step(mdp, policy);
      for (let s = 0; s < S; s++) {
        const lambdas: number[] = [];
        let sum = 0;
        let maxA = -Infinity;
        for (let a = 0; a < A; a++) {
          const i = s * A + a;
          lambdas.push(advantage[i] + (C * policy[i]) / r.policy[i]);
          sum += r.policy[i];
          maxA = Math.max(maxA, advantage[i]);
        }
        expect(sum).toBeCloseTo(1, 14);
        const lambda = lambdas[0];
        for (const l of lambdas) expect(Math.abs(l - lambda)).toBeLessThan(1e-9 * (1 + Math.abs(lambda)));
        expect(lambda).toBeGreaterThan(maxA);
      }
    }
    // A large C barely moves; a small C is nearly greedy.
    expect(maxDiff(trl({ C: 1e6 }).step(mdp, policy).policy, policy)).toBeLessThan(1e-5);
    const sharp = trl({ C: 1e-6 }).step(mdp, policy).policy;
    for (let s = 0; s < S; s++) expect(Math.max(...sharp.subarray(s * A, s * A + A))).toBeGreaterThan(0.999);
    mdp.dispose();
  });

  it("rejects a bad C", () => {
    for (const C of [0, -1, NaN, Infinity, "1"]) expect(() => trl({ C } as never)).toThrow(ValidationError);
    expect(() => trl(undefined as never)).toThrow(ValidationError);
  });

  it('penalty "mean" is the default; "max" maximises E_{d_old}[A] - C KL_max and reports it', () => {
    const mdp = garnet({ S: 20, A: 3, branching: 3, gamma: 0.9, seed: 8 });
    const { S, A } = mdp;
    const policy = softmaxRandom(new Rng(5), S, A);
    const ev = evaluate(mdp, policy);
    const mean = trl({ C: 0.3, penalty: "mean" });
    expect(mean.name).toBe(trl({ C: 0.3 }).name);
    expect(Array.from(mean.step(mdp, policy, 0, { evaluation: ev }).policy)).toEqual(Array.from(trl({ C: 0.3 }).step(mdp, policy, 0, { evaluation: ev }).policy));
    const max = trl({ C: 0.3, penalty: "max" });
    expect(max.name).toBe("trl(C=0.3, max)");
    const r = max.step(mdp, policy, 0, { evaluation: ev });
    let gain = 0;
    let klMax = 0;
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) gain += ev.d[s] * r.policy[s * A + a] * ev.advantage[s * A + a];
      klMax = Math.max(klMax, klRow(policy, r.policy, s, A));
    }
    expect(r.surrogate).toBeCloseTo(gain, 14);
    expect(r.drift).toBeCloseTo(0.3 * klMax, 14);
    expect(r.objective).toBeGreaterThan(0);
    expect(Math.abs(r.multiplier! - 0.3) / 0.3).toBeLessThan(1e-12);
    expect(() => trl({ C: 1, penalty: "worst" } as never)).toThrow(/penalty/);
    expect(() => trl({ C: 1, penalti: "max" } as never)).toThrow(/did you mean "penalty"/);
    mdp.dispose();
  });

  it('penalty "max" improves monotonically and approaches the optimum (garnets, C from 0.01 to Schulman et al.\'s constant)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const gamma = [0.5, 0.8, 0.9, 0.95][seed - 1];
      const mdp = garnet({ S: 15, A: 4, branching: 3, gamma, seed: 40 + seed });
      const policy = softmaxRandom(new Rng(seed), mdp.S, mdp.A);
      const eps = Math.max(...evaluate(mdp, policy).advantage.map(Math.abs));
      // Schulman et al.'s C' = 4 eps gamma / (1-gamma)^2 on their unnormalised surrogate is C = (1-gamma) C' here.
      for (const C of [0.01, 0.3, (4 * eps * gamma) / (1 - gamma)]) {
        const run = optimise(mdp, trl({ C, penalty: "max" }), { policy, iterations: 25 });
        const m = checkMonotone(run.history.eta, 1e-12);
        expect(m.monotone).toBe(true);
        expect(run.history.improvement[0]).toBeGreaterThan(0);
        if (C === 0.01) expect(run.history.gap.at(-1)!).toBeLessThan(0.05 * run.history.gap[0]);
      }
      mdp.dispose();
    }
  });
});
