/**
 * Elementwise activations on f32 data in WebAssembly memory (kernels in
 * assembly/nn/activation.ts). Backward passes take the forward output y:
 * tanh'(x) = 1 - y^2, relu'(x) = [y > 0]. In-place use (y = x, dx = dy) is allowed.
 *
 * tanh is our own f32 rational approximation x P(x^2) / Q(x^2) (degree 4 over
 * 4, fitted for relative error, x clamped to +-7.905): within 3.3e-7 relative
 * of Math.tanh, odd, |tanh| < 1, saturating at 0.99999976.
 */
import { kernels } from "../core/wasm.js";
import { checkCount, checkRef, type F32Ref } from "./tensor.js";

/** The activations an `Mlp` can use between layers. */
export type Activation = "tanh" | "relu";

export const ACTIVATIONS: readonly Activation[] = ["tanh", "relu"];

function check(n: number, refs: [string, F32Ref][]): void {
  checkCount("n", n);
  for (const [field, ref] of refs) checkRef(field, ref, "f32", n);
}

/** y[i] = tanh(x[i]) for i < n. */
export function tanhForward(x: F32Ref, y: F32Ref, n: number): void {
  check(n, [["x", x], ["y", y]]);
  kernels().nnTanhForwardSimd(x.ptr, y.ptr, n);
}

/** dx[i] = dy[i] (1 - y[i]^2) for i < n, y = tanh(x). */
export function tanhBackward(y: F32Ref, dy: F32Ref, dx: F32Ref, n: number): void {
  check(n, [["y", y], ["dy", dy], ["dx", dx]]);
  kernels().nnTanhBackwardSimd(y.ptr, dy.ptr, dx.ptr, n);
}

/** y[i] = max(x[i], 0) for i < n (NaN stays NaN). */
export function reluForward(x: F32Ref, y: F32Ref, n: number): void {
  check(n, [["x", x], ["y", y]]);
  kernels().nnReluForwardSimd(x.ptr, y.ptr, n);
}

/** dx[i] = dy[i] [y[i] > 0] for i < n, y = relu(x). */
export function reluBackward(y: F32Ref, dy: F32Ref, dx: F32Ref, n: number): void {
  check(n, [["y", y], ["dy", dy], ["dx", dx]]);
  kernels().nnReluBackwardSimd(y.ptr, dy.ptr, dx.ptr, n);
}
