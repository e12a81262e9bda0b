import { describe, expect, it } from "vitest";
import { forest } from "../mdp/generators/forest.js";
import { smallMdp } from "../mdp/generators/small.js";
import { garnet } from "../mdp/generators/garnet.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import { frozenLake } from "../mdp/generators/frozen-lake.js";
import { riverSwim } from "../mdp/generators/river-swim.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { optimalityResidual } from "./optimality.js";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { deterministicPolicy } from "../policy/policy.js";
import { Rng } from "../core/rng.js";
import { policyIteration } from "./policy-iteration.js";
import { valueIteration } from "./value-iteration.js";
import { modifiedPolicyIteration } from "./modified-policy-iteration.js";

/** V^pi of a deterministic policy, by src/evaluation (an independent solver). */
const valueOf = (mdp: TabularMdp, actions: Int32Array): Float64Array =>
  evaluate(mdp, deterministicPolicy(actions, mdp.A), { tolerance: 1e-12 }).V;

/** The test zoo: random garnets (dense and sparse), pymdptoolbox-style random MDPs, forest, FrozenLake. */
function zoo(): { name: string; mdp: TabularMdp }[] {
  const rng = new Rng(2024);
  const out: { name: string; mdp: TabularMdp }[] = [];
  const gammas = [0.5, 0.9, 0.95, 0.99];
  for (let i = 0; i < 24; i++) {
    const S = 2 + rng.int(60);
    const A = 1 + rng.int(5);
    const branching = 1 + rng.int(Math.min(S, 6));
    const gamma = gammas[i % gammas.length];
    const format = i % 2 === 0 ? "dense" : "sparse";
    out.push({ name: `garnet S=${S} A=${A} b=${branching} g=${gamma} ${format}`, mdp: garnet({ S, A, branching, gamma, seed: i, format }) });
  }
  for (let i = 0; i < 8; i++) {
    const S = 2 + rng.int(40);
    const A = 2 + rng.int(4);
    out.push({ name: `randomMdp S=${S} A=${A}`, mdp: randomMdp({ S, A, seed: 100 + i, gamma: gammas[i % 4] }) });
  }
  for (const S of [3, 10, 25]) out.push({ name: `forest S=${S}`, mdp: forest({ S, gamma: 0.95 }) });
  for (const map of ["4x4", "8x8"] as const) {
    for (const slippery of [true, false]) {
      out.push({ name: `frozenLake ${map} slippery=${slippery}`, mdp: frozenLake({ map, slippery, gamma: 0.95 }) });
    }
  }
  return out;
}

describe("policyIteration: pymdptoolbox's documented examples", () => {
  it("forest(), discount 0.9: V = (26.244, 29.484, 33.484), policy (0, 0, 0), 2 iterations", () => {
    const r = policyIteration(forest({ gamma: 0.9 }));
    const expected = [26.244000000000014, 29.484000000000016, 33.484000000000016];
    for (let s = 0; s < 3; s++) expect(r.V[s]).toBeCloseTo(expected[s], 11);
    expect(Array.from(r.actions)).toEqual([0, 0, 0]);
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(true);
    // Discount 0.96 (pymdptoolbox's PolicyIteration gives the same): V* = (74.6496, 78.1056, 82.1056).
    const r96 = policyIteration(forest({ gamma: 0.96 }));
    [74.6496, 78.1056, 82.1056].forEach((v, s) => expect(r96.V[s]).toBeCloseTo(v, 10));
  });

  it("the two-state example: exact V solves the 2x2 system by hand; iterative is within 1e-4", () => {
    const mdp = smallMdp({ gamma: 0.9 });
    // Optimal policy (1, 0): V0 = 10 + 0.9 V1, V1 = -1 + 0.9 (0.8 V0 + 0.2 V1).
    const v0 = (10 + 0.9 * (-1 / 0.82)) / (1 - (0.81 * 0.8) / 0.82);
    const v1 = (-1 + 0.72 * v0) / 0.82;
    for (const m of [mdp, mdp.toSparse()]) {
      const exact = policyIteration(m);
      expect(Array.from(exact.actions)).toEqual([1, 0]);
      expect(exact.V[0]).toBeCloseTo(v0, 12);
      expect(exact.V[1]).toBeCloseTo(v1, 12);
      expect(exact.iterations).toBe(2);
      const iterative = policyIteration(m, { evaluation: "iterative" });
      expect(iterative.evaluation).toBe("iterative");
      expect(Array.from(iterative.actions)).toEqual([1, 0]);
      expect(Math.abs(iterative.V[0] - v0)).toBeLessThan(1e-4);
      expect(Math.abs(iterative.V[1] - v1)).toBeLessThan(1e-4);
    }
  });
});

describe("the classic solvers agree and satisfy their guarantees", () => {
  const cases = zoo();

  it.each(cases)("$name", ({ mdp }) => {
    const pi = policyIteration(mdp);
    expect(pi.converged).toBe(true);
    // V* satisfies the Bellman optimality equation.
    expect(optimalityResidual(mdp, pi.V)).toBeLessThanOrEqual(1e-9);
    // ... and is the value of the returned policy (checked by src/evaluation).
    const vStar = valueOf(mdp, pi.actions);
    for (let s = 0; s < mdp.S; s++) expect(Math.abs(pi.V[s] - vStar[s])).toBeLessThan(1e-9);

    // Value iteration with a tight epsilon finds the same policy.
    const viTight = valueIteration(mdp, { epsilon: 1e-9 });
    expect(Array.from(viTight.actions)).toEqual(Array.from(pi.actions));
    const mpiTight = modifiedPolicyIteration(mdp, { epsilon: 1e-9 });
    expect(Array.from(mpiTight.actions)).toEqual(Array.from(pi.actions));

    // Default epsilon: the documented guarantees.
    for (const r of [valueIteration(mdp), modifiedPolicyIteration(mdp)]) {
      if (!r.converged) continue; // stopped by the iteration bound: no guarantee claimed
      const vPolicy = valueOf(mdp, r.actions);
      for (let s = 0; s < mdp.S; s++) {
        // epsilon-optimal policy: 0 <= V* - V^pi < epsilon.
        expect(pi.V[s] - vPolicy[s]).toBeLessThan(0.01);
        expect(pi.V[s] - vPolicy[s]).toBeGreaterThan(-1e-9);
        // V* within MacQueen's interval around the returned (non-optimal) V.
        expect(pi.V[s]).toBeGreaterThanOrEqual(r.bounds.lower[s] - 1e-9);
        expect(pi.V[s]).toBeLessThanOrEqual(r.bounds.upper[s] + 1e-9);
      }
      expect(r.bounds.upper[0] - r.bounds.lower[0]).toBeLessThan(0.01);
    }
  });
});

describe("policyIteration: evaluation paths", () => {
  it("fast-mixing dense model above the direct-solve size: certified sweeps, no linear solve", () => {
    const mdp = randomMdp({ S: 300, A: 4, seed: 5, gamma: 0.99 });
    const r = policyIteration(mdp);
    expect(r.linearSolves).toBe(0);
    expect(r.sweeps).toBeGreaterThan(0);
    expect(optimalityResidual(mdp, r.V)).toBeLessThanOrEqual(1e-9);
    const ref = valueOf(mdp, r.actions);
    for (let s = 0; s < mdp.S; s++) expect(Math.abs(r.V[s] - ref[s])).toBeLessThan(1e-10 * (1 + Math.abs(ref[s])));
  });

  it("slow-mixing chain (RiverSwim, 300 states): falls back to the linear solve, same optimum as VI", () => {
    const mdp = riverSwim({ n: 300, gamma: 0.95 });
    const r = policyIteration(mdp);
    expect(r.linearSolves).toBeGreaterThan(0);
    expect(optimalityResidual(mdp, r.V)).toBeLessThanOrEqual(1e-9);
    const vi = valueIteration(mdp, { epsilon: 1e-9 });
    expect(Array.from(vi.actions)).toEqual(Array.from(r.actions));
  });
});

describe("ties resolve to the lowest action index", () => {
  it("duplicated best actions: every solver picks the first copy", () => {
    // Action 2 duplicates action 1 (same row, same reward) in every state; both beat action 0.
    const S = 6;
    const A = 3;
    const rng = new Rng(7);
    const P = new Float64Array(S * A * S);
    const R = new Float64Array(S * A);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < 2; a++) {
        let sum = 0;
        for (let j = 0; j < S; j++) sum += P[(s * A + a) * S + j] = rng.random();
        for (let j = 0; j < S; j++) P[(s * A + a) * S + j] /= sum;
      }
      P.copyWithin((s * A + 2) * S, (s * A + 1) * S, (s * A + 2) * S);
      R[s * A + 0] = -1;
      R[s * A + 1] = R[s * A + 2] = 1 + rng.random();
    }
    const mdp = TabularMdp.fromDense({ S, A, P, R, gamma: 0.9 });
    for (const tieTolerance of [0, 1e-10]) {
      for (const r of [
        policyIteration(mdp, { tieTolerance }),
        valueIteration(mdp, { tieTolerance }),
        modifiedPolicyIteration(mdp, { tieTolerance }),
      ]) {
        expect(Array.from(r.actions)).toEqual(new Array(S).fill(1));
      }
    }
  });

  it("FrozenLake's holes and goal (all actions equal) get action 0", () => {
    const mdp = frozenLake({ map: "4x4", slippery: true, gamma: 0.99 });
    const r = policyIteration(mdp);
    for (const s of [5, 7, 11, 12, 15]) expect(r.actions[s]).toBe(0);
  });
});

describe("policyIteration: options", () => {
  const mdp = forest({ gamma: 0.9 });
  it("policy0 is used as the first policy, and maxIterations stops with the evaluated policy", () => {
    const r = policyIteration(mdp, { policy0: [1, 1, 1], maxIterations: 1 });
    expect(Array.from(r.actions)).toEqual([1, 1, 1]);
    expect(r.converged).toBe(false);
    // Always cutting: V = R_cut + 0.9 V(0), V(0) = 0 / 0.1 = 0 -> V = (0, 1, 2).
    [0, 1, 2].forEach((v, s) => expect(r.V[s]).toBeCloseTo(v, 12));
  });
  it.each([
    ["policy0", { policy0: [0, 2, 0] }],
    ["policy0", { policy0: [0, 1] }],
    ["policy0", { policy0: [0, 0.5, 1] }],
    ["maxIterations", { maxIterations: 0 }],
    ["evaluation", { evaluation: "matrix" }],
    ["tieTolerance", { tieTolerance: Infinity }],
    ["options", { eval_type: 1 }],
  ])("rejects a bad %s", (field, options) => {
    expect(() => policyIteration(mdp, options as never)).toThrow(ValidationError);
    expect(() => policyIteration(mdp, options as never)).toThrow(expect.objectContaining({ field }));
  });
});
