/** Plain-TypeScript twins of assembly/linalg/vector.ts, for tests and benchmarks. */

export function dotTwin(x: Float64Array, y: Float64Array, n = x.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

export function axpyTwin(a: number, x: Float64Array, y: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

export function normInfTwin(x: Float64Array, n = x.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
