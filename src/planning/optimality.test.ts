import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, i32Block, scratch } from "../core/arena.js";
import {
  columnMinTwin,
  optimalityBackupCsrTwin,
  optimalityBackupDenseTwin,
  spanDiffTwin,
} from "./optimality.twin.js";
import type { CsrTwin } from "../mdp/bellman.twin.js";
import { optimalityBackup, optimalityResidual, transitionColumnMin } from "./optimality.js";
import { garnet } from "../mdp/generators/garnet.js";
import { forest } from "../mdp/generators/forest.js";
import { ValidationError } from "../core/errors.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

/** Random stochastic rows (about a third of the entries zero) in the dense layout. */
function randomModel(rng: () => number, S: number, A: number): { P: Float64Array; R: Float64Array } {
  const P = new Float64Array(S * A * S);
  for (let r = 0; r < S * A; r++) {
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const p = rng() < 0.35 ? 0 : rng();
      P[r * S + j] = p;
      sum += p;
    }
    if (sum === 0) P[r * S + Math.floor(rng() * S)] = sum = 1;
    for (let j = 0; j < S; j++) P[r * S + j] /= sum;
  }
  return { P, R: randomArray(rng, S * A, -1, 1) };
}

function toCsr(P: Float64Array, rows: number, S: number): CsrTwin {
  const rowPtr = new Int32Array(rows + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < S; j++) {
      if (P[r * S + j] !== 0) {
        cols.push(j);
        probs.push(P[r * S + j]);
      }
    }
    rowPtr[r + 1] = cols.length;
  }
  return { rowPtr, cols: Int32Array.from(cols), probs: Float64Array.from(probs) };
}

describe("optimality kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(11);
  const gamma = 0.9;
  // A tolerance far above rounding noise (~1e-15) and far below random gaps, so
  // SIMD, scalar and twin must pick the same action whatever the summation order.
  const tieTol = 1e-9;

  it.each(PARITY_LENGTHS.filter((n) => n > 0))("backup, S = %i", (S) => {
    const A = 1 + (S % 4);
    const { P, R } = randomModel(rng, S, A);
    const V = randomArray(rng, S, -5, 5);
    const csr = toCsr(P, S * A, S);
    const refV = new Float64Array(S);
    const refG = new Int32Array(S);
    const refQ = new Float64Array(S * A);
    optimalityBackupDenseTwin(P, R, V, gamma, S, A, tieTol, refV, refG, refQ, A);
    const csrV = new Float64Array(S);
    const csrG = new Int32Array(S);
    const csrQ = new Float64Array(A);
    optimalityBackupCsrTwin(csr, R, V, gamma, S, A, tieTol, csrV, csrG, csrQ, 0);
    expect(Array.from(csrG)).toEqual(Array.from(refG));
    scratch((take) => {
      const p = take(f64Block(P.length, P));
      const r = take(f64Block(R.length, R));
      const v = take(f64Block(S, V));
      const rowPtr = take(i32Block(csr.rowPtr.length, csr.rowPtr));
      const cols = take(i32Block(csr.cols.length, csr.cols));
      const probs = take(f64Block(csr.probs.length, csr.probs));
      const out = take(f64Block(S));
      const g = take(i32Block(S));
      const q = take(f64Block(S * A));
      const runs: [string, () => void][] = [
        ["dense simd", () => k.optimalityBackupDenseSimd(p.ptr, r.ptr, v.ptr, gamma, S, A, tieTol, out.ptr, g.ptr, q.ptr, A)],
        ["dense scalar", () => k.optimalityBackupDenseScalar(p.ptr, r.ptr, v.ptr, gamma, S, A, tieTol, out.ptr, g.ptr, q.ptr, A)],
        ["csr simd", () => k.optimalityBackupCsrSimd(rowPtr.ptr, cols.ptr, probs.ptr, r.ptr, v.ptr, gamma, S, A, tieTol, out.ptr, g.ptr, q.ptr, A)],
        ["csr scalar", () => k.optimalityBackupCsrScalar(rowPtr.ptr, cols.ptr, probs.ptr, r.ptr, v.ptr, gamma, S, A, tieTol, out.ptr, g.ptr, q.ptr, A)],
      ];
      for (const [name, run] of runs) {
        out.view.fill(NaN);
        g.view.fill(-1);
        run();
        expect(Array.from(g.view), name).toEqual(Array.from(refG));
        for (let s = 0; s < S; s++) expect(out.view[s], `${name} V[${s}]`).toBeCloseTo(refV[s], 12);
        for (let i = 0; i < S * A; i++) expect(q.view[i], `${name} Q[${i}]`).toBeCloseTo(refQ[i], 12);
      }
      // qStride = 0: one scratch row, same V and actions.
      k.optimalityBackupDenseSimd(p.ptr, r.ptr, v.ptr, gamma, S, A, tieTol, out.ptr, g.ptr, q.ptr, 0);
      expect(Array.from(g.view)).toEqual(Array.from(refG));
      for (let s = 0; s < S; s++) expect(out.view[s]).toBeCloseTo(refV[s], 12);
    });
    // The twin itself against the definition: V = max of the Q row, greedy attains it within tieTol.
    for (let s = 0; s < S; s++) {
      const row = Array.from(refQ.subarray(s * A, s * A + A));
      expect(refV[s]).toBe(Math.max(...row));
      const first = row.findIndex((x) => x >= refV[s] - tieTol);
      expect(refG[s]).toBe(first);
    }
  });

  it.each(PARITY_LENGTHS)("span of a difference and column minima, n = %i", (n) => {
    const x = randomArray(rng, n, -3, 3);
    const y = randomArray(rng, n, -3, 3);
    const rows = 1 + (n % 5);
    const M = randomArray(rng, rows * n, 0, 1);
    const ref = spanDiffTwin(x, y);
    const refMin = new Float64Array(n);
    columnMinTwin(M, rows, n, refMin);
    scratch((take) => {
      const xb = take(f64Block(n, x));
      const yb = take(f64Block(n, y));
      const mb = take(f64Block(M.length, M));
      const out = take(f64Block(n));
      expect(k.optimalitySpanDiffSimd(xb.ptr, yb.ptr, n)).toBe(ref);
      expect(k.optimalitySpanDiffScalar(xb.ptr, yb.ptr, n)).toBe(ref);
      k.optimalityColumnMinSimd(mb.ptr, rows, n, out.ptr);
      expect(Array.from(out.view)).toEqual(Array.from(refMin));
      out.view.fill(NaN);
      k.optimalityColumnMinScalar(mb.ptr, rows, n, out.ptr);
      expect(Array.from(out.view)).toEqual(Array.from(refMin));
    });
    // Independent definitions.
    if (n > 0) {
      const d = Array.from(x, (xi, i) => xi - y[i]);
      expect(ref).toBe(Math.max(...d) - Math.min(...d));
      for (let j = 0; j < n; j++) {
        expect(refMin[j]).toBe(Math.min(...Array.from({ length: rows }, (_, r) => M[r * n + j])));
      }
    }
  });
});

describe("optimality kernels: ties go to the lowest action", () => {
  const k = kernels();
  it("exact ties (tieTol = 0) pick the first maximum, like numpy's argmax", () => {
    // S = 2, A = 4. State 0: actions 1 and 3 identical and best; state 1: all identical.
    const S = 2;
    const A = 4;
    const P = new Float64Array(S * A * S);
    const R = new Float64Array([0, 2, 1, 2, 5, 5, 5, 5]);
    for (let r = 0; r < S * A; r++) P[r * S + (r % 2)] = 1;
    P.set([0.5, 0.5], (0 * A + 1) * S);
    P.set([0.5, 0.5], (0 * A + 3) * S);
    P.set([0.25, 0.75], (1 * A + 0) * S);
    P.set([0.25, 0.75], (1 * A + 1) * S);
    P.set([0.25, 0.75], (1 * A + 2) * S);
    P.set([0.25, 0.75], (1 * A + 3) * S);
    const V = [1.5, -0.25];
    for (const simd of [true, false]) {
      scratch((take) => {
        const p = take(f64Block(P.length, P));
        const r = take(f64Block(R.length, R));
        const v = take(f64Block(S, V));
        const out = take(f64Block(S));
        const g = take(i32Block(S));
        const q = take(f64Block(A));
        const run = simd ? k.optimalityBackupDenseSimd : k.optimalityBackupDenseScalar;
        run(p.ptr, r.ptr, v.ptr, 0.9, S, A, 0, out.ptr, g.ptr, q.ptr, 0);
        expect(Array.from(g.view)).toEqual([1, 0]);
        expect(out.view[0]).toBeCloseTo(2 + 0.9 * 0.625, 14);
        expect(out.view[1]).toBeCloseTo(5 + 0.9 * (0.375 - 0.1875), 14);
      });
    }
  });

  it("a tolerance makes near-ties resolve to the lowest index, and only near-ties", () => {
    // One state, Q = R (gamma = 0): [1, 1 + 0.6t, 1 + 1.2t, 1 + 5t] with t = 1e-6.
    const t = 1e-6;
    const R = new Float64Array([1, 1 + 0.6 * t, 1 + 1.2 * t, 1 + 5 * t]);
    const P = new Float64Array([1, 1, 1, 1]);
    const cases: [number, number][] = [
      [0, 3], // exact: the maximum
      [3.9 * t, 2], // threshold 1 + 1.1t: index 2 (a running comparison would wrongly keep 0)
      [4.5 * t, 1],
      [10 * t, 0],
    ];
    for (const [tol, expected] of cases) {
      scratch((take) => {
        const p = take(f64Block(4, P));
        const r = take(f64Block(4, R));
        const v = take(f64Block(1, [0]));
        const out = take(f64Block(1));
        const g = take(i32Block(1));
        const q = take(f64Block(4));
        k.optimalityBackupDenseSimd(p.ptr, r.ptr, v.ptr, 0, 1, 4, tol, out.ptr, g.ptr, q.ptr, 0);
        expect(g.view[0], `tol ${tol}`).toBe(expected);
        expect(out.view[0]).toBe(1 + 5 * t);
      });
    }
  });
});

describe("optimalityBackup and friends on a TabularMdp", () => {
  it("dense and sparse models give the twin's backup; the residual is |TV - V|", () => {
    const mdp = garnet({ S: 37, A: 3, branching: 6, seed: 4, gamma: 0.93, format: "dense" });
    const sparse = mdp.toSparse();
    const V = randomArray(testRng(3), 37, -2, 2);
    const refV = new Float64Array(37);
    const refG = new Int32Array(37);
    const refQ = new Float64Array(37 * 3);
    optimalityBackupDenseTwin(mdp.P, mdp.R, V, 0.93, 37, 3, 0, refV, refG, refQ, 3);
    for (const m of [mdp, sparse]) {
      const b = optimalityBackup(m, V, { tieTolerance: 0 });
      expect(Array.from(b.actions)).toEqual(Array.from(refG));
      for (let s = 0; s < 37; s++) expect(b.V[s]).toBeCloseTo(refV[s], 12);
      for (let i = 0; i < 37 * 3; i++) expect(b.Q[i]).toBeCloseTo(refQ[i], 12);
      const residual = optimalityResidual(m, V);
      expect(residual).toBeCloseTo(Math.max(...Array.from(refV, (v, s) => Math.abs(v - V[s]))), 12);
    }
  });

  it("rejects bad values and tolerances with ValidationError", () => {
    const mdp = forest();
    expect(() => optimalityBackup(mdp, [0, 0])).toThrow(ValidationError);
    expect(() => optimalityBackup(mdp, [0, NaN, 0])).toThrow(expect.objectContaining({ field: "V", where: { state: 1 } }));
    expect(() => optimalityBackup(mdp, [0, 0, 0], { tieTolerance: -1 })).toThrow(
      expect.objectContaining({ field: "tieTolerance" }),
    );
  });

  it("transitionColumnMin agrees between formats (forest: only state 0 is in every row, at least p)", () => {
    const mdp = forest({ S: 4, p: 0.1 });
    const dense = transitionColumnMin(mdp);
    const sparse = transitionColumnMin(mdp.toSparse());
    expect(Array.from(dense)).toEqual([0.1, 0, 0, 0]);
    expect(Array.from(sparse)).toEqual(Array.from(dense));
  });
});
