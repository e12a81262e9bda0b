import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f64Block, i32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import {
  applyCsrTwin,
  applyDenseTwin,
  applyTransposedCsrTwin,
  applyTransposedDenseTwin,
  type CsrTwin,
  csrMatvecTransposedTwin,
  csrMatvecTwin,
  deflateTwin,
  policyCsrTwin,
  policyAverageTwin,
  policyMatrixCsrTwin,
  policyMatrixDenseTwin,
  qCsrTwin,
  qDenseTwin,
  sweepCsrTwin,
  sweepDenseTwin,
} from "./bellman.twin.js";

/** A random model with some zero transitions and a policy mixing deterministic and stochastic rows. */
function randomModel(rng: () => number, S: number, A: number) {
  const P = new Float64Array(S * A * S);
  for (let r = 0; r < S * A; r++) {
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const p = rng() < 0.3 ? 0 : rng();
      P[r * S + j] = p;
      sum += p;
    }
    if (sum === 0) P[r * S + (r % S)] = sum = 1;
    for (let j = 0; j < S; j++) P[r * S + j] /= sum;
  }
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    // Whole blocks of four deterministic states (the kernels' four-row path) and mixed blocks.
    if ((s >> 2) % 2 === 0 || s % 3 === 0) pi[s * A + (s % A)] = 1;
    else {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += pi[s * A + a] = rng() < 0.3 ? 0 : rng();
      if (sum === 0) pi[s * A] = sum = 1;
      for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
    }
  }
  const rowPtr = new Int32Array(S * A + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  for (let r = 0; r < S * A; r++) {
    for (let j = 0; j < S; j++) {
      if (P[r * S + j] !== 0) {
        cols.push(j);
        probs.push(P[r * S + j]);
      }
    }
    rowPtr[r + 1] = cols.length;
  }
  const csr: CsrTwin = { rowPtr, cols: Int32Array.from(cols), probs: Float64Array.from(probs) };
  return { P, pi, csr, R: randomArray(rng, S * A), x: randomArray(rng, S) };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale = 1): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= 1e-13 * scale * (1 + Math.abs(expected[i])))) {
      throw new Error(`entry ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe("Bellman kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(2024);
  it.each(PARITY_LENGTHS)("S = %i", (S) => {
    const A = 1 + (S % 3);
    const m = randomModel(rng, S, A);
    const n = S * A;
    const gamma = 0.9;
    scratch((take) => {
      const P = take(f64Block(n * S, m.P));
      const R = take(f64Block(n, m.R));
      const pi = take(f64Block(n, m.pi));
      const x = take(f64Block(S, m.x));
      const rowPtr = take(i32Block(n + 1, m.csr.rowPtr));
      const cols = take(i32Block(m.csr.cols.length, m.csr.cols));
      const probs = take(f64Block(m.csr.probs.length, m.csr.probs));
      const outS = take(f64Block(S));
      const outN = take(f64Block(n));
      const outM = take(f64Block(S * S));
      const refS = new Float64Array(S);
      const refN = new Float64Array(n);
      const refM = new Float64Array(S * S);

      policyAverageTwin(m.R, m.pi, refS, S, A);
      for (const f of [k.bellmanPolicyAverageSimd, k.bellmanPolicyAverageScalar]) {
        f(R.ptr, pi.ptr, outS.ptr, S, A);
        expectClose(outS.view, refS);
      }

      for (const [c, alpha] of [[0, 1], [1, -gamma]]) {
        policyMatrixDenseTwin(m.P, m.pi, refM, S, A, c, alpha);
        for (const f of [k.bellmanPolicyMatrixDenseSimd, k.bellmanPolicyMatrixDenseScalar]) {
          outM.view.fill(Number.NaN);
          f(P.ptr, pi.ptr, outM.ptr, S, A, c, alpha);
          expectClose(outM.view, refM);
        }
        outM.view.fill(Number.NaN);
        k.bellmanPolicyMatrixCsr(rowPtr.ptr, cols.ptr, probs.ptr, pi.ptr, outM.ptr, S, A, c, alpha);
        expectClose(outM.view, refM);
        policyMatrixCsrTwin(m.csr, m.pi, refM, S, A, c, alpha);
        expectClose(outM.view, refM);
      }

      qDenseTwin(m.P, m.R, m.x, gamma, refN, S, A);
      for (const f of [k.bellmanQDenseSimd, k.bellmanQDenseScalar]) {
        outN.view.fill(Number.NaN);
        f(P.ptr, R.ptr, x.ptr, gamma, outN.ptr, S, A);
        expectClose(outN.view, refN);
      }
      const qCsr = new Float64Array(n);
      qCsrTwin(m.csr, m.R, m.x, gamma, qCsr, S, A);
      expectClose(qCsr, refN);
      for (const f of [k.bellmanQCsrSimd, k.bellmanQCsrScalar]) {
        outN.view.fill(Number.NaN);
        f(rowPtr.ptr, cols.ptr, probs.ptr, R.ptr, x.ptr, gamma, outN.ptr, S, A);
        expectClose(outN.view, refN);
      }

      for (const [c, alpha] of [[0, 1], [1, -gamma], [-0.5, 2]]) {
        applyDenseTwin(m.P, m.pi, m.x, refS, S, A, c, alpha);
        for (const f of [k.bellmanApplyDenseSimd, k.bellmanApplyDenseScalar]) {
          outS.view.fill(Number.NaN);
          f(P.ptr, pi.ptr, x.ptr, outS.ptr, S, A, c, alpha);
          expectClose(outS.view, refS, 4);
        }
        const csrRef = new Float64Array(S);
        applyCsrTwin(m.csr, m.pi, m.x, csrRef, S, A, c, alpha);
        expectClose(csrRef, refS, 4);
        for (const f of [k.bellmanApplyCsrSimd, k.bellmanApplyCsrScalar]) {
          outS.view.fill(Number.NaN);
          f(rowPtr.ptr, cols.ptr, probs.ptr, pi.ptr, x.ptr, outS.ptr, S, A, c, alpha);
          expectClose(outS.view, refS, 4);
        }

        applyTransposedDenseTwin(m.P, m.pi, m.x, refS, S, A, c, alpha);
        for (const f of [k.bellmanApplyTransposedDenseSimd, k.bellmanApplyTransposedDenseScalar]) {
          outS.view.fill(Number.NaN);
          f(P.ptr, pi.ptr, x.ptr, outS.ptr, S, A, c, alpha);
          expectClose(outS.view, refS, 4 * (S + 1));
        }
        applyTransposedCsrTwin(m.csr, m.pi, m.x, csrRef, S, A, c, alpha);
        expectClose(csrRef, refS, 4 * (S + 1));
        k.bellmanApplyTransposedCsr(rowPtr.ptr, cols.ptr, probs.ptr, pi.ptr, x.ptr, outS.ptr, S, A, c, alpha);
        expectClose(outS.view, refS, 4 * (S + 1));
      }

      // P_pi compacted over states: same entries as the twin, and its products are P_pi's.
      const compact = policyCsrTwin(m.csr, m.pi, S, A);
      const cPtr = take(i32Block(S + 1));
      const cCols = take(i32Block(compact.cols.length));
      const cVals = take(f64Block(compact.probs.length));
      expect(k.bellmanPolicyCsr(rowPtr.ptr, cols.ptr, probs.ptr, pi.ptr, S, A, cPtr.ptr, cCols.ptr, cVals.ptr))
        .toBe(compact.cols.length);
      expect(Array.from(cPtr.view)).toEqual(Array.from(compact.rowPtr));
      expect(Array.from(cCols.view)).toEqual(Array.from(compact.cols));
      expect(Array.from(cVals.view)).toEqual(Array.from(compact.probs));
      for (const [c, alpha] of [[0, 1], [1, -gamma]]) {
        const viaCompact = new Float64Array(S);
        csrMatvecTwin(compact, m.x, viaCompact, S, c, alpha);
        applyDenseTwin(m.P, m.pi, m.x, refS, S, A, c, alpha);
        expectClose(viaCompact, refS, 4);
        for (const f of [k.bellmanCsrMatvecSimd, k.bellmanCsrMatvecScalar]) {
          outS.view.fill(Number.NaN);
          f(cPtr.ptr, cCols.ptr, cVals.ptr, x.ptr, outS.ptr, S, c, alpha);
          expectClose(outS.view, refS, 4);
        }
        applyTransposedDenseTwin(m.P, m.pi, m.x, refS, S, A, c, alpha);
        csrMatvecTransposedTwin(compact, m.x, viaCompact, S, c, alpha);
        expectClose(viaCompact, refS, 4 * (S + 1));
        outS.view.fill(Number.NaN);
        k.bellmanCsrMatvecTransposed(cPtr.ptr, cCols.ptr, cVals.ptr, x.ptr, outS.ptr, S, c, alpha);
        expectClose(outS.view, refS, 4 * (S + 1));
      }

      const res = sweepDenseTwin(m.P, m.R, m.pi, gamma, m.x, refS, S, A);
      const resCsr = sweepCsrTwin(m.csr, m.R, m.pi, gamma, m.x, new Float64Array(S), S, A);
      expect(resCsr).toBeCloseTo(res, 12);
      for (const f of [k.bellmanSweepDenseSimd, k.bellmanSweepDenseScalar]) {
        outS.view.fill(Number.NaN);
        expect(f(P.ptr, R.ptr, pi.ptr, gamma, x.ptr, outS.ptr, S, A)).toBeCloseTo(res, 12);
        expectClose(outS.view, refS);
      }
      for (const f of [k.bellmanSweepCsrSimd, k.bellmanSweepCsrScalar]) {
        outS.view.fill(Number.NaN);
        expect(f(rowPtr.ptr, cols.ptr, probs.ptr, R.ptr, pi.ptr, gamma, x.ptr, outS.ptr, S, A)).toBeCloseTo(res, 12);
        expectClose(outS.view, refS);
      }
      expect(k.bellmanResidualDenseSimd(P.ptr, R.ptr, pi.ptr, gamma, x.ptr, S, A)).toBeCloseTo(res, 12);
      expect(k.bellmanResidualDenseScalar(P.ptr, R.ptr, pi.ptr, gamma, x.ptr, S, A)).toBeCloseTo(res, 12);
      for (const f of [k.bellmanResidualCsrSimd, k.bellmanResidualCsrScalar]) {
        expect(f(rowPtr.ptr, cols.ptr, probs.ptr, R.ptr, pi.ptr, gamma, x.ptr, S, A)).toBeCloseTo(res, 12);
      }
    });
  });

  it("the four-rows path for models that stream from DRAM (P > 24 MiB) agrees with the twin", () => {
    // S = 1101, A = 3: 29 MB of P, above the kernels' streaming threshold; states come in
    // blocks of four, deterministic (one row each) or mixed, and S % 4 = 1 leaves a tail.
    const S = 1101;
    const A = 3;
    const big = testRng(99);
    const P = new Float64Array(S * A * S);
    for (let r = 0; r < S * A; r++) {
      let sum = 0;
      for (let j = 0; j < S; j++) sum += P[r * S + j] = big() < 0.5 ? 0 : big();
      for (let j = 0; j < S; j++) P[r * S + j] /= sum;
    }
    const pi = new Float64Array(S * A);
    for (let s = 0; s < S; s++) {
      if ((s >> 2) % 3 !== 2) pi[s * A + (s % A)] = 1;
      else pi.fill(1 / A, s * A, s * A + A);
    }
    const R = randomArray(big, S * A);
    const V = randomArray(big, S);
    scratch((take) => {
      const bP = take(f64Block(S * A * S, P));
      const bR = take(f64Block(S * A, R));
      const bpi = take(f64Block(S * A, pi));
      const bV = take(f64Block(S, V));
      const out = take(f64Block(S * A));
      const ref = new Float64Array(S * A);
      qDenseTwin(P, R, V, 0.97, ref, S, A);
      k.bellmanQDenseSimd(bP.ptr, bR.ptr, bV.ptr, 0.97, out.ptr, S, A);
      expectClose(out.view, ref, 8);
      const refS = new Float64Array(S);
      applyDenseTwin(P, pi, V, refS, S, A, 1, -0.97);
      k.bellmanApplyDenseSimd(bP.ptr, bpi.ptr, bV.ptr, out.ptr, S, A, 1, -0.97);
      expectClose(out.view.subarray(0, S), refS, 8);
      applyTransposedDenseTwin(P, pi, V, refS, S, A, 1, -0.97);
      k.bellmanApplyTransposedDenseSimd(bP.ptr, bpi.ptr, bV.ptr, out.ptr, S, A, 1, -0.97);
      expectClose(out.view.subarray(0, S), refS, 8 * S);
      const res = sweepDenseTwin(P, R, pi, 0.97, V, refS, S, A);
      expect(k.bellmanSweepDenseSimd(bP.ptr, bR.ptr, bpi.ptr, 0.97, bV.ptr, out.ptr, S, A)).toBeCloseTo(res, 12);
      expectClose(out.view.subarray(0, S), refS, 8);
      expect(k.bellmanResidualDenseSimd(bP.ptr, bR.ptr, bpi.ptr, 0.97, bV.ptr, S, A)).toBeCloseTo(res, 12);
    });
  });

  it.each(PARITY_LENGTHS)("deflation preconditioner, n = %i: SIMD = scalar = twin, and it inverts I - gamma 1 u^T", (n) => {
    const gamma = 0.97;
    const c = n === 0 ? 0 : gamma / ((1 - gamma) * n);
    const xs = randomArray(rng, n);
    const ref = new Float64Array(n);
    deflateTwin(xs, ref, n, c);
    // (I - gamma 1 u^T) y = y - gamma mean(y) must give back x.
    let mean = 0;
    for (let i = 0; i < n; i++) mean += ref[i] / n;
    for (let i = 0; i < n; i++) expect(ref[i] - gamma * mean).toBeCloseTo(xs[i], 11);
    scratch((take) => {
      const x = take(f64Block(n, xs));
      const y = take(f64Block(n));
      for (const f of [k.bellmanDeflateSimd, k.bellmanDeflateScalar]) {
        y.view.fill(Number.NaN);
        f(x.ptr, y.ptr, n, c);
        expectClose(y.view, ref, 4 * (n + 1));
      }
    });
  });

  it("the sweep is the policy average of Q (independent route)", () => {
    const S = 37;
    const A = 4;
    const m = randomModel(rng, S, A);
    const Q = new Float64Array(S * A);
    qDenseTwin(m.P, m.R, m.x, 0.95, Q, S, A);
    const viaQ = new Float64Array(S);
    policyAverageTwin(Q, m.pi, viaQ, S, A);
    const viaSweep = new Float64Array(S);
    sweepDenseTwin(m.P, m.R, m.pi, 0.95, m.x, viaSweep, S, A);
    expectClose(viaSweep, viaQ, 4);
  });
});
