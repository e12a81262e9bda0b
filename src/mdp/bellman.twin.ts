/**
 * Plain-TypeScript twins of assembly/mdp/bellman.ts and bellman-csr.ts, for tests and benchmarks.
 * Same arguments and meaning as the kernels, on typed arrays instead of
 * pointers. Layout: P[(s*A+a)*S+s'], R[s*A+a], pi[s*A+a]; CSR rows r = s*A+a.
 */

/** out[s] = sum_a pi(a|s) T[s,a]. */
export function policyAverageTwin(T: Float64Array, pi: Float64Array, out: Float64Array, S: number, A: number): void {
  for (let s = 0; s < S; s++) {
    let v = 0;
    for (let a = 0; a < A; a++) v += T[s * A + a] * pi[s * A + a];
    out[s] = v;
  }
}

/** out[s,.] = c e_s + alpha sum_a pi(a|s) P[s,a,.] (S x S, row-major). */
export function policyMatrixDenseTwin(
  P: Float64Array, pi: Float64Array, out: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  out.fill(0, 0, S * S);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w === 0) continue;
      const row = (s * A + a) * S;
      for (let j = 0; j < S; j++) out[s * S + j] += alpha * w * P[row + j];
    }
    out[s * S + s] += c;
  }
}

/** Q[r] = R[r] + gamma sum_s' P[r,s'] V[s'], r in [0, S*A). */
export function qDenseTwin(
  P: Float64Array, R: Float64Array, V: Float64Array, gamma: number, Q: Float64Array, S: number, A: number,
): void {
  for (let r = 0; r < S * A; r++) {
    let t = 0;
    const row = r * S;
    for (let j = 0; j < S; j++) t += P[row + j] * V[j];
    Q[r] = R[r] + gamma * t;
  }
}

/** y = c x + alpha P_pi x. */
export function applyDenseTwin(
  P: Float64Array, pi: Float64Array, x: Float64Array, y: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  for (let s = 0; s < S; s++) {
    let acc = 0;
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w === 0) continue;
      const row = (s * A + a) * S;
      let t = 0;
      for (let j = 0; j < S; j++) t += P[row + j] * x[j];
      acc += w * t;
    }
    y[s] = c * x[s] + alpha * acc;
  }
}

/** y = c x + alpha P_pi^T x. */
export function applyTransposedDenseTwin(
  P: Float64Array, pi: Float64Array, x: Float64Array, y: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  for (let j = 0; j < S; j++) y[j] = c * x[j];
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const f = alpha * x[s] * pi[s * A + a];
      if (f === 0) continue;
      const row = (s * A + a) * S;
      for (let j = 0; j < S; j++) y[j] += f * P[row + j];
    }
  }
}

/** out = r_pi + gamma P_pi V; returns max_s |out[s] - V[s]|. */
export function sweepDenseTwin(
  P: Float64Array, R: Float64Array, pi: Float64Array, gamma: number, V: Float64Array, out: Float64Array,
  S: number, A: number,
): number {
  let res = 0;
  for (let s = 0; s < S; s++) {
    let acc = 0;
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w === 0) continue;
      const row = (s * A + a) * S;
      let t = 0;
      for (let j = 0; j < S; j++) t += P[row + j] * V[j];
      acc += w * (R[s * A + a] + gamma * t);
    }
    out[s] = acc;
    res = Math.max(res, Math.abs(acc - V[s]));
  }
  return res;
}

/** A CSR transition model: rows r = s*A+a, entries [rowPtr[r], rowPtr[r+1]). */
export interface CsrTwin {
  rowPtr: Int32Array;
  cols: Int32Array;
  probs: Float64Array;
}

function csrRowDot(m: CsrTwin, r: number, x: Float64Array): number {
  let t = 0;
  for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) t += m.probs[k] * x[m.cols[k]];
  return t;
}

/** CSR: y = c x + alpha P_pi x. */
export function applyCsrTwin(
  m: CsrTwin, pi: Float64Array, x: Float64Array, y: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  for (let s = 0; s < S; s++) {
    let acc = 0;
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w !== 0) acc += w * csrRowDot(m, s * A + a, x);
    }
    y[s] = c * x[s] + alpha * acc;
  }
}

/** CSR: y = c x + alpha P_pi^T x. */
export function applyTransposedCsrTwin(
  m: CsrTwin, pi: Float64Array, x: Float64Array, y: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  for (let j = 0; j < S; j++) y[j] = c * x[j];
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const f = alpha * x[s] * pi[r];
      if (f === 0) continue;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) y[m.cols[k]] += f * m.probs[k];
    }
  }
}

/** CSR: Q[r] = R[r] + gamma sum_k probs[k] V[cols[k]]. */
export function qCsrTwin(
  m: CsrTwin, R: Float64Array, V: Float64Array, gamma: number, Q: Float64Array, S: number, A: number,
): void {
  for (let r = 0; r < S * A; r++) Q[r] = R[r] + gamma * csrRowDot(m, r, V);
}

/** CSR: out = r_pi + gamma P_pi V; returns max_s |out[s] - V[s]|. */
export function sweepCsrTwin(
  m: CsrTwin, R: Float64Array, pi: Float64Array, gamma: number, V: Float64Array, out: Float64Array,
  S: number, A: number,
): number {
  let res = 0;
  for (let s = 0; s < S; s++) {
    let acc = 0;
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const w = pi[r];
      if (w !== 0) acc += w * (R[r] + gamma * csrRowDot(m, r, V));
    }
    out[s] = acc;
    res = Math.max(res, Math.abs(acc - V[s]));
  }
  return res;
}

/** CSR to dense: out[s,.] = c e_s + alpha P_pi[s,.]. */
export function policyMatrixCsrTwin(
  m: CsrTwin, pi: Float64Array, out: Float64Array, S: number, A: number, c: number, alpha: number,
): void {
  out.fill(0, 0, S * S);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const w = pi[r];
      if (w === 0) continue;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) out[s * S + m.cols[k]] += alpha * w * m.probs[k];
    }
    out[s * S + s] += c;
  }
}

/** y = x + c sum_i x[i]: the Perron deflation preconditioner (I - gamma 1 u^T)^{-1} with c = gamma / ((1 - gamma) n). */
export function deflateTwin(x: Float64Array, y: Float64Array, n: number, c: number): void {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  for (let i = 0; i < n; i++) y[i] = x[i] + c * sum;
}

/** P_pi of a CSR model compacted over states (rows (s, a) with pi != 0, scaled by pi); returns the matrix. */
export function policyCsrTwin(m: CsrTwin, pi: Float64Array, S: number, A: number): CsrTwin {
  const rowPtr = new Int32Array(S + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      if (pi[r] === 0) continue;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
        cols.push(m.cols[k]);
        probs.push(pi[r] * m.probs[k]);
      }
    }
    rowPtr[s + 1] = cols.length;
  }
  return { rowPtr, cols: Int32Array.from(cols), probs: Float64Array.from(probs) };
}

/** y = c x + alpha M x for an n x n CSR matrix. */
export function csrMatvecTwin(m: CsrTwin, x: Float64Array, y: Float64Array, n: number, c: number, alpha: number): void {
  for (let i = 0; i < n; i++) y[i] = c * x[i] + alpha * csrRowDot(m, i, x);
}

/** y = c x + alpha M^T x for an n x n CSR matrix. */
export function csrMatvecTransposedTwin(
  m: CsrTwin, x: Float64Array, y: Float64Array, n: number, c: number, alpha: number,
): void {
  for (let j = 0; j < n; j++) y[j] = c * x[j];
  for (let i = 0; i < n; i++) {
    const f = alpha * x[i];
    for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) y[m.cols[k]] += f * m.probs[k];
  }
}
