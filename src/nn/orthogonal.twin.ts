/**
 * Plain-TypeScript twin of the nnOrthogonalQr kernel (assembly/nn/orthogonal.ts):
 * the same floating-point operations in the same order, so both give the same
 * bits. Tests compare them; src/nn/init.ts uses the kernel.
 */

/**
 * The rows x cols weights gain * Q S (transposed when rows < cols) from the
 * m x n Gaussian matrix `a` (m = max(rows, cols), n = min(rows, cols),
 * row-major, overwritten): Householder QR, columns of Q signed by sign(R_jj).
 */
export function orthogonalQrTwin(a: Float64Array, rows: number, cols: number, gain: number): Float64Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
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
