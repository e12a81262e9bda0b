/**
 * Every solver gives the same evaluation, and a dense and a CSR copy of one
 * MDP give the same evaluation: LU, GMRES, BiCGSTAB, Bellman sweeps and
 * deflated Richardson agree to their accuracy, on dense and sparse garnets and
 * a dense random MDP; "auto" on large models (Richardson for V, Gauss-Seidel
 * for d on CSR models, then BiCGSTAB when they contract slowly) agrees with them.
 */
import { describe, expect, it } from "vitest";
import { type Evaluation, type SolverChoice, evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { randomMdp } from "../../src/mdp/generators/random-mdp.js";
import { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { applyCsrTwin, applyTransposedCsrTwin } from "../../src/mdp/bellman.twin.js";
import { CHUNK_STATES } from "../../src/core/chunks.js";
import { Rng } from "../../src/core/rng.js";
import { maxAbs, maxAbsDiff, randomPolicy } from "./policies.js";

const SOLVERS: SolverChoice[] = ["lu", "gmres", "bicgstab", "iterative", "richardson"];

function expectSame(a: Evaluation, b: Evaluation, gamma: number): void {
  // Residual r gives a value error at most r / (1 - gamma).
  const vTol = (2e-10 * (1 + maxAbs(a.V))) / (1 - gamma);
  expect(maxAbsDiff(a.V, b.V)).toBeLessThanOrEqual(vTol);
  expect(maxAbsDiff(a.Q, b.Q)).toBeLessThanOrEqual(vTol);
  expect(maxAbsDiff(a.d, b.d)).toBeLessThanOrEqual((4e-10 * maxAbs(a.d)) / (1 - gamma));
  expect(Math.abs(a.eta - b.eta)).toBeLessThanOrEqual(vTol);
}

describe("solvers and storage formats agree", () => {
  it.each([
    ["dense garnet", 0.9, 1],
    ["sparse garnet", 0.95, 2],
    ["random MDP", 0.99, 3],
  ] as const)("%s, gamma %f, seed %i", (kind, gamma, seed) => {
    const S = 200;
    const A = 3;
    const mdp =
      kind === "random MDP"
        ? randomMdp({ S, A, seed, gamma })
        : garnet({ S, A, branching: 5, seed, gamma, format: kind === "dense garnet" ? "dense" : "sparse" });
    const other = mdp.format === "dense" ? mdp.toSparse() : mdp.toDense();
    const pi = randomPolicy(new Rng(seed), S, A);
    const reference = evaluate(mdp, pi, { solver: "lu" });
    for (const solver of SOLVERS) {
      const ev = evaluate(mdp, pi, { solver });
      expect(ev.solver).toBe(solver);
      expectSame(reference, ev, gamma);
      expectSame(reference, evaluate(other, pi, { solver }), gamma);
    }
    expectSame(reference, evaluate(mdp, pi), gamma);
    mdp.dispose();
    other.dispose();
  });

  it("a deterministic policy on a large sparse garnet (compact P_pi, BiCGSTAB in auto) agrees with GMRES and LU", () => {
    const S = 5000;
    const mdp = garnet({ S, A: 4, branching: 4, seed: 8, gamma: 0.95, format: "sparse" });
    const rng = new Rng(8);
    const pi = randomPolicy(rng, S, 4, 1);
    const auto = evaluate(mdp, pi);
    expect(auto.solver).toBe("bicgstab");
    expectSame(auto, evaluate(mdp, pi, { solver: "gmres" }), 0.95);
    const small = garnet({ S: 300, A: 4, branching: 4, seed: 8, gamma: 0.95, format: "sparse" });
    const piSmall = randomPolicy(rng, 300, 4, 1);
    expectSame(evaluate(small, piSmall, { solver: "lu" }), evaluate(small, piSmall, { solver: "bicgstab" }), 0.95);
    mdp.dispose();
    small.dispose();
  });

  it("a dense MDP whose policy uses every action (explicit P_pi for the Krylov solvers) agrees with LU", () => {
    const mdp = randomMdp({ S: 300, A: 4, seed: 12, gamma: 0.95 });
    const pi = new Float64Array(300 * 4).fill(0.25);
    const lu = evaluate(mdp, pi, { solver: "lu" });
    expectSame(lu, evaluate(mdp, pi, { solver: "gmres" }), 0.95);
    expectSame(lu, evaluate(mdp, pi, { solver: "bicgstab" }), 0.95);
    mdp.dispose();
  });

  it("a uniform policy on a large sparse garnet: auto runs Richardson (V) and Gauss-Seidel (d) alone, fewer passes than BiCGSTAB", () => {
    const S = 6000;
    const mdp = garnet({ S, A: 4, branching: 4, seed: 9, gamma: 0.99, format: "sparse" });
    const pi = new Float64Array(S * 4).fill(0.25);
    const auto = evaluate(mdp, pi);
    expect(auto.solver).toBe("richardson");
    expect(auto.visitationSolver).toBe("gauss-seidel");
    const bicgstab = evaluate(mdp, pi, { solver: "bicgstab" });
    expect(auto.iterations).toBeLessThan(bicgstab.iterations);
    expectSame(bicgstab, auto, 0.99);
    expectSame(evaluate(mdp, pi, { solver: "gmres" }), auto, 0.99);
    expect(auto.residual).toBeLessThanOrEqual(1e-10 * (1 + maxAbs(auto.V)));
    expect(auto.visitationResidual).toBeLessThanOrEqual(1e-10 * maxAbs(auto.d));
    mdp.dispose();
  });

  it("a deterministic policy on a fast-mixing sparse garnet: the visitation sweeps run over the compact P_pi", () => {
    const S = 5000;
    const mdp = garnet({ S, A: 4, branching: 12, seed: 3, gamma: 0.95, format: "sparse" });
    const pi = randomPolicy(new Rng(3), S, 4, 1);
    const auto = evaluate(mdp, pi);
    expect(auto.visitationSolver).toBe("gauss-seidel");
    expectSame(evaluate(mdp, pi, { solver: "gmres" }), auto, 0.95);
    expect(auto.visitationResidual).toBeLessThanOrEqual(1e-10 * maxAbs(auto.d));
    mdp.dispose();
  });

  it("more states than one kernel chunk: auto (chunked products and sweeps) meets its residual bounds, checked independently", () => {
    const S = CHUNK_STATES + 1000;
    const A = 2;
    const mdp = garnet({ S, A, branching: 8, seed: 21, gamma: 0.99, format: "sparse" });
    const pi = randomPolicy(new Rng(21), S, A, 0);
    const auto = evaluate(mdp, pi);
    expect(auto.solver).toBe("richardson");
    expect(auto.visitationSolver).toBe("gauss-seidel");
    // Independent residuals in plain TypeScript from the CSR arrays.
    const rowPtr = mdp.rowPtr.slice();
    const cols = mdp.cols.slice();
    const probs = mdp.probs.slice();
    const R = mdp.R.slice();
    const mu = mdp.mu.slice();
    const m = { rowPtr, cols, probs };
    const PV = new Float64Array(S);
    applyCsrTwin(m, pi, auto.V, PV, S, A, 0, 1);
    const PTd = new Float64Array(S);
    applyTransposedCsrTwin(m, pi, auto.d, PTd, S, A, 0, 1);
    let res = 0;
    let resD = 0;
    for (let s = 0; s < S; s++) {
      let r = 0;
      for (let a = 0; a < A; a++) r += pi[s * A + a] * R[s * A + a];
      res = Math.max(res, Math.abs(r + 0.99 * PV[s] - auto.V[s]));
      resD = Math.max(resD, Math.abs(0.01 * mu[s] + 0.99 * PTd[s] - auto.d[s]));
    }
    expect(res).toBeLessThanOrEqual(1.01e-10 * (1 + maxAbs(auto.V)));
    expect(resD).toBeLessThanOrEqual(1.01e-10 * maxAbs(auto.d));
    expectSame(evaluate(mdp, pi, { solver: "bicgstab" }), auto, 0.99);
    mdp.dispose();
  });

  it("a slowly mixing chain (S = 5000, gamma 0.99): auto hands Richardson's iterate to BiCGSTAB, and agrees with GMRES", () => {
    const mdp = chain(5000, 0.99);
    const pi = new Float64Array(5000 * 2).fill(0.5);
    const auto = evaluate(mdp, pi);
    expect(auto.solver).toBe("bicgstab");
    expect(auto.visitationSolver).toBe("bicgstab");
    expectSame(evaluate(mdp, pi, { solver: "gmres" }), auto, 0.99);
    // Explicit deflated Richardson gets there too (rate about gamma here), or says it did not.
    expectSame(evaluate(mdp, pi, { solver: "richardson" }), auto, 0.99);
    expect(() => evaluate(mdp, pi, { solver: "richardson", maxIterations: 50 })).toThrow(/deflated Richardson did not converge/);
    mdp.dispose();
  });
});

/**
 * A RiverSwim-like chain in CSR (Strehl & Littman 2008): action 0 moves left, action 1 moves right
 * w.p. 0.3, stays w.p. 0.6 and slips left w.p. 0.1; rewards at both ends. Mixes in ~n steps.
 */
function chain(n: number, gamma: number): TabularMdp {
  const rowPtr = [0];
  const cols: number[] = [];
  const probs: number[] = [];
  const R = new Float64Array(2 * n);
  for (let s = 0; s < n; s++) {
    cols.push(Math.max(0, s - 1));
    probs.push(1);
    rowPtr.push(cols.length);
    const row = new Map<number, number>();
    const add = (j: number, p: number): void => void row.set(j, (row.get(j) ?? 0) + p);
    add(Math.max(0, s - 1), 0.1);
    add(s, 0.6);
    add(Math.min(n - 1, s + 1), 0.3);
    for (const j of [...row.keys()].sort((a, b) => a - b)) {
      cols.push(j);
      probs.push(row.get(j)!);
    }
    rowPtr.push(cols.length);
    R[2 * s] = s === 0 ? 0.005 : 0;
    R[2 * s + 1] = s === n - 1 ? 1 : 0;
  }
  return TabularMdp.fromSparse({ S: n, A: 2, rowPtr, cols, probs, R, gamma });
}
