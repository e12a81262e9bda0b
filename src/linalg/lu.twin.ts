/**
 * Plain-TypeScript twins of assembly/linalg/lu.ts: textbook unblocked
 * right-looking Gaussian elimination with partial pivoting (Golub & Van Loan,
 * Matrix Computations, Alg. 3.4.1), row-major, for tests and benchmarks.
 * Each entry receives the updates a <- a - l u in increasing pivot order, as in
 * the blocked kernel, so the factors agree with it bit for bit.
 */

/**
 * Factors the n×n row-major A in place, P A = L U; piv[j] = row swapped with
 * row j at step j. Returns -1, or the first column whose largest candidate
 * pivot is not above `threshold` (stopping there).
 */
export function luFactorTwin(a: Float64Array, n: number, piv: Int32Array, threshold = 0): number {
  for (let j = 0; j < n; j++) {
    let p = j;
    let best = Math.abs(a[j * n + j]);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[i * n + j]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > threshold)) return j;
    piv[j] = p;
    if (p !== j) {
      for (let c = 0; c < n; c++) {
        const t = a[j * n + c];
        a[j * n + c] = a[p * n + c];
        a[p * n + c] = t;
      }
    }
    const pivot = a[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const l = a[i * n + j] / pivot;
      a[i * n + j] = l;
      for (let c = j + 1; c < n; c++) a[i * n + c] -= l * a[j * n + c];
    }
  }
  return -1;
}

/** b <- A^{-1} b from the factors: forward then backward substitution by rows. */
export function luSolveTwin(a: Float64Array, n: number, piv: Int32Array, b: Float64Array): Float64Array {
  for (let j = 0; j < n; j++) {
    const p = piv[j];
    const t = b[j];
    b[j] = b[p];
    b[p] = t;
  }
  for (let i = 1; i < n; i++) {
    let s = 0;
    for (let c = 0; c < i; c++) s += a[i * n + c] * b[c];
    b[i] -= s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = 0;
    for (let c = i + 1; c < n; c++) s += a[i * n + c] * b[c];
    b[i] = (b[i] - s) / a[i * n + i];
  }
  return b;
}

/** b <- A^{-T} b from the factors: U^T z = b, L^T w = z by row updates, then undo the swaps. */
export function luSolveTransposedTwin(a: Float64Array, n: number, piv: Int32Array, b: Float64Array): Float64Array {
  for (let j = 0; j < n; j++) {
    const x = b[j] / a[j * n + j];
    b[j] = x;
    for (let c = j + 1; c < n; c++) b[c] -= x * a[j * n + c];
  }
  for (let j = n - 1; j > 0; j--) {
    const x = b[j];
    for (let c = 0; c < j; c++) b[c] -= x * a[j * n + c];
  }
  for (let j = n - 1; j >= 0; j--) {
    const p = piv[j];
    const t = b[j];
    b[j] = b[p];
    b[p] = t;
  }
  return b;
}
