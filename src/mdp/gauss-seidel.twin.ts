/**
 * Plain-TypeScript twin of assembly/mdp/gauss-seidel.ts, for tests: one whole
 * sweep (copy, bellmanGaussSeidelRange over [0, S), bellmanGaussSeidelResidual)
 * on typed arrays, with the kernels' order of operations. `out` receives
 * [residual, max |d|, sum(d)].
 */
import type { CsrTwin } from "./bellman.twin.js";

/** One column-oriented Gauss-Seidel sweep of the deflated visitation system. */
export function gaussSeidelTransposedCsrTwin(
  m: CsrTwin, pi: Float64Array, b2: Float64Array, d: Float64Array, acc: Float64Array, snap: Float64Array,
  S: number, A: number, gamma: number, sumIn: number, out: Float64Array,
): void {
  const gn = gamma / S;
  snap.set(acc.subarray(0, S));
  let sum = sumIn;
  for (let j = 0; j < S; j++) {
    const dNew = b2[j] + gamma * acc[j] - gn * sum;
    snap[j] = gn * sum - gamma * snap[j];
    acc[j] = 0;
    sum += dNew - d[j];
    d[j] = dNew;
    for (let a = 0; a < A; a++) {
      const r = j * A + a;
      const w = pi[r];
      if (w === 0) continue;
      const f = w * dNew;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) acc[m.cols[k]] += f * m.probs[k];
    }
  }
  const tail = gn * sum;
  let total = 0;
  let maxD = 0;
  for (let j = 0; j < S; j++) {
    const rj = snap[j] + gamma * acc[j] - tail;
    snap[j] = rj;
    total += rj;
    maxD = Math.max(maxD, Math.abs(d[j]));
  }
  const shift = gn * total;
  let maxRes = 0;
  for (let j = 0; j < S; j++) maxRes = Math.max(maxRes, Math.abs(snap[j] - shift));
  out[0] = maxRes;
  out[1] = maxD;
  out[2] = sum;
}

/** Twin of gaussSeidelStartTransposed (all ranges): acc[i] = sum_{s >= i} P_pi[s,i] d[s]; returns sum(d). */
export function gaussSeidelStartCsrTwin(m: CsrTwin, pi: Float64Array, d: Float64Array, acc: Float64Array, S: number, A: number): number {
  acc.fill(0, 0, S);
  let sum = 0;
  for (let s = 0; s < S; s++) {
    sum += d[s];
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const w = pi[r];
      if (w === 0) continue;
      const f = w * d[s];
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) if (m.cols[k] <= s) acc[m.cols[k]] += f * m.probs[k];
    }
  }
  return sum;
}
