/**
 * AMPO with an inexact Step I (Alfano, Yuan & Rebeschini 2023, "A Novel
 * Framework for Policy Mirror Descent with General Parameterization and
 * Linear Convergence"): on garnets with random low-dimensional features that
 * cannot represent Q, every run's gap stays under the bound
 * gamma^K Delta_0 + sum gamma^(K-1-k) (eps_k + sp_k/(1-gamma)) built from the
 * measured fit errors (ampoGapBound), in its sup-norm and its L2 (eps_approx)
 * form, and each step obeys the one-step contraction it unrolls.
 */
import { describe, expect, it } from "vitest";
import { ampo, fitWeights, linearFeatures, randomFeatures, tabularFeatures, type FitDistribution, type LinearFeatures } from "../../src/instances/index.js";
import { optimise } from "../../src/mirror/optimise.js";
import { policyIteration } from "../../src/planning/policy-iteration.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { ampoGapBound, ampoStepTerms, type AmpoStepTerms } from "../../src/theory/ampo-bound.js";
import { ValidationError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";

function supDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Runs AMPO (KL map, eta_k = eta0 / gamma^k) and measures each step's terms, Delta_k = ||V* - V_k|| and the gaps. */
function measuredRun(mdp: TabularMdp, features: LinearFeatures, eta0: number, iterations: number, fit?: FitDistribution) {
  const { S, A, gamma } = mdp;
  const Vstar = policyIteration(mdp).V;
  const terms: AmpoStepTerms[] = [];
  const delta: number[] = [];
  const contraction: { lhs: number; rhs: number }[] = [];
  let prevPolicy: Float64Array = new Float64Array(S * A).fill(1 / A);
  let prevLog: Float64Array = new Float64Array(S * A).fill(-Math.log(A));
  const run = optimise(mdp, ampo({ mirrorMap: "kl", stepSize: (k) => eta0 / gamma ** k, parametrisation: { features }, ...(fit ? { fit } : {}) }), {
    iterations,
    onIteration: ({ result }) => {
      const r = result as ReturnType<ReturnType<typeof ampo>["step"]>;
      const ev = r.evaluation;
      const weights = fitWeights(fit, prevPolicy, ev.d, mdp.mu.slice(), S, A);
      const t = ampoStepTerms({ Q: ev.Q, policy: prevPolicy, logPolicy: prevLog, f: r.f, eta: r.stepSize, weights, S, A });
      expect(Math.abs(t.epsApprox - r.fitError)).toBeLessThanOrEqual(1e-9 * (1 + r.fitError));
      terms.push(t);
      delta.push(supDiff(Vstar, ev.V));
      prevPolicy = r.policy;
      prevLog = r.logPolicy!;
    },
  });
  delta.push(supDiff(Vstar, run.evaluation.V));
  for (let k = 0; k + 1 < delta.length; k++) {
    contraction.push({ lhs: delta[k + 1], rhs: gamma * delta[k] + terms[k].epsilon + terms[k].span / (1 - gamma) });
  }
  return { run, terms, delta, contraction, bound: ampoGapBound({ gamma, initialError: delta[0], steps: terms }) };
}

describe("AMPO with an inexact fit: the gap stays under the bound with the measured eps_approx", () => {
  it("random features of dimension 3, 6, 12 on garnets (gamma 0.8, 0.9): every step and the whole run", () => {
    for (const [seed, gamma] of [[1, 0.8], [2, 0.9]] as const) {
      const mdp = garnet({ S: 20, A: 4, branching: 3, gamma, seed: 60 + seed });
      const { S, A } = mdp;
      for (const dim of [3, 6, 12]) {
        for (const fit of [undefined, { states: "uniform", actions: "uniform" } as const]) {
          const m = measuredRun(mdp, randomFeatures(S, A, dim, new Rng(100 * seed + dim)), 0.5, 30, fit);
          const tol = (x: number): number => 1e-10 * (1 + x);
          m.terms.forEach((t) => {
            expect(t.epsApprox).toBeGreaterThan(0);
            expect(t.span).toBeLessThanOrEqual(2 * t.supError + 1e-12);
            expect(t.span).toBeLessThanOrEqual(2 * Math.sqrt(t.concentrability * t.epsApprox) * (1 + 1e-12));
          });
          for (const c of m.contraction) expect(c.lhs).toBeLessThanOrEqual(c.rhs + tol(c.rhs));
          m.run.history.gap.forEach((gap, k) => {
            expect(gap).toBeLessThanOrEqual(m.delta[k] + tol(m.delta[k]));
            expect(m.delta[k]).toBeLessThanOrEqual(m.bound.bound[k] + tol(m.bound.bound[k]));
            expect(m.bound.bound[k]).toBeLessThanOrEqual(m.bound.boundL2[k] + tol(m.bound.boundL2[k]));
          });
          if (fit) expect(m.terms[0].concentrability).toBeCloseTo(S * A, 6);
        }
      }
      mdp.dispose();
    }
  });

  it("nested features fit no worse with more columns (the first step's eps_approx falls with the dimension); one-hot features fit exactly and the bound is NPG's", () => {
    const mdp = garnet({ S: 15, A: 3, branching: 3, gamma: 0.9, seed: 70 });
    const { S, A } = mdp;
    const rng = new Rng(5);
    const full = randomFeatures(S, A, 24, rng);
    const dense = new Float64Array(S * A * 24);
    for (let i = 0; i < S * A; i++) for (let e = full.rowStart[i]; e < full.rowStart[i + 1]; e++) dense[i * 24 + full.columns[e]] = full.values[e];
    const first = (dim: number): LinearFeatures => {
      const v = new Float64Array(S * A * dim);
      for (let i = 0; i < S * A; i++) for (let j = 0; j < dim; j++) v[i * dim + j] = dense[i * 24 + j];
      return linearFeatures({ S, A, dim, values: v });
    };
    let last = Infinity;
    for (const dim of [2, 4, 8, 16, 24]) {
      const m = measuredRun(mdp, first(dim), 1, 1);
      expect(m.terms[0].epsApprox).toBeLessThanOrEqual(last * (1 + 1e-9));
      last = m.terms[0].epsApprox;
    }
    const exact = measuredRun(mdp, tabularFeatures(S, A), 1, 40, { states: "uniform", actions: "uniform" });
    for (const t of exact.terms) expect(t.span).toBeLessThan(1e-6);
    exact.run.history.gap.forEach((gap, k) => expect(gap).toBeLessThanOrEqual(exact.bound.bound[k] + 1e-9));
    // With an exact fit and geometric steps the bound itself converges linearly.
    expect(exact.bound.bound[40]).toBeLessThan(0.1 * exact.bound.bound[0]);
    expect(exact.bound.bound[40] / exact.bound.bound[30]).toBeLessThan(0.9 ** 5);
    mdp.dispose();
  });

  it("ampoGapBound unrolls the recursion; bad input is rejected", () => {
    const steps = [
      { epsilon: 0.1, span: 0.2, epsApprox: 0.01, concentrability: 4 },
      { epsilon: 0.05, span: 0, epsApprox: 0, concentrability: 1 },
    ];
    const b = ampoGapBound({ gamma: 0.5, initialError: 1, steps });
    expect(b.bound).toEqual([1, 0.5 + 0.1 + 0.4, 0.5 * 1 + 0.05]);
    expect(b.boundL2[1]).toBeCloseTo(0.5 + 0.1 + 2 * Math.sqrt(0.04) / 0.5, 14);
    expect(b.linear).toEqual([1, 0.6, 0.35]);
    expect(ampoGapBound({ gamma: 0.5, initialError: 1, steps: [{ epsilon: 0, span: 0, epsApprox: 0, concentrability: Infinity }] }).boundL2[1]).toBe(Infinity);
    expect(() => ampoGapBound({ gamma: 1, initialError: 1, steps })).toThrow(/gamma/);
    expect(() => ampoGapBound({ gamma: 0.5, initialError: -1, steps })).toThrow(/initialError/);
    const p = new Float64Array([0.5, 0.5]);
    expect(() => ampoStepTerms({ Q: p, policy: p, f: p, eta: 0, S: 1, A: 2 })).toThrow(/eta/);
    expect(() => ampoStepTerms({ Q: p, policy: p, f: p, eta: 1, weights: new Float64Array([0, 0]), S: 1, A: 2 })).toThrow(ValidationError);
    expect(() => ampoStepTerms({ Q: p, policy: p, f: p, eta: 1, S: 1, A: 2, weight: p } as never)).toThrow(/did you mean "weights"/);
    expect(() => ampoGapBound({ gamma: 0.5, initialError: 1, step: steps } as never)).toThrow(/did you mean "steps"/);
  });
});
