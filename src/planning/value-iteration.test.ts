import { describe, expect, it } from "vitest";
import { forest } from "../mdp/generators/forest.js";
import { smallMdp } from "../mdp/generators/small.js";
import { garnet } from "../mdp/generators/garnet.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { ValidationError } from "../core/errors.js";
import { valueIteration, valueIterationBound } from "./value-iteration.js";
import { modifiedPolicyIteration } from "./modified-policy-iteration.js";

describe("valueIteration: pymdptoolbox's documented examples", () => {
  it("forest(), discount 0.96: V, policy (0, 0, 0), 4 iterations, bound 63", () => {
    const r = valueIteration(forest({ gamma: 0.96 }));
    const expected = [5.93215488, 9.38815488, 13.38815488];
    for (let s = 0; s < 3; s++) expect(r.V[s]).toBeCloseTo(expected[s], 10);
    expect(Array.from(r.actions)).toEqual([0, 0, 0]);
    expect(Array.from(r.policy)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(r.iterations).toBe(4);
    expect(r.converged).toBe(true);
    // _boundIter: k = 1 - sum_j min P(j|.) = 1 - 0.1; span(T0 - 0) = 4;
    // ceil(log(0.01 * 0.04 / 0.96 / 4) / log(0.96 * 0.9)) = 63.
    expect(r.maxIterations).toBe(63);
    expect(r.maxIterations).toBe(Math.ceil(Math.log((0.01 * 0.04) / 0.96 / 4) / Math.log(0.96 * 0.9)));
    // V is not V* (pymdptoolbox's PolicyIteration gives V* = (74.6496, 78.1056, 82.1056)),
    // but V* lies in MacQueen's interval and V* - V is nearly one shift (~68.717).
    const vStar = [74.6496, 78.1056, 82.1056];
    for (let s = 0; s < 3; s++) {
      expect(vStar[s]).toBeGreaterThanOrEqual(r.bounds.lower[s] - 1e-9);
      expect(vStar[s]).toBeLessThanOrEqual(r.bounds.upper[s] + 1e-9); // tight here: the upper bound is V*
      expect(vStar[s] - r.V[s]).toBeCloseTo(68.717, 2);
    }
  });

  it("the two-state example, discount 0.9: V, policy (1, 0), 26 iterations (dense and sparse)", () => {
    const dense = smallMdp({ gamma: 0.9 });
    for (const mdp of [dense, dense.toSparse()]) {
      const r = valueIteration(mdp);
      expect(r.V[0]).toBeCloseTo(40.048625392716815, 10);
      expect(r.V[1]).toBeCloseTo(33.65371175967546, 10);
      expect(Array.from(r.actions)).toEqual([1, 0]);
      expect(r.iterations).toBe(26);
      expect(r.maxIterations).toBe(28);
    }
  });
});

describe("valueIteration: stopping rule and bounds", () => {
  it("stops at the first iteration whose span is below epsilon (1 - gamma) / gamma, as a replay shows", () => {
    const mdp = garnet({ S: 40, A: 3, branching: 5, seed: 3, gamma: 0.95 });
    const epsilon = 1e-3;
    const r = valueIteration(mdp, { epsilon });
    expect(r.converged).toBe(true);
    const threshold = (epsilon * 0.05) / 0.95;
    expect(r.variation).toBeLessThan(threshold);
    // One fewer iteration must not have met the rule: replay with a cap.
    const before = valueIteration(mdp, { epsilon, maxIterations: r.iterations - 1 });
    expect(before.converged).toBe(false);
    expect(before.iterations).toBe(r.iterations - 1);
    expect(before.variation).toBeGreaterThanOrEqual(threshold);
  });

  it("MacQueen's interval has width gamma/(1-gamma) span, and V* lies in it (V* from a long run)", () => {
    const mdp = garnet({ S: 30, A: 4, branching: 4, seed: 9, gamma: 0.9 });
    const r = valueIteration(mdp, { epsilon: 0.5 });
    const star = valueIteration(mdp, { epsilon: 1e-12, maxIterations: 100000 });
    // star's own interval is tiny; its midpoint is V* to ~1e-12.
    for (let s = 0; s < mdp.S; s++) {
      const vStar = (star.bounds.lower[s] + star.bounds.upper[s]) / 2;
      expect(star.bounds.upper[s] - star.bounds.lower[s]).toBeLessThan(1e-11);
      expect(r.bounds.upper[s] - r.bounds.lower[s]).toBeCloseTo((0.9 / 0.1) * r.variation, 9);
      expect(vStar).toBeGreaterThanOrEqual(r.bounds.lower[s] - 1e-9);
      expect(vStar).toBeLessThanOrEqual(r.bounds.upper[s] + 1e-9);
    }
  });

  it("a user cap below the bound is obeyed and reported as not converged", () => {
    const r = valueIteration(forest({ gamma: 0.96 }), { maxIterations: 2 });
    expect(r.iterations).toBe(2);
    expect(r.maxIterations).toBe(2);
    expect(r.converged).toBe(false);
  });

  it("gamma = 0: one backup, V = max_a R, policy argmax R", () => {
    const mdp = TabularMdp.fromDense({ S: 2, A: 3, P: new Float64Array(12).fill(0.5), R: [1, 3, 2, -1, -2, -1], gamma: 0 });
    const r = valueIteration(mdp);
    expect(r.iterations).toBe(1);
    expect(Array.from(r.V)).toEqual([3, -1]);
    expect(Array.from(r.actions)).toEqual([1, 0]);
  });

  it("initialValue as a constant or an array gives the same run", () => {
    const mdp = forest({ gamma: 0.9 });
    const a = valueIteration(mdp, { initialValue: 2 });
    const b = valueIteration(mdp, { initialValue: [2, 2, 2] });
    expect(Array.from(a.V)).toEqual(Array.from(b.V));
    expect(a.iterations).toBe(b.iterations);
  });

  it("valueIterationBound: edge cases give at least one iteration", () => {
    expect(valueIterationBound(0, 0.01, 5, 1)).toBe(1);
    expect(valueIterationBound(0.9, 0.01, 0, 1)).toBe(1); // first span already 0
    expect(valueIterationBound(0.9, 0.01, 5, 0)).toBe(1); // identical rows: one step
    expect(valueIterationBound(0.9, 0.01, 1e-9, 1)).toBe(1);
    expect(valueIterationBound(0.9, 0.01, 1, 1)).toBe(Math.ceil(Math.log((0.01 * 0.1) / 0.9) / Math.log(0.9)));
  });
});

describe("modifiedPolicyIteration: pymdptoolbox's documented examples", () => {
  it("forest(), discount 0.9: V, policy (0, 0, 0), 3 iterations", () => {
    const r = modifiedPolicyIteration(forest({ gamma: 0.9 }));
    const expected = [21.81408652334702, 25.054086523347017, 29.054086523347017];
    for (let s = 0; s < 3; s++) expect(r.V[s]).toBeCloseTo(expected[s], 10);
    expect(Array.from(r.actions)).toEqual([0, 0, 0]);
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(true);
  });

  it("the two-state example, discount 0.9 (dense and sparse)", () => {
    const dense = smallMdp({ gamma: 0.9 });
    for (const mdp of [dense, dense.toSparse()]) {
      const r = modifiedPolicyIteration(mdp);
      expect(r.V[0]).toBeCloseTo(41.865641923940274, 10);
      expect(r.V[1]).toBeCloseTo(35.47027977228192, 10);
      expect(Array.from(r.actions)).toEqual([1, 0]);
      expect(r.iterations).toBe(5);
    }
  });
});

describe("solver options are validated", () => {
  const mdp = forest();
  it.each([
    ["epsilon", { epsilon: 0 }],
    ["epsilon", { epsilon: NaN }],
    ["maxIterations", { maxIterations: 0 }],
    ["maxIterations", { maxIterations: 2.5 }],
    ["initialValue", { initialValue: [1, 2] }],
    ["initialValue", { initialValue: [1, NaN, 2] }],
    ["tieTolerance", { tieTolerance: -1 }],
    ["options", { epsilom: 0.1 }],
  ])("valueIteration rejects a bad %s", (field, options) => {
    const run = (): unknown => valueIteration(mdp, options as never);
    expect(run).toThrow(ValidationError);
    try {
      run();
    } catch (e) {
      expect((e as ValidationError).field).toBe(field);
    }
  });
  it.each([
    ["epsilon", { epsilon: -1 }],
    ["maxIterations", { maxIterations: -3 }],
    ["maxImprovements", { maxImprovements: 0 }],
    ["options", { initialValue: 0 }],
  ])("modifiedPolicyIteration rejects a bad %s", (field, options) => {
    expect(() => modifiedPolicyIteration(mdp, options as never)).toThrow(expect.objectContaining({ field }));
  });
  it("a non-MDP is rejected", () => {
    expect(() => valueIteration({} as never)).toThrow(ValidationError);
  });
});
