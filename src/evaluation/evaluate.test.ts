import { describe, expect, it } from "vitest";
import { ConvergenceError, ValidationError } from "../core/errors.js";
import { garnet } from "../mdp/generators/garnet.js";
import { riverSwim } from "../mdp/generators/river-swim.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { uniformPolicy } from "../policy/policy.js";
import { arena } from "../core/arena.js";
import { type SolverChoice, discountedVisitation, evaluate, policyValue, qFromV } from "./index.js";

const SOLVERS: SolverChoice[] = ["auto", "lu", "gmres", "bicgstab", "iterative", "richardson"];

/**
 * Two states, actions 0 = stay and 1 = switch (deterministic moves). Under
 * pi(stay|0) = p, pi(stay|1) = q the chain is P_pi = [[p, 1-p], [1-q, q]] and
 * (I - gamma P_pi)^{-1} has a closed form by Cramer's rule.
 */
function stayOrSwitch(gamma: number, R: number[], mu = [0.3, 0.7]): TabularMdp {
  const P = [
    [
      [1, 0],
      [0, 1],
    ],
    [
      [0, 1],
      [1, 0],
    ],
  ];
  return TabularMdp.fromDense({ S: 2, A: 2, P, R: [R.slice(0, 2), R.slice(2, 4)], gamma, mu });
}

function closedForm(gamma: number, R: number[], p: number, q: number, mu: number[]) {
  const r0 = p * R[0] + (1 - p) * R[1];
  const r1 = q * R[2] + (1 - q) * R[3];
  const det = (1 - gamma * p) * (1 - gamma * q) - gamma * gamma * (1 - p) * (1 - q);
  const V0 = ((1 - gamma * q) * r0 + gamma * (1 - p) * r1) / det;
  const V1 = (gamma * (1 - q) * r0 + (1 - gamma * p) * r1) / det;
  const d0 = ((1 - gamma) * (mu[0] * (1 - gamma * q) + mu[1] * gamma * (1 - q))) / det;
  const d1 = ((1 - gamma) * (mu[0] * gamma * (1 - p) + mu[1] * (1 - gamma * p))) / det;
  const Q = [R[0] + gamma * V0, R[1] + gamma * V1, R[2] + gamma * V1, R[3] + gamma * V0];
  return { V: [V0, V1], d: [d0, d1], Q, eta: mu[0] * V0 + mu[1] * V1 };
}

/** |actual - expected| <= tol (1 + ||expected||_inf) entrywise. */
function expectRelClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol * (1 + scale));
  }
}

describe("evaluate: the two-state closed form", () => {
  const R = [1, -2, 0.5, 3];
  const mu = [0.3, 0.7];
  for (const gamma of [0, 0.5, 0.9, 0.99]) {
    for (const solver of SOLVERS) {
      it(`gamma ${gamma}, solver ${solver}`, () => {
        const mdp = stayOrSwitch(gamma, R, mu);
        const [p, q] = [0.25, 0.6];
        const ev = evaluate(mdp, [p, 1 - p, q, 1 - q], { solver });
        const ref = closedForm(gamma, R, p, q, mu);
        // A residual r leaves an error of at most r / (1 - gamma): 1e-10 / (1 - gamma) relative for the
        // iterative solvers (which stop at the residual bound), rounding only for LU.
        const tol = (solver === "lu" || solver === "auto" ? 1e-15 : 1.01e-10) / (1 - gamma);
        expectRelClose(ev.V, ref.V, tol);
        expectRelClose(ev.Q, ref.Q, tol);
        // For d the bound is in the 1-norm (||(I - gamma P_pi)^{-T}||_1 = 1 / (1 - gamma)): S = 2 times more.
        expectRelClose(ev.d, ref.d, 2 * tol);
        expect(Math.abs(ev.eta - ref.eta)).toBeLessThanOrEqual(tol * (1 + Math.max(...ref.V.map(Math.abs))));
        expectRelClose(ev.advantage, [ref.Q[0] - ref.V[0], ref.Q[1] - ref.V[0], ref.Q[2] - ref.V[1], ref.Q[3] - ref.V[1]], tol);
        expect(ev.solver).toBe(solver === "auto" ? "lu" : solver);
        expect(ev.residual).toBeLessThanOrEqual(1e-10 * (1 + Math.max(...ev.V.map(Math.abs))));
        mdp.dispose();
      });
    }
  }

  it("one state: V = r_pi / (1 - gamma), d = 1", () => {
    const mdp = TabularMdp.fromDense({ S: 1, A: 2, P: [1, 1], R: [2, -1], gamma: 0.75 });
    const ev = evaluate(mdp, [0.25, 0.75]);
    expect(ev.V[0]).toBeCloseTo((0.25 * 2 - 0.75) / 0.25, 14);
    expect(ev.d[0]).toBeCloseTo(1, 15);
    expect(ev.advantage[0]).toBeCloseTo(2 - -0.25, 14);
    mdp.dispose();
  });

  it("gamma = 0: V = r_pi, Q = R, d = mu on a larger sparse model (GMRES path)", () => {
    const mdp = garnet({ S: 300, A: 3, branching: 4, seed: 2, gamma: 0, format: "sparse" });
    const pi = uniformPolicy(300, 3);
    const ev = evaluate(mdp, pi);
    expect(ev.solver).toBe("gmres");
    const R = mdp.R.slice();
    const mu = mdp.mu.slice();
    for (let s = 0; s < 300; s++) {
      expect(ev.V[s]).toBeCloseTo((R[3 * s] + R[3 * s + 1] + R[3 * s + 2]) / 3, 14);
      expect(ev.d[s]).toBeCloseTo(mu[s], 15);
    }
    expectRelClose(ev.Q, R, 1e-15);
    mdp.dispose();
  });
});

describe("evaluate: accuracy and the solvers", () => {
  it("meets the default Bellman residual bound, checked independently, for every solver (dense and sparse)", () => {
    for (const format of ["dense", "sparse"] as const) {
      const mdp = garnet({ S: 150, A: 4, branching: 5, seed: 7, gamma: 0.95, format });
      const pi = uniformPolicy(150, 4);
      const P = mdp.toDense();
      const Pd = P.P.slice();
      P.dispose();
      const R = mdp.R.slice();
      for (const solver of SOLVERS) {
        const ev = evaluate(mdp, pi, { solver });
        // Independent residual in plain TypeScript from the dense copy.
        let res = 0;
        let vmax = 0;
        for (let s = 0; s < 150; s++) {
          let t = 0;
          for (let a = 0; a < 4; a++) {
            let pv = 0;
            for (let j = 0; j < 150; j++) pv += Pd[(s * 4 + a) * 150 + j] * ev.V[j];
            t += 0.25 * (R[s * 4 + a] + 0.95 * pv);
          }
          res = Math.max(res, Math.abs(t - ev.V[s]));
          vmax = Math.max(vmax, Math.abs(ev.V[s]));
        }
        expect(res).toBeLessThanOrEqual(1.01e-10 * (1 + vmax));
        expect(Math.abs(res - ev.residual)).toBeLessThanOrEqual(1e-12 * (1 + vmax));
      }
      mdp.dispose();
    }
  });

  it("a tighter tolerance gives a smaller residual", () => {
    const mdp = garnet({ S: 400, A: 2, branching: 3, seed: 1, gamma: 0.99, format: "sparse" });
    const pi = uniformPolicy(400, 2);
    const loose = evaluate(mdp, pi, { tolerance: 1e-6 });
    const tight = evaluate(mdp, pi, { tolerance: 1e-13 });
    const vmax = Math.max(...tight.V.map(Math.abs));
    expect(loose.residual).toBeLessThanOrEqual(1e-6 * (1 + vmax));
    expect(tight.residual).toBeLessThanOrEqual(1e-13 * (1 + vmax));
    expect(tight.iterations).toBeGreaterThan(loose.iterations);
    mdp.dispose();
  });

  it("policyValue, discountedVisitation and qFromV agree with evaluate; a warm start saves iterations", () => {
    const mdp = garnet({ S: 500, A: 3, branching: 4, seed: 4, gamma: 0.97, format: "sparse" });
    const pi = uniformPolicy(500, 3);
    const ev = evaluate(mdp, pi);
    const pv = policyValue(mdp, pi);
    const dv = discountedVisitation(mdp, pi);
    expectRelClose(pv.V, ev.V, 1e-12);
    expectRelClose(dv.d, ev.d, 1e-9);
    expectRelClose(qFromV(mdp, ev.V), ev.Q, 1e-15);
    const warm = policyValue(mdp, pi, { initialValues: ev.V });
    expect(warm.iterations).toBeLessThan(pv.iterations);
    expectRelClose(warm.V, ev.V, 1e-12);
    // evaluate takes the same warm start for V (d still starts from 0): fewer iterations, same answer.
    const evWarm = evaluate(mdp, pi, { initialValues: ev.V });
    expect(evWarm.iterations).toBeLessThan(ev.iterations);
    expectRelClose(evWarm.V, ev.V, 1e-12);
    expectRelClose(evWarm.d, ev.d, 1e-15);
    expect(() => evaluate(mdp, pi, { initialValues: new Float64Array(499) })).toThrow(/initialValues.*499/s);
    expect(() => evaluate(mdp, pi, { initialValues: new Float64Array(500).fill(NaN) })).toThrow(/initialValues.*finite/s);
    expect(() => discountedVisitation(mdp, pi, { initialValues: ev.V } as never)).toThrow(/unknown option/);
    mdp.dispose();
  });

  it("warm starts of both systems (the Gauss-Seidel sweeps of a large CSR model too): same answer, fewer iterations", () => {
    const S = 6000;
    const A = 3;
    const mdp = garnet({ S, A, branching: 4, seed: 8, gamma: 0.99, format: "sparse" });
    const pi = uniformPolicy(S, A);
    const ev = evaluate(mdp, pi);
    expect(ev.visitationSolver).toBe("gauss-seidel");
    // From another policy's V and d (as optimise passes them): the same solution to the tolerance.
    const other = new Float64Array(S * A);
    for (let s = 0; s < S; s++) other[s * A + (s % A)] = 1;
    const prev = evaluate(mdp, other);
    const warm = evaluate(mdp, pi, { initialValues: prev.V, initialVisitation: prev.d });
    expect(warm.visitationSolver).toBe("gauss-seidel");
    expectRelClose(warm.V, ev.V, 1e-9);
    expectRelClose(warm.d, ev.d, 1e-8);
    // From the answer itself: (almost) nothing left to do.
    const again = evaluate(mdp, pi, { initialValues: ev.V, initialVisitation: ev.d });
    expect(again.iterations).toBeLessThanOrEqual(2);
    expect(again.iterations).toBeLessThan(ev.iterations);
    expectRelClose(again.d, ev.d, 1e-12);
    const dOnly = discountedVisitation(mdp, pi, { initialVisitation: ev.d });
    expect(dOnly.iterations).toBeLessThanOrEqual(1);
    expect(() => evaluate(mdp, pi, { initialVisitation: new Float64Array(3) })).toThrow(/initialVisitation.*3/s);
    mdp.dispose();
  });

  it("auto falls back from GMRES to LU on a slowly mixing chain (RiverSwim n = 600, gamma = 0.999)", () => {
    const dense = riverSwim({ n: 600, gamma: 0.999 });
    const right = new Float64Array(1200);
    for (let s = 0; s < 600; s++) right[2 * s + 1] = 1;
    for (const mdp of [dense, dense.toSparse()]) {
      const ev = evaluate(mdp, right);
      expect(ev.solver).toBe("lu");
      expect(ev.iterations).toBeGreaterThan(0); // the GMRES iterations spent before falling back
      const lu = evaluate(mdp, right, { solver: "lu" });
      expectRelClose(ev.V, lu.V, 1e-13);
      expectRelClose(ev.d, lu.d, 1e-13);
      expect(ev.residual).toBeLessThanOrEqual(1e-10 * (1 + Math.max(...ev.V.map(Math.abs))));
      mdp.dispose();
    }
  });

  it("throws ConvergenceError when the iteration cap is too small", () => {
    const mdp = garnet({ S: 50, A: 2, branching: 3, seed: 3, gamma: 0.99, format: "dense" });
    const pi = uniformPolicy(50, 2);
    expect(() => evaluate(mdp, pi, { solver: "iterative", maxIterations: 20 })).toThrow(ConvergenceError);
    expect(() => evaluate(mdp, pi, { solver: "gmres", maxIterations: 1 })).toThrow(ConvergenceError);
    expect(() => evaluate(mdp, pi, { solver: "richardson", maxIterations: 3 })).toThrow(ConvergenceError);
    mdp.dispose();
  });
});

describe("evaluate: validation", () => {
  const mdp = stayOrSwitch(0.9, [1, 2, 3, 4]);
  it("rejects a policy row that is not a distribution, naming the state", () => {
    expect(() => evaluate(mdp, [0.5, 0.5, 0.7, 0.7])).toThrow(ValidationError);
    expect(() => evaluate(mdp, [0.5, 0.5, 0.7, 0.7])).toThrow(/state 1/);
    expect(() => evaluate(mdp, [1.5, -0.5, 1, 0])).toThrow(/state 0, action 0/);
    expect(() => evaluate(mdp, [0.5, 0.5, 1])).toThrow(/wrong length/);
    expect(() => evaluate(mdp, [Number.NaN, 1, 1, 0])).toThrow(ValidationError);
  });
  it("rejects bad options", () => {
    const pi = [1, 0, 0, 1];
    expect(() => evaluate(mdp, pi, { solver: "cholesky" as SolverChoice })).toThrow(/solver/);
    expect(() => evaluate(mdp, pi, { tolerance: 0 })).toThrow(/tolerance/);
    expect(() => evaluate(mdp, pi, { tolerance: Number.NaN })).toThrow(/tolerance/);
    expect(() => evaluate(mdp, pi, { maxIterations: 2.5 })).toThrow(/maxIterations/);
    expect(() => evaluate(mdp, pi, { tolerence: 1e-3 } as never)).toThrow(/unknown option/);
    expect(() => policyValue(mdp, pi, { initialValues: [1] })).toThrow(/initialValues/);
    expect(() => qFromV(mdp, [1, Number.POSITIVE_INFINITY])).toThrow(/V: must be finite/);
  });
  it("rejects a non-MDP and a disposed MDP", () => {
    expect(() => evaluate({} as TabularMdp, [1])).toThrow(/mdp/);
    const gone = stayOrSwitch(0.5, [0, 0, 0, 0]);
    gone.dispose();
    expect(() => evaluate(gone, [1, 0, 1, 0])).toThrow(/dispose/);
  });
});

describe("evaluate: WebAssembly memory", () => {
  it("does not grow memory or leak blocks over 2000 calls on the same MDP (dense LU and sparse GMRES)", () => {
    for (const [format, S] of [["dense", 60], ["sparse", 400]] as const) {
      const mdp = garnet({ S, A: 3, branching: 4, seed: 5, gamma: 0.95, format });
      const pi = uniformPolicy(S, 3);
      evaluate(mdp, pi);
      const bytes = arena().memoryBytes;
      const blocks = arena().liveBlocks;
      const live = arena().liveBytes;
      for (let i = 0; i < 2000; i++) evaluate(mdp, pi);
      expect(arena().memoryBytes).toBe(bytes);
      expect(arena().liveBlocks).toBe(blocks);
      expect(arena().liveBytes).toBe(live);
      mdp.dispose();
    }
  });

  it("frees its blocks when it throws", () => {
    const mdp = garnet({ S: 50, A: 2, branching: 3, seed: 3, gamma: 0.99, format: "dense" });
    const pi = uniformPolicy(50, 2);
    const blocks = arena().liveBlocks;
    expect(() => evaluate(mdp, pi, { solver: "iterative", maxIterations: 3 })).toThrow(ConvergenceError);
    expect(arena().liveBlocks).toBe(blocks);
    mdp.dispose();
  });
});
