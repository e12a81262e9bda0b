import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { smallMdp } from "../mdp/generators/small.js";
import { cpiAdvantage, cpiBound, cpiOptimalAlpha } from "./cpi-bound.js";
import { checkMonotone } from "./monotone.js";
import { fitLinearRate } from "./linear-rate.js";
import { npgContraction } from "./npg-contraction.js";
import { performanceDifference } from "./performance-difference.js";
import { surrogateBound } from "./surrogate-bound.js";
import { evaluate } from "../evaluation/evaluate.js";
import { npg } from "../instances/npg.js";
import { policyIteration } from "../planning/policy-iteration.js";

describe("performanceDifference", () => {
  it("both sides agree on pymdptoolbox's small MDP, and eta values are the evaluations'", () => {
    const mdp = smallMdp({ gamma: 0.9 });
    const pi = Float64Array.from([0.3, 0.7, 0.6, 0.4]);
    const piNew = Float64Array.from([0.9, 0.1, 0.2, 0.8]);
    const r = performanceDifference(mdp, piNew, pi);
    expect(r.difference).toBeLessThan(1e-12 * (1 + Math.abs(r.lhs)));
    expect(r.etaNew).toBeCloseTo(evaluate(mdp, piNew).eta, 12);
    expect(Math.abs(r.lhs)).toBeGreaterThan(0.1);
    mdp.dispose();
  });
});

describe("cpiBound", () => {
  it("at alpha* equals Abar^2 (1-gamma) / (8 gamma span), and alpha* maximises the bound", () => {
    for (const [abar, gamma, span] of [[0.5, 0.9, 1], [2, 0.7, 3], [0.01, 0.99, 1]]) {
      const a = cpiOptimalAlpha(abar, gamma, span);
      expect(a).toBeCloseTo((abar * (1 - gamma) ** 2) / (4 * gamma * span), 15);
      const at = cpiBound({ abar, gamma, rewardSpan: span });
      expect(at).toBeCloseTo((abar * abar * (1 - gamma)) / (8 * gamma * span), 15);
      for (const f of [0.5, 0.9, 1.1, 2]) expect(cpiBound({ abar, gamma, rewardSpan: span, alpha: Math.min(1, a * f) })).toBeLessThan(at);
    }
    expect(cpiOptimalAlpha(10, 0.1)).toBe(1);
    expect(cpiOptimalAlpha(0, 0.9)).toBe(0);
    expect(cpiOptimalAlpha(1, 0)).toBe(1);
    expect(() => cpiBound({ abar: 1, gamma: 1 })).toThrow(ValidationError);
    expect(() => cpiBound({ abar: 1, gamma: 0.5, alpha: 2 })).toThrow(ValidationError);
    expect(() => cpiOptimalAlpha(1, 0.5, 0)).toThrow(ValidationError);
  });

  it("Abar is E_{s~d} max_a A", () => {
    expect(cpiAdvantage([1, -1, 0, 2, -3, 0.5], [0.25, 0.75], 2, 3)).toBeCloseTo(0.25 * 1 + 0.75 * 2, 15);
  });
});

describe("surrogateBound", () => {
  it("holds on the small MDP and flags gamma outside [0.5, 1)", () => {
    const mdp = smallMdp({ gamma: 0.6 });
    const pi = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    const b = surrogateBound(mdp, Float64Array.from([0.2, 0.8, 0.6, 0.4]), pi);
    expect(b.applies).toBe(true);
    expect(b.error).toBeGreaterThan(0);
    expect(b.error).toBeLessThanOrEqual(b.bound);
    mdp.dispose();
    const low = smallMdp({ gamma: 0.3 });
    expect(surrogateBound(low, pi, pi).applies).toBe(false);
    low.dispose();
  });
});

describe("checkMonotone", () => {
  it("accepts non-decreasing sequences within the relative tolerance and finds the worst drop", () => {
    expect(checkMonotone([1, 2, 2, 3]).monotone).toBe(true);
    expect(checkMonotone([100, 100 - 1e-9, 101]).monotone).toBe(true);
    const c = checkMonotone([1, 2, 1.5, 1.4, 3]);
    expect(c.monotone).toBe(false);
    expect(c.index).toBe(1);
    expect(c.worstDrop).toBeCloseTo(0.5, 15);
    expect(checkMonotone([5]).index).toBe(-1);
    expect(() => checkMonotone([1, NaN])).toThrow(ValidationError);
  });
});

describe("fitLinearRate", () => {
  it("recovers rate and constant of a geometric sequence, ignoring entries at or below the floor", () => {
    const gaps = Array.from({ length: 30 }, (_, k) => 3 * 0.7 ** k);
    gaps.push(0, -1e-16, 1e-30);
    const f = fitLinearRate(gaps, { floor: 1e-20 });
    expect(f.rate).toBeCloseTo(0.7, 12);
    expect(f.constant).toBeCloseTo(3, 10);
    expect(f.points).toBe(30);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(fitLinearRate([1, 1, 1]).rate).toBe(1);
    expect(() => fitLinearRate([1])).toThrow(ValidationError);
  });
});

describe("npgContraction", () => {
  it("holds for a true NPG step and fails when the step size is misreported as far larger", () => {
    const mdp = smallMdp({ gamma: 0.9 });
    const pi = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    const old = evaluate(mdp, pi);
    const r = npg({ stepSize: 0.05 }).step(mdp, pi, 0, { evaluation: old });
    const next = evaluate(mdp, r.policy);
    const Vstar = policyIteration(mdp).V;
    const args = { Vstar, Vk: old.V, Vnext: next.V, Qk: old.Q, policy: pi, gamma: 0.9, S: 2, A: 2 };
    const c = npgContraction({ ...args, eta: 0.05 });
    expect(c.lhs).toBeLessThanOrEqual(c.rhs);
    const wrong = npgContraction({ ...args, eta: 1e6 });
    expect(wrong.lhs).toBeGreaterThan(wrong.rhs);
    mdp.dispose();
  });
});
