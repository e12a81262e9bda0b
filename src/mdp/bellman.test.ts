import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { f64Block, scratch } from "../core/arena.js";
import { CHUNK_STATES } from "../core/chunks.js";
import { kernels } from "../core/wasm.js";
import {
  applyPolicy,
  applyPolicyTransposed,
  bellmanResidual,
  bellmanSweep,
  compactPolicyMatrix,
  csrProduct,
  csrProductTransposed,
  policyRowEntries,
  policyAverage,
  policyMatrix,
  policyReward,
  qFromValues,
} from "./bellman.js";
import { garnet } from "./generators/garnet.js";
import type { TabularMdp } from "./tabular-mdp.js";

function randomPolicy(rng: Rng, S: number, A: number): Float64Array {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    if (s % 2 === 0) {
      pi[s * A + rng.int(A)] = 1;
      continue;
    }
    let sum = 0;
    for (let a = 0; a < A; a++) sum += pi[s * A + a] = rng.random();
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Dense and sparse copies of the same garnet. */
function pair(S: number, A: number, seed: number, gamma = 0.9): [TabularMdp, TabularMdp] {
  const dense = garnet({ S, A, branching: 3, seed, gamma, format: "dense" });
  return [dense, dense.toSparse()];
}

describe("Bellman wrappers on TabularMdp blocks", () => {
  it("dense and CSR copies of one MDP give the same products, Q and sweeps", () => {
    const rng = new Rng(5);
    const S = 23;
    const A = 3;
    const [dense, sparse] = pair(S, A, 11);
    const pi = randomPolicy(rng, S, A);
    const x = Float64Array.from({ length: S }, () => rng.uniform(-2, 2));
    scratch((take) => {
      const piB = take(f64Block(S * A, pi));
      const xB = take(f64Block(S, x));
      const y1 = take(f64Block(S));
      const y2 = take(f64Block(S));
      for (const [c, alpha] of [[0, 1], [1, -0.9]]) {
        applyPolicy(dense, piB, xB, y1, c, alpha);
        applyPolicy(sparse, piB, xB, y2, c, alpha);
        expect(maxDiff(y1.view, y2.view)).toBeLessThan(1e-14);
        applyPolicyTransposed(dense, piB, xB, y1, c, alpha);
        applyPolicyTransposed(sparse, piB, xB, y2, c, alpha);
        expect(maxDiff(y1.view, y2.view)).toBeLessThan(1e-14);
      }
      const q1 = qFromValues(dense, xB, take(f64Block(S * A)));
      const q2 = qFromValues(sparse, xB, take(f64Block(S * A)));
      expect(maxDiff(q1.view, q2.view)).toBeLessThan(1e-14);
      const r1 = bellmanSweep(dense, piB, xB, y1);
      const r2 = bellmanSweep(sparse, piB, xB, y2);
      expect(Math.abs(r1 - r2)).toBeLessThan(1e-14);
      expect(maxDiff(y1.view, y2.view)).toBeLessThan(1e-14);
      expect(bellmanResidual(dense, piB, xB)).toBeCloseTo(r1, 14);
      expect(bellmanResidual(sparse, piB, xB)).toBeCloseTo(r1, 14);
      const m1 = policyMatrix(dense, piB, take(f64Block(S * S)));
      const m2 = policyMatrix(sparse, piB, take(f64Block(S * S)));
      expect(maxDiff(m1.view, m2.view)).toBeLessThan(1e-15);
    });
    dense.dispose();
    sparse.dispose();
  });

  it("the sweep is r_pi + gamma P_pi V through the explicit P_pi, and the policy average of Q", () => {
    const rng = new Rng(8);
    const S = 31;
    const A = 4;
    const [mdp] = pair(S, A, 3, 0.8);
    const pi = randomPolicy(rng, S, A);
    const V = Float64Array.from({ length: S }, () => rng.uniform(-5, 5));
    scratch((take) => {
      const piB = take(f64Block(S * A, pi));
      const VB = take(f64Block(S, V));
      const rPi = policyReward(mdp, piB, take(f64Block(S))).toArray();
      const Ppi = policyMatrix(mdp, piB, take(f64Block(S * S))).toArray();
      // Rows of P_pi are distributions.
      for (let s = 0; s < S; s++) {
        let sum = 0;
        for (let j = 0; j < S; j++) sum += Ppi[s * S + j];
        expect(sum).toBeCloseTo(1, 14);
      }
      const expected = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        let t = 0;
        for (let j = 0; j < S; j++) t += Ppi[s * S + j] * V[j];
        expected[s] = rPi[s] + 0.8 * t;
      }
      const out = take(f64Block(S));
      const res = bellmanSweep(mdp, piB, VB, out);
      expect(maxDiff(out.view, expected)).toBeLessThan(1e-13);
      expect(res).toBeCloseTo(maxDiff(expected, V), 12);
      const Q = qFromValues(mdp, VB, take(f64Block(S * A)));
      const viaQ = policyAverage(Q, piB, take(f64Block(S)), S, A);
      expect(maxDiff(viaQ.view, expected)).toBeLessThan(1e-13);
      // I - gamma P_pi applied to V, matrix-free, against the explicit matrix.
      const M = policyMatrix(mdp, piB, take(f64Block(S * S)), 1, -0.8).toArray();
      const y = applyPolicy(mdp, piB, VB, take(f64Block(S)), 1, -0.8).toArray();
      for (let s = 0; s < S; s++) {
        let t = 0;
        for (let j = 0; j < S; j++) t += M[s * S + j] * V[j];
        expect(y[s]).toBeCloseTo(t, 12);
      }
    });
    mdp.dispose();
  });

  it("the sweep is a gamma-contraction in the sup norm", () => {
    const rng = new Rng(21);
    const S = 40;
    const A = 3;
    const [mdp] = pair(S, A, 9, 0.95);
    const pi = randomPolicy(rng, S, A);
    scratch((take) => {
      const piB = take(f64Block(S * A, pi));
      for (let trial = 0; trial < 5; trial++) {
        const V = Float64Array.from({ length: S }, () => rng.uniform(-10, 10));
        const W = Float64Array.from({ length: S }, () => rng.uniform(-10, 10));
        const TV = take(f64Block(S));
        const TW = take(f64Block(S));
        bellmanSweep(mdp, piB, take(f64Block(S, V)), TV);
        bellmanSweep(mdp, piB, take(f64Block(S, W)), TW);
        expect(maxDiff(TV.view, TW.view)).toBeLessThanOrEqual(0.95 * maxDiff(V, W) + 1e-12);
      }
    });
    mdp.dispose();
  });

  it("the compact P_pi of a CSR model multiplies like the model, both ways, and holds only the used rows", () => {
    const rng = new Rng(13);
    const S = 57;
    const A = 4;
    const [, sparse] = pair(S, A, 17);
    const pi = randomPolicy(rng, S, A);
    const x = Float64Array.from({ length: S }, () => rng.uniform(-1, 1));
    scratch((take) => {
      const piB = take(f64Block(S * A, pi));
      const xB = take(f64Block(S, x));
      const m = compactPolicyMatrix(sparse, piB);
      try {
        let used = 0;
        for (let r = 0; r < S * A; r++) if (pi[r] !== 0) used++;
        expect(m.cols.length).toBe(3 * used); // branching 3
        expect(policyRowEntries(sparse, pi)).toBe(3 * used);
        const y1 = take(f64Block(S));
        const y2 = take(f64Block(S));
        applyPolicy(sparse, piB, xB, y1, 1, -0.9);
        csrProduct(m, xB, y2, 1, -0.9);
        expect(maxDiff(y1.view, y2.view)).toBeLessThan(1e-14);
        applyPolicyTransposed(sparse, piB, xB, y1, 1, -0.9);
        csrProductTransposed(m, xB, y2, 1, -0.9);
        expect(maxDiff(y1.view, y2.view)).toBeLessThan(1e-14);
      } finally {
        m.free();
      }
    });
    sparse.dispose();
  });

  it("large models: the CSR wrappers call their kernels in chunks of states and give the numbers of one call", () => {
    const S = CHUNK_STATES + 4321;
    const A = 2;
    const mdp = garnet({ S, A, branching: 3, seed: 12, gamma: 0.9, format: "sparse" });
    const rng = new Rng(12);
    const pi = randomPolicy(rng, S, A);
    const k = kernels();
    const b = mdp.blocks;
    const same = (x: Float64Array, y: Float64Array): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
    scratch((take) => {
      const piB = take(f64Block(S * A, pi));
      const x = take(f64Block(S, Float64Array.from({ length: S }, () => rng.random() - 0.5)));
      const y = take(f64Block(S));
      const one = take(f64Block(S));
      for (const [c, alpha] of [[1, -0.9], [0, 1], [-1, 0.9]]) {
        applyPolicy(mdp, piB, x, y, c, alpha);
        k.bellmanApplyCsrSimd(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, piB.ptr, x.ptr, one.ptr, S, A, c, alpha);
        expect(same(y.view, one.view)).toBe(true);
      }
      const compact = compactPolicyMatrix(mdp, piB);
      try {
        csrProduct(compact, x, y, 1, -0.9);
        k.bellmanCsrMatvecSimd(compact.ptr.ptr, compact.cols.ptr, compact.vals.ptr, x.ptr, one.ptr, S, 1, -0.9);
        expect(same(y.view, one.view)).toBe(true);
      } finally {
        compact.free();
      }
      const Q = take(f64Block(S * A));
      const Qone = take(f64Block(S * A));
      qFromValues(mdp, x, Q);
      k.bellmanQCsrSimd(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, b.R.ptr, x.ptr, mdp.gamma, Qone.ptr, S, A);
      expect(same(Q.view, Qone.view)).toBe(true);
      policyReward(mdp, piB, y);
      k.bellmanPolicyAverageSimd(b.R.ptr, piB.ptr, one.ptr, S, A);
      expect(same(y.view, one.view)).toBe(true);
    });
    mdp.dispose();
  });

  it("rejects short blocks and aliased outputs", () => {
    const [mdp] = pair(6, 2, 1);
    scratch((take) => {
      const pi = take(f64Block(12).set(new Float64Array(12).fill(0.5)));
      const x = take(f64Block(6));
      x.view.fill(0);
      expect(() => applyPolicy(mdp, pi, x, x)).toThrow(ValidationError);
      expect(() => applyPolicy(mdp, pi, x, take(f64Block(5)))).toThrow(/needs 6 values/);
      expect(() => bellmanSweep(mdp, take(f64Block(11)), x, take(f64Block(6)))).toThrow(ValidationError);
      expect(() => qFromValues(mdp, x, take(f64Block(11)))).toThrow(/Q/);
    });
    mdp.dispose();
  });
});
