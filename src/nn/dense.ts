/**
 * Dense (fully connected) layer on f32 data in WebAssembly memory, as blocked
 * SIMD GEMM (kernels in assembly/nn/dense.ts). Row-major layout:
 * X batch x nIn, W nIn x nOut (the layout JAX/Flax use; torch stores W^T),
 * b nOut, Y batch x nOut.
 *
 *   forward   Y = X W + b
 *   backward  dX = dY W^T,  dW = X^T dY,  db = sum over rows of dY
 *
 * These wrappers check shapes; `Mlp` calls the kernels directly after checking
 * once.
 */
import { kernels } from "../wasm/module.js";
import { f32Block, scratch } from "../wasm/arena.js";
import { checkCount, checkDisjoint, checkRef, type F32Ref } from "./tensor.js";

function checkShape(batch: number, nIn: number, nOut: number): void {
  checkCount("batch", batch);
  checkCount("nIn", nIn);
  checkCount("nOut", nOut);
}

/**
 * Y = X W + b: y[r, o] = b[o] + sum_{i < nIn} x[r, i] w[i, o] for r < batch, o < nOut.
 * `y` must not overlap `x`.
 */
export function denseForward(x: F32Ref, w: F32Ref, b: F32Ref, y: F32Ref, batch: number, nIn: number, nOut: number): void {
  checkShape(batch, nIn, nOut);
  checkRef("x", x, "f32", batch * nIn);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("b", b, "f32", nOut);
  checkRef("y", y, "f32", batch * nOut);
  checkDisjoint("y", y, batch * nOut, "x", x, batch * nIn);
  kernels().nnDenseForwardSimd(x.ptr, w.ptr, b.ptr, y.ptr, batch, nIn, nOut);
}

/**
 * Y = tanh(X W + b) in one pass (tanh applied to each register tile before it
 * is stored): bit for bit denseForward followed by tanhForward. `y` must not overlap `x`.
 */
export function denseTanhForward(x: F32Ref, w: F32Ref, b: F32Ref, y: F32Ref, batch: number, nIn: number, nOut: number): void {
  checkShape(batch, nIn, nOut);
  checkRef("x", x, "f32", batch * nIn);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("b", b, "f32", nOut);
  checkRef("y", y, "f32", batch * nOut);
  checkDisjoint("y", y, batch * nOut, "x", x, batch * nIn);
  kernels().nnDenseTanhForwardSimd(x.ptr, w.ptr, b.ptr, y.ptr, batch, nIn, nOut);
}

/**
 * dX = dY W^T: dx[r, i] = sum_{o < nOut} dy[r, o] w[i, o]. `wt` is scratch for
 * W^T (nIn * nOut f32; taken from the arena for this call when omitted).
 */
export function denseBackwardInput(
  dy: F32Ref, w: F32Ref, dx: F32Ref, batch: number, nIn: number, nOut: number, wt?: F32Ref,
): void {
  checkShape(batch, nIn, nOut);
  checkRef("dy", dy, "f32", batch * nOut);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("dx", dx, "f32", batch * nIn);
  checkDisjoint("dx", dx, batch * nIn, "dy", dy, batch * nOut);
  if (wt) {
    checkRef("wt", wt, "f32", nIn * nOut);
    kernels().nnDenseBackwardInputSimd(dy.ptr, w.ptr, wt.ptr, dx.ptr, batch, nIn, nOut);
    return;
  }
  scratch((take) => {
    const t = take(f32Block(nIn * nOut));
    kernels().nnDenseBackwardInputSimd(dy.ptr, w.ptr, t.ptr, dx.ptr, batch, nIn, nOut);
  });
}

/**
 * dW = X^T dY and db = column sums of dY: dw[i, o] = sum_{r < batch} x[r, i] dy[r, o],
 * db[o] = sum_r dy[r, o]; added to dw and db when `accumulate`.
 */
export function denseBackwardParams(
  x: F32Ref, dy: F32Ref, dw: F32Ref, db: F32Ref, batch: number, nIn: number, nOut: number, accumulate = false,
): void {
  checkShape(batch, nIn, nOut);
  checkRef("x", x, "f32", batch * nIn);
  checkRef("dy", dy, "f32", batch * nOut);
  checkRef("dw", dw, "f32", nIn * nOut);
  checkRef("db", db, "f32", nOut);
  kernels().nnDenseBackwardParamsSimd(x.ptr, dy.ptr, dw.ptr, db.ptr, batch, nIn, nOut, accumulate ? 1 : 0);
}
