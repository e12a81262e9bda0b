// Orthogonal initialisation's Householder QR in f64 (src/nn/init.ts draws the
// Gaussian matrix and calls this). A kernel because the plain-TypeScript QR ran
// cold in V8's interpreter in every fresh process;
// it performs exactly the operations of src/nn/orthogonal.twin.ts in the same
// order (no SIMD: the reductions stay sequential), so weights are bit-identical.

/**
 * Writes the rows x cols weights W = gain * Q S (or its transpose when
 * rows < cols) from the m x n Gaussian matrix A at `a` (m = max(rows, cols),
 * n = min(rows, cols), row-major, overwritten), where A = Q R is the Householder
 * QR with H_j = I - 2 v_j v_j^T / (v_j^T v_j) and S = diag(sign R_jj) makes R's
 * diagonal positive (Mezzadri 2007, "How to generate random matrices from the
 * classical compact groups": the sign fix makes Q Haar-distributed).
 * `scratch` holds 2 m n + n f64 values: the v_j (v_j at row j, m - j values),
 * then Q, then S. Nothing is allocated.
 */
export function nnOrthogonalQr(
  a: usize,
  m: i32,
  n: i32,
  scratch: usize,
  w: usize,
  rows: i32,
  cols: i32,
  gain: f64,
): void {
  const vs = scratch;
  const q = scratch + ((<usize>m * <usize>n) << 3);
  const signs = q + ((<usize>m * <usize>n) << 3);
  for (let j = 0; j < n; j++) {
    let norm2: f64 = 0;
    for (let i = j; i < m; i++) {
      const x = load<f64>(a + ((<usize>(i * n + j)) << 3));
      norm2 += x * x;
    }
    const x0 = load<f64>(a + ((<usize>(j * n + j)) << 3));
    const alpha: f64 = (x0 >= 0 ? -1.0 : 1.0) * Math.sqrt(norm2);
    const v = vs + ((<usize>(j * m)) << 3);
    const len = m - j;
    for (let i = j; i < m; i++) store<f64>(v + ((<usize>(i - j)) << 3), load<f64>(a + ((<usize>(i * n + j)) << 3)));
    store<f64>(v, load<f64>(v) - alpha);
    let vv: f64 = 0;
    for (let i = 0; i < len; i++) {
      const x = load<f64>(v + ((<usize>i) << 3));
      vv += x * x;
    }
    if (vv > 0) {
      for (let c = j; c < n; c++) {
        let s: f64 = 0;
        for (let i = j; i < m; i++) s += load<f64>(v + ((<usize>(i - j)) << 3)) * load<f64>(a + ((<usize>(i * n + c)) << 3));
        const f = (2 * s) / vv;
        for (let i = j; i < m; i++) {
          const p = a + ((<usize>(i * n + c)) << 3);
          store<f64>(p, load<f64>(p) - f * load<f64>(v + ((<usize>(i - j)) << 3)));
        }
      }
    }
    // R_jj is alpha after the reflection (or x0 when the column was already zero below the diagonal).
    const rjj = vv > 0 ? alpha : x0;
    store<f64>(signs + ((<usize>j) << 3), rjj < 0 ? -1.0 : 1.0);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  memory.fill(q, 0, (<usize>m * <usize>n) << 3);
  for (let j = 0; j < n; j++) store<f64>(q + ((<usize>(j * n + j)) << 3), 1.0);
  for (let j = n - 1; j >= 0; j--) {
    const v = vs + ((<usize>(j * m)) << 3);
    const len = m - j;
    let vv: f64 = 0;
    for (let i = 0; i < len; i++) {
      const x = load<f64>(v + ((<usize>i) << 3));
      vv += x * x;
    }
    if (vv == 0) continue;
    for (let c = 0; c < n; c++) {
      let s: f64 = 0;
      for (let i = j; i < m; i++) s += load<f64>(v + ((<usize>(i - j)) << 3)) * load<f64>(q + ((<usize>(i * n + c)) << 3));
      const f = (2 * s) / vv;
      for (let i = j; i < m; i++) {
        const p = q + ((<usize>(i * n + c)) << 3);
        store<f64>(p, load<f64>(p) - f * load<f64>(v + ((<usize>(i - j)) << 3)));
      }
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const p = q + ((<usize>(i * n + j)) << 3);
      const qij = load<f64>(p) * load<f64>(signs + ((<usize>j) << 3));
      const at = rows >= cols ? i * cols + j : j * cols + i;
      store<f64>(w + ((<usize>at) << 3), gain * qij);
    }
  }
}
