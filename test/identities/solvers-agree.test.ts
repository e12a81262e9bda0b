/**
 * Every solver gives the same evaluation, and a dense and a CSR copy of one
 * MDP give the same evaluation: LU, GMRES, BiCGSTAB and Bellman sweeps agree
 * to their accuracy, on dense and sparse garnets and a dense random MDP.
 */
import { describe, expect, it } from "vitest";
import { type Evaluation, type SolverChoice, evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { randomMdp } from "../../src/mdp/generators/random-mdp.js";
import { Rng } from "../../src/random/rng.js";
import { maxAbs, maxAbsDiff, randomPolicy } from "./policies.js";

const SOLVERS: SolverChoice[] = ["lu", "gmres", "bicgstab", "iterative"];

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
});
