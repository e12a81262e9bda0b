/** Plain-TypeScript twins of assembly/linalg/blas1.ts, for tests and benchmarks. */

export function scaleTwin(a: number, x: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) x[i] = a * x[i];
}

export function copyTwin(x: Float64Array, y: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] = x[i];
}

export function axpbyTwin(a: number, x: Float64Array, b: number, y: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] = b === 0 ? a * x[i] : a * x[i] + b * y[i];
}

export function axpyDotTwin(a: number, x: Float64Array, y: Float64Array, z: Float64Array, n = x.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    y[i] = y[i] + a * x[i];
    s += y[i] * z[i];
  }
  return s;
}

export function axpy2Twin(a: number, x: Float64Array, b: number, y: Float64Array, z: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) z[i] = z[i] + a * x[i] + b * y[i];
}

export function directionTwin(r: Float64Array, v: Float64Array, p: Float64Array, beta: number, omega: number, n = r.length): void {
  for (let i = 0; i < n; i++) p[i] = r[i] + beta * (p[i] - omega * v[i]);
}

export function dot2Twin(x: Float64Array, y: Float64Array, z: Float64Array, n = x.length): [number, number] {
  let sy = 0;
  let sz = 0;
  for (let i = 0; i < n; i++) {
    sy += x[i] * y[i];
    sz += x[i] * z[i];
  }
  return [sy, sz];
}

export function sumSquaresScaledTwin(x: Float64Array, s: number, n = x.length): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = s * x[i];
    sum += t * t;
  }
  return sum;
}

/** max_i |x_i| when every x_i is finite, NaN otherwise. */
export function normInfCheckedTwin(x: Float64Array, n = x.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) return Number.NaN;
    s = Math.max(s, Math.abs(x[i]));
  }
  return s;
}
