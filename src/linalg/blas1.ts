/**
 * Level-1 vector operations on WebAssembly blocks for the Krylov solvers (SIMD
 * kernels in assembly/linalg/blas1.ts; dot, axpy and normInf are in vector.ts).
 * Internal building blocks: they check only that n fits the blocks (the
 * solvers check values at their boundary). `n` defaults to the first block's length.
 */
import { kernels } from "../core/wasm.js";
import type { Block } from "../core/arena.js";
import { checkSpan } from "../core/validate.js";

/** x <- a x. */
export function scale(a: number, x: Block<"f64">, n = x.length): void {
  checkSpan("scale", n, x);
  kernels().blas1ScaleSimd(a, x.ptr, n);
}

/** y <- x. */
export function copy(x: Block<"f64">, y: Block<"f64">, n = x.length): void {
  checkSpan("copy", n, x, y);
  kernels().blas1CopySimd(x.ptr, y.ptr, n);
}

/** y <- a x + b y (y only written when b = 0). */
export function axpby(a: number, x: Block<"f64">, b: number, y: Block<"f64">, n = x.length): void {
  checkSpan("axpby", n, x, y);
  kernels().blas1AxpbySimd(a, x.ptr, b, y.ptr, n);
}

/** y <- y + a x, then returns dot(y, z) in the same pass. */
export function axpyDot(a: number, x: Block<"f64">, y: Block<"f64">, z: Block<"f64">, n = x.length): number {
  checkSpan("axpyDot", n, x, y, z);
  return kernels().blas1AxpyDotSimd(a, x.ptr, y.ptr, z.ptr, n);
}

/** z <- z + a x + b y. */
export function axpy2(a: number, x: Block<"f64">, b: number, y: Block<"f64">, z: Block<"f64">, n = x.length): void {
  checkSpan("axpy2", n, x, y, z);
  kernels().blas1Axpy2Simd(a, x.ptr, b, y.ptr, z.ptr, n);
}

/** p <- r + beta (p - omega v), BiCGSTAB's direction update. */
export function direction(r: Block<"f64">, v: Block<"f64">, p: Block<"f64">, beta: number, omega: number, n = r.length): void {
  checkSpan("direction", n, r, v, p);
  kernels().blas1DirectionSimd(r.ptr, v.ptr, p.ptr, beta, omega, n);
}

/** [dot(x, y), dot(x, z)] in one pass over x; `out` is a 2-entry f64 block. */
export function dot2(x: Block<"f64">, y: Block<"f64">, z: Block<"f64">, out: Block<"f64">, n = x.length): [number, number] {
  checkSpan("dot2", n, x, y, z);
  checkSpan("dot2", 2, out);
  kernels().blas1Dot2Simd(x.ptr, y.ptr, z.ptr, out.ptr, n);
  const v = out.view;
  return [v[0], v[1]];
}

/** max_i |x_i| when every x_i is finite, NaN otherwise (one pass). */
export function normInfChecked(x: Block<"f64">, n = x.length): number {
  checkSpan("normInfChecked", n, x);
  return kernels().blas1NormInfCheckedSimd(x.ptr, n);
}

/** Squares in (2^-480, 2^480) cannot overflow or lose all precision in the fast sum sqrt(x.x). */
const SAFE_LOW = 2 ** -480;
const SAFE_HIGH = 2 ** 480;

/**
 * The Euclidean norm |x|_2 = sqrt(sum_i x_i^2) without overflow or
 * underflow: the one-pass sqrt(x.x) when it is safe, else the sum of
 * squares of x 2^-e with 2^e about max|x_i| (two passes), as LAPACK's dnrm2 guards it.
 */
export function nrm2(x: Block<"f64">, n = x.length): number {
  checkSpan("nrm2", n, x);
  const k = kernels();
  const ss = k.dotSimd(x.ptr, x.ptr, n);
  if (ss > SAFE_LOW && ss < SAFE_HIGH) return Math.sqrt(ss);
  const m = k.blas1NormInfCheckedSimd(x.ptr, n);
  if (m === 0 || !Number.isFinite(m)) return m;
  // Scale by a power of two (exact) near 1/m, clamped so that the scale itself stays finite.
  const e = Math.min(1023, Math.max(-1000, Math.floor(Math.log2(m))));
  return Math.sqrt(k.blas1SumSquaresScaledSimd(x.ptr, n, 2 ** -e)) * 2 ** e;
}
