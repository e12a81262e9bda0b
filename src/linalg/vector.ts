/**
 * Level-1 vector operations on WebAssembly blocks (SIMD kernels in
 * assembly/linalg/vector.ts). Internal building blocks of the solvers.
 */
import { kernels } from "../core/wasm.js";
import type { Block } from "../core/arena.js";
import { checkSpan } from "../core/validate.js";

/** dot(x, y) = sum_i x[i] y[i] over the first n entries. */
export function dot(x: Block<"f64">, y: Block<"f64">, n = x.length): number {
  checkSpan("dot", n, x, y);
  return kernels().dotSimd(x.ptr, y.ptr, n);
}

/** y <- a x + y over the first n entries. */
export function axpy(a: number, x: Block<"f64">, y: Block<"f64">, n = x.length): void {
  checkSpan("axpy", n, x, y);
  kernels().axpySimd(a, x.ptr, y.ptr, n);
}

/** max_i |x[i]| over the first n entries. */
export function normInf(x: Block<"f64">, n = x.length): number {
  checkSpan("normInf", n, x);
  return kernels().normInfSimd(x.ptr, n);
}
