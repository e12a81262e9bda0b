/** Plain-TypeScript twins of assembly/linalg/matvec.ts, for tests and benchmarks. */

/** y <- alpha M x + beta y, M rows×cols row-major; each row summed left to right. */
export function matvecTwin(m: Float64Array, rows: number, cols: number, x: Float64Array, y: Float64Array,
  alpha = 1, beta = 0): Float64Array {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const r = i * cols;
    for (let j = 0; j < cols; j++) s += m[r + j] * x[j];
    y[i] = beta === 0 ? alpha * s : alpha * s + beta * y[i];
  }
  return y;
}

/** y <- alpha M^T x + beta y: y <- beta y, then y <- y + (alpha x_i) M[i][.] for i in order. */
export function matvecTransposedTwin(m: Float64Array, rows: number, cols: number, x: Float64Array, y: Float64Array,
  alpha = 1, beta = 0): Float64Array {
  if (beta === 0) y.fill(0, 0, cols);
  else if (beta !== 1) for (let j = 0; j < cols; j++) y[j] = beta * y[j];
  for (let i = 0; i < rows; i++) {
    const c = alpha * x[i];
    const r = i * cols;
    for (let j = 0; j < cols; j++) y[j] += c * m[r + j];
  }
  return y;
}
