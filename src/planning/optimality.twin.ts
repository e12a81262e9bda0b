/**
 * Plain-TypeScript twins of assembly/planning/optimality.ts, for tests and
 * benchmarks: same arguments and meaning as the kernels, on typed arrays
 * instead of pointers. Layout: P[(s*A+a)*S+s'], R[s*A+a]; CSR rows r = s*A+a.
 */
import type { CsrTwin } from "../mdp/bellman.twin.js";

/** Vout[s] = max_a q[s,a]; greedy[s] = lowest a with q[s,a] >= Vout[s] - tieTol. */
function pickGreedy(
  Q: Float64Array, q0: number, A: number, tieTol: number, Vout: Float64Array, greedy: Int32Array, s: number,
): void {
  let m = Q[q0];
  for (let a = 1; a < A; a++) m = Math.max(m, Q[q0 + a]);
  const threshold = m - tieTol;
  let best = 0;
  while (best < A - 1 && Q[q0 + best] < threshold) best++;
  Vout[s] = m;
  greedy[s] = best;
}

/**
 * Bellman optimality backup, dense: Q(s,a) = R[s,a] + gamma P[s,a,.] . V,
 * Vout[s] = max_a Q(s,a), greedy[s] = lowest a within tieTol of the maximum.
 * Q rows at Q[s*qStride ..]: qStride = A keeps the table, 0 reuses one row.
 */
export function optimalityBackupDenseTwin(
  P: Float64Array, R: Float64Array, V: Float64Array, gamma: number, S: number, A: number, tieTol: number,
  Vout: Float64Array, greedy: Int32Array, Q: Float64Array, qStride: number,
): void {
  for (let s = 0; s < S; s++) {
    const q0 = s * qStride;
    for (let a = 0; a < A; a++) {
      const row = (s * A + a) * S;
      let d = 0;
      for (let j = 0; j < S; j++) d += P[row + j] * V[j];
      Q[q0 + a] = R[s * A + a] + gamma * d;
    }
    pickGreedy(Q, q0, A, tieTol, Vout, greedy, s);
  }
}

/** Bellman optimality backup, CSR (see optimalityBackupDenseTwin). */
export function optimalityBackupCsrTwin(
  m: CsrTwin, R: Float64Array, V: Float64Array, gamma: number, S: number, A: number, tieTol: number,
  Vout: Float64Array, greedy: Int32Array, Q: Float64Array, qStride: number,
): void {
  for (let s = 0; s < S; s++) {
    const q0 = s * qStride;
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      let d = 0;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) d += m.probs[k] * V[m.cols[k]];
      Q[q0 + a] = R[r] + gamma * d;
    }
    pickGreedy(Q, q0, A, tieTol, Vout, greedy, s);
  }
}

/** span(x - y) = max_i (x[i] - y[i]) - min_i (x[i] - y[i]); 0 for n = 0. */
export function spanDiffTwin(x: Float64Array, y: Float64Array, n = x.length): number {
  if (n <= 0) return 0;
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    hi = Math.max(hi, d);
    lo = Math.min(lo, d);
  }
  return hi - lo;
}

/** out[j] = min_{r in [0, rows)} M[r*S + j]. */
export function columnMinTwin(M: Float64Array, rows: number, S: number, out: Float64Array): void {
  for (let j = 0; j < S; j++) out[j] = M[j];
  for (let r = 1; r < rows; r++) {
    for (let j = 0; j < S; j++) out[j] = Math.min(out[j], M[r * S + j]);
  }
}
