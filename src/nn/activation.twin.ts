/** Plain-TypeScript twins of assembly/nn/activation.ts (double arithmetic, Math.tanh). */

export function tanhForwardTwin(x: ArrayLike<number>, y: Float32Array | Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
}

export function tanhBackwardTwin(
  y: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array | Float64Array, n = y.length,
): void {
  for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
}

export function reluForwardTwin(x: ArrayLike<number>, y: Float32Array | Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] = x[i] <= 0 ? 0 : x[i];
}

export function reluBackwardTwin(
  y: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array | Float64Array, n = y.length,
): void {
  for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
