/**
 * The three lemmas behind CPI (Kakade & Langford 2002, "Approximately Optimal
 * Approximate Reinforcement Learning") on random garnets, for the mixture
 * pi_{k+1} = (1 - alpha) pi_k + alpha pi' at many alpha, 0 and 1 included:
 * the per-state L1 shift <= 2 alpha, the visitation shift <= 2 alpha gamma/(1-gamma)
 * (normalised d), and |E_p f - E_q f| <= ||p - q||_1 max|f|.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { greedyPolicy } from "../../src/policy/policy.js";
import { cpiExpectationShift, cpiPolicyShift, cpiVisitationShift } from "../../src/theory/cpi-lemmas.js";
import { ValidationError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { garnetCases, randomSimplexPolicy, randomSoftmaxPolicy } from "./garnets.js";

const ALPHAS = [0, 1e-9, 1e-4, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1];

describe("the CPI lemmas (30 garnets x 11 alphas x 2 targets)", () => {
  it("lemma 1: max_s ||pi_{k+1}(.|s) - pi_k(.|s)||_1 = alpha max_s ||pi' - pi_k||_1 <= 2 alpha", () => {
    for (const { S, A, rng } of garnetCases(30, 31)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      for (const target of [randomSimplexPolicy(rng, S, A), randomSoftmaxPolicy(rng, S, A, 5)]) {
        let far = 0;
        for (let s = 0; s < S; s++) {
          let t = 0;
          for (let a = 0; a < A; a++) t += Math.abs(target[s * A + a] - pi[s * A + a]);
          far = Math.max(far, t);
        }
        for (const alpha of ALPHAS) {
          const c = cpiPolicyShift(pi, target, alpha, S, A);
          expect(c.holds).toBe(true);
          expect(c.bound).toBe(2 * alpha);
          expect(c.lhs).toBeLessThanOrEqual(2 * alpha + 1e-15);
          expect(Math.abs(c.lhs - alpha * far)).toBeLessThan(1e-14);
          if (alpha === 0) expect(Array.from(c.mixture)).toEqual(Array.from(pi));
          if (alpha === 1) expect(Array.from(c.mixture)).toEqual(Array.from(target));
        }
      }
    }
  });

  it("lemma 2: ||d_{pi_{k+1}} - d_{pi_k}||_1 <= gamma/(1-gamma) max_s ||pi_{k+1} - pi_k||_1 <= 2 alpha gamma/(1-gamma), for the normalised d", () => {
    let tightest = 0;
    for (const { mdp, S, A, gamma, rng } of garnetCases(30, 32)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      const greedy = greedyPolicy(evaluate(mdp, pi).advantage, S, A);
      for (const target of [greedy, randomSimplexPolicy(rng, S, A)]) {
        for (const alpha of ALPHAS) {
          const c = cpiVisitationShift(mdp, pi, target, alpha);
          expect(c.holds).toBe(true);
          expect(c.bound).toBeCloseTo((2 * alpha * gamma) / (1 - gamma), 14);
          expect(c.sharp).toBeLessThanOrEqual(c.bound + 1e-14);
          expect(c.lhs).toBeLessThanOrEqual(c.sharp + 1e-12 * Math.max(1, c.sharp));
          if (alpha === 0) expect(c.lhs).toBe(0);
          if (c.bound > 0) tightest = Math.max(tightest, c.lhs / c.bound);
        }
      }
    }
    // Not vacuous: some mixture moves its visitation by a visible share of the bound.
    expect(tightest).toBeGreaterThan(0.05);
  });

  it("lemma 2 is tight, and for the normalised d: stay-or-leave chain, ||d' - d||_1 = 2 gamma alpha / (1 - gamma + gamma alpha)", () => {
    // State 0 (start): action 0 stays, action 1 moves to the absorbing state 1. pi_k always stays, pi' always leaves.
    for (const gamma of [0.5, 0.9, 0.99]) {
      const mdp = TabularMdp.fromDense({ S: 2, A: 2, gamma, P: [[[1, 0], [0, 1]], [[0, 1], [0, 1]]], R: [[0, 0], [1, 1]], mu: [1, 0] });
      const stay = new Float64Array([1, 0, 1, 0]);
      const leave = new Float64Array([0, 1, 0, 1]);
      for (const alpha of [1e-6, 0.01, 0.3, 1]) {
        const c = cpiVisitationShift(mdp, stay, leave, alpha);
        const exact = (2 * gamma * alpha) / (1 - gamma + gamma * alpha);
        expect(Math.abs(c.lhs - exact)).toBeLessThan(1e-12);
        expect(c.holds).toBe(true);
        // The unnormalised visitation rho = d / (1 - gamma) moves by more than the lemma's bound.
        if (alpha < 1) expect(c.lhs / (1 - gamma)).toBeGreaterThan(c.bound);
        if (alpha === 1e-6) expect(c.lhs / c.bound).toBeGreaterThan(1 - 1e-4);
      }
      mdp.dispose();
    }
  });

  it("lemma 3: |E_p f - E_q f| <= ||p - q||_1 max|f|, on visitations and advantages, and tight for f = sign(p - q)", () => {
    for (const { mdp, S, A, rng } of garnetCases(20, 34)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      const old = evaluate(mdp, pi);
      const greedy = greedyPolicy(old.advantage, S, A);
      for (const alpha of ALPHAS) {
        const mix = pi.map((v, i) => (1 - alpha) * v + alpha * greedy[i]);
        const d = evaluate(mdp, mix).d;
        // f(s) = E_{a~pi'}[A_k(s,a)], the function the CPI proof integrates against the two visitations.
        const f = new Float64Array(S);
        for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) f[s] += greedy[s * A + a] * old.advantage[s * A + a];
        const c = cpiExpectationShift(d, old.d, f);
        expect(c.holds).toBe(true);
        const sign = Float64Array.from(d, (v, s) => Math.sign(v - old.d[s]));
        const t = cpiExpectationShift(d, old.d, sign);
        expect(Math.abs(t.lhs - t.bound)).toBeLessThan(1e-12);
      }
    }
    const rng = new Rng(9);
    for (let k = 0; k < 200; k++) {
      const n = 1 + (k % 17);
      const p = randomSimplexPolicy(rng, 1, n);
      const q = randomSimplexPolicy(rng, 1, n);
      const f = Float64Array.from({ length: n }, () => 10 * rng.normal());
      expect(cpiExpectationShift(p, q, f).holds).toBe(true);
    }
  });

  it("rejects bad input", () => {
    const pi = new Float64Array([0.5, 0.5]);
    expect(() => cpiPolicyShift(pi, pi, 1.5, 1, 2)).toThrow(/alpha/);
    expect(() => cpiPolicyShift(pi, new Float64Array([1, 1]), 0.5, 1, 2)).toThrow(/target/);
    expect(() => cpiExpectationShift([0.5, 0.5], [1, 0], [1])).toThrow(/f/);
    expect(() => cpiExpectationShift([0.5, 0.6], [1, 0], [1, 2])).toThrow(/p/);
    expect(() => cpiExpectationShift([0.5, 0.5], [1, 0], [1, NaN])).toThrow(ValidationError);
    expect(() => cpiExpectationShift([0.5, 0.5], [1, 0], [1, 2], -1)).toThrow(/tolerance/);
    const mdp = TabularMdp.fromDense({ S: 1, A: 2, gamma: 0.5, P: [[[1], [1]]], R: [[0, 1]] });
    expect(() => cpiVisitationShift(mdp, pi, pi, 0.5, { tolerence: 1 } as never)).toThrow(/did you mean "tolerance"/);
    mdp.dispose();
  });
});
