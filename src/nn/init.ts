/**
 * Orthogonal initialisation (Saxe, McClelland & Ganguli 2014, "Exact solutions
 * to the nonlinear dynamics of learning in deep linear neural networks"), as
 * torch.nn.init.orthogonal_ does it and SB3 / CleanRL use it for PPO and A2C:
 * the Q factor of a Gaussian matrix, columns signed so that R has a positive
 * diagonal (which makes Q uniformly (Haar) distributed), times a gain. SB3's
 * gains: sqrt(2) for hidden layers, 0.01 for the policy output, 1 for the value
 * output; biases start at 0.
 */
import { ValidationError } from "../errors.js";
import type { Rng } from "../random/rng.js";

/** SB3's gain for hidden layers (tanh and ReLU alike). */
export const HIDDEN_GAIN = Math.SQRT2;
/** SB3's gain for the policy (action) output layer. */
export const POLICY_GAIN = 0.01;
/** SB3's gain for the value output layer. */
export const VALUE_GAIN = 1;

/**
 * A rows x cols row-major matrix W with orthonormal columns (rows >= cols,
 * W^T W = gain^2 I) or orthonormal rows (rows < cols, W W^T = gain^2 I), drawn
 * from `rng`: a max x min Gaussian matrix (row-major draws), Householder QR in
 * f64, Q's columns multiplied by sign(R_jj), transposed when rows < cols.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "must be an integer >= 1", rows);
  if (!Number.isInteger(cols) || cols < 1) throw new ValidationError("cols", "must be an integer >= 1", cols);
  if (!Number.isFinite(gain)) throw new ValidationError("gain", "must be finite", gain);
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const q = householderQ(a, m, n);
  const w = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (rows >= cols) w[i * cols + j] = gain * q[i * n + j];
      else w[j * cols + i] = gain * q[i * n + j];
    }
  }
  return w;
}

/**
 * The m x n (m >= n) thin Q of A = QR with R's diagonal made non-negative,
 * by Householder reflections H_j = I - 2 v v^T / (v^T v). `a` is overwritten.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm2 = 0;
    for (let i = j; i < m; i++) norm2 += a[i * n + j] * a[i * n + j];
    const x0 = a[j * n + j];
    const alpha = (x0 >= 0 ? -1 : 1) * Math.sqrt(norm2);
    const v = new Float64Array(m - j);
    for (let i = j; i < m; i++) v[i - j] = a[i * n + j];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv > 0) {
      for (let c = j; c < n; c++) {
        let s = 0;
        for (let i = j; i < m; i++) s += v[i - j] * a[i * n + c];
        const f = (2 * s) / vv;
        for (let i = j; i < m; i++) a[i * n + c] -= f * v[i - j];
      }
    }
    vs.push(v);
    // R_jj is alpha after the reflection (or x0 when the column was already zero below the diagonal).
    const rjj = vv > 0 ? alpha : x0;
    signs[j] = rjj < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j];
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i - j] * q[i * n + c];
      const f = (2 * s) / vv;
      for (let i = j; i < m; i++) q[i * n + c] -= f * v[i - j];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j];
  return q;
}
