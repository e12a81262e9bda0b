/**
 * Plain-TypeScript twins of assembly/nn/dense.ts, for tests and benchmarks:
 * the loops a careful TypeScript author would write (rows of W read
 * contiguously), in double arithmetic over typed arrays.
 */

/** y[r, o] = b[o] + sum_i x[r, i] w[i, o]. */
export function denseForwardTwin(
  x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, y: Float32Array | Float64Array,
  batch: number, nIn: number, nOut: number,
): void {
  for (let r = 0; r < batch; r++) {
    const yr = r * nOut;
    for (let o = 0; o < nOut; o++) y[yr + o] = b[o];
    for (let i = 0; i < nIn; i++) {
      const xi = x[r * nIn + i];
      const wi = i * nOut;
      for (let o = 0; o < nOut; o++) y[yr + o] += xi * w[wi + o];
    }
  }
}

/** dx[r, i] = sum_o dy[r, o] w[i, o]. */
export function denseBackwardInputTwin(
  dy: ArrayLike<number>, w: ArrayLike<number>, dx: Float32Array | Float64Array,
  batch: number, nIn: number, nOut: number,
): void {
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < nIn; i++) {
      let s = 0;
      for (let o = 0; o < nOut; o++) s += dy[r * nOut + o] * w[i * nOut + o];
      dx[r * nIn + i] = s;
    }
  }
}

/** dw[i, o] (+)= sum_r x[r, i] dy[r, o], db[o] (+)= sum_r dy[r, o]. */
export function denseBackwardParamsTwin(
  x: ArrayLike<number>, dy: ArrayLike<number>, dw: Float32Array | Float64Array, db: Float32Array | Float64Array,
  batch: number, nIn: number, nOut: number, accumulate = false,
): void {
  if (!accumulate) {
    dw.fill(0, 0, nIn * nOut);
    db.fill(0, 0, nOut);
  }
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < nIn; i++) {
      const xi = x[r * nIn + i];
      const wi = i * nOut;
      for (let o = 0; o < nOut; o++) dw[wi + o] += xi * dy[r * nOut + o];
    }
    for (let o = 0; o < nOut; o++) db[o] += dy[r * nOut + o];
  }
}

/** y[r, o] = tanh(b[o] + sum_i x[r, i] w[i, o]). */
export function denseTanhForwardTwin(
  x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, y: Float32Array | Float64Array,
  batch: number, nIn: number, nOut: number,
): void {
  denseForwardTwin(x, w, b, y, batch, nIn, nOut);
  for (let i = 0; i < batch * nOut; i++) y[i] = Math.tanh(y[i]);
}
