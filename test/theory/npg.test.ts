/**
 * NPG / policy mirror descent against policy iteration (Xiao 2022, "On the
 * Convergence Rates of Policy Gradient Methods": with large enough steps
 * policy mirror descent becomes policy iteration) and its linear convergence
 * with geometric steps, on 40 random garnets:
 *
 * - one step with a huge step size from a full-support policy is the greedy
 *   step (PI's improvement step);
 * - with the log-policy carried between steps, pi_k ∝ pi_0 exp(sum_j eta_j Q_j):
 *   a constant huge step is greedy in the cumulative sum of the Q_j, which is
 *   NOT policy iteration (checked as an identity); a schedule where each step
 *   dwarfs all earlier ones (eta_k = 1e6 * 1e8^k) reproduces policy
 *   iteration's sequence of policies and reaches the optimum in the same
 *   number of iterations;
 * - geometric steps eta_k = eta_0 / gamma^k converge linearly: the fitted
 *   rate of the gap is < 1 and <= gamma, and every step satisfies the
 *   contraction ||V* - V_{k+1}|| <= gamma ||V* - V_k|| + eps_k that gives
 *   rate gamma (theory/npg-contraction.ts).
 */
import { describe, expect, it } from "vitest";
import { gpi, npg } from "../../src/instances/index.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { optimise } from "../../src/mirror/optimise.js";
import { policyIteration } from "../../src/planning/policy-iteration.js";
import { fitLinearRate } from "../../src/theory/linear-rate.js";
import { npgContraction } from "../../src/theory/npg-contraction.js";
import { argmaxRows, garnetCases, randomSoftmaxPolicy } from "./garnets.js";

describe("NPG with a huge step is policy iteration", () => {
  it("one huge step from a random full-support policy is the greedy step in Q (40 garnets)", () => {
    for (const { mdp, S, A, rng } of garnetCases(40, 5)) {
      const policy = randomSoftmaxPolicy(rng, S, A, 2);
      const old = evaluate(mdp, policy);
      const r = npg({ stepSize: 1e12 }).step(mdp, policy, 0, { evaluation: old });
      const greedy = argmaxRows(old.Q, S, A);
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) expect(r.policy[s * A + a]).toBeCloseTo(a === greedy[s] ? 1 : 0, 12);
      }
    }
  });

  it("each step dwarfing the previous ones (eta_k = 1e6 1e8^k) gives policy iteration's policies and iteration count", () => {
    let compared = 0;
    for (const { mdp, S, A } of garnetCases(40, 6)) {
      const pi: string[] = [];
      const g = optimise(mdp, gpi(), { iterations: 50, tolerance: 1e-12, onIteration: (i) => void pi.push(argmaxRows(i.policy, S, A).join()) });
      const seq: string[] = [];
      const r = optimise(mdp, npg({ stepSize: (k) => 1e6 * 1e8 ** k }), {
        iterations: 50,
        tolerance: 1e-12,
        optimum: g.optimum,
        onIteration: (i) => void seq.push(argmaxRows(i.policy, S, A).join()),
      });
      expect(r.stopped).toBe("tolerance");
      expect(r.iterations).toBe(g.iterations);
      expect(seq).toEqual(pi);
      // And gpi from the uniform policy is policy iteration: its policy is PI's optimum.
      const star = policyIteration(mdp);
      expect(Math.abs(g.optimum - r.history.eta[r.iterations])).toBeLessThan(1e-12 * (1 + Math.abs(g.optimum)));
      expect(argmaxRows(g.policy, S, A)).toEqual(Array.from(star.actions));
      compared++;
    }
    expect(compared).toBe(40);
  });

  it("a constant huge step is greedy in the cumulative Q_0 + ... + Q_k, and its policies differ from PI's", () => {
    let differsFromPi = 0;
    for (const { mdp, S, A } of garnetCases(20, 7)) {
      const sum = new Float64Array(S * A);
      const seq: string[] = [];
      const r = optimise(mdp, npg({ stepSize: 1e9 }), {
        iterations: 6,
        onIteration: (i) => {
          const Q = i.result.evaluation.Q;
          for (let j = 0; j < S * A; j++) sum[j] += Q[j];
          expect(argmaxRows(i.policy, S, A)).toEqual(argmaxRows(sum, S, A));
          seq.push(argmaxRows(i.policy, S, A).join());
        },
      });
      const pi: string[] = [];
      optimise(mdp, gpi(), { iterations: 6, optimum: r.optimum, onIteration: (i) => void pi.push(argmaxRows(i.policy, S, A).join()) });
      if (seq.join("|") !== pi.join("|")) differsFromPi++;
    }
    expect(differsFromPi).toBeGreaterThan(0);
  });
});

describe("NPG with geometric steps converges linearly (Xiao 2022)", () => {
  it("eta_k = eta_0 / gamma^k: fitted rate < 1 and <= gamma, and the one-step contraction holds (40 garnets x 3 eta_0)", () => {
    let steps = 0;
    for (const { mdp, S, A, gamma } of garnetCases(40, 8)) {
      const star = policyIteration(mdp);
      for (const eta0 of [0.1, 1, 10]) {
        let prev = evaluate(mdp, new Float64Array(S * A).fill(1 / A));
        let prevPolicy: Float64Array = new Float64Array(S * A).fill(1 / A);
        const r = optimise(mdp, npg({ stepSize: (k) => eta0 / gamma ** k }), {
          iterations: 400,
          tolerance: 1e-10,
          onIteration: (i) => {
            const next = evaluate(mdp, i.policy);
            const c = npgContraction({ Vstar: star.V, Vk: prev.V, Vnext: next.V, Qk: prev.Q, policy: prevPolicy, eta: eta0 / gamma ** i.k, gamma, S, A });
            expect(c.lhs).toBeLessThanOrEqual(c.rhs + 1e-10 * (1 + Math.abs(star.V[0])));
            prev = next;
            prevPolicy = i.policy;
            steps++;
          },
        });
        expect(r.stopped).toBe("tolerance");
        const fit = fitLinearRate(r.history.gap, { floor: 1e-9 });
        expect(fit.rate).toBeLessThan(1);
        expect(fit.rate).toBeLessThanOrEqual(gamma);
      }
    }
    expect(steps).toBeGreaterThan(40 * 3 * 3);
  });
});
