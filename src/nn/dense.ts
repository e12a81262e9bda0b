/**
 * Dense (fully connected) layer on f32 data in WebAssembly memory, as blocked
 * SIMD GEMM (kernels in assembly/nn/dense.ts). Row-major layout:
 * X batch x nIn, W nIn x nOut (the layout JAX/Flax use; torch stores W^T),
 * b nOut, Y batch x nOut.
 *
 *   forward   Y = X W + b
 *   backward  dX = dY W^T,  dW = X^T dY,  db = sum over rows of dY
 *
 * The kernels first pack X (forward) or dY (input gradient) into a 4-row
 * interleaved copy (`pack`, scratch of batch x nIn resp. batch x nOut f32)
 * that the GEMM's inner loop reads contiguously; the wrappers take it from the arena for
 * one call when it is not given. The input gradient can fold in the
 * derivative of the activation that produced the layer input.
 *
 * These wrappers check shapes; `Mlp` calls the kernels directly after checking
 * once.
 */
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { checkCount, checkDisjoint, checkRef, type F32Ref } from "./tensor.js";

/** Runs `fn` with a pack scratch pointer of n f32: `pack` when given (checked), else a block for this call. */
function withPack(pack: F32Ref | undefined, n: number, fn: (ptr: number) => void): void {
  if (pack) {
    checkRef("pack", pack, "f32", n);
    fn(pack.ptr);
    return;
  }
  scratch((take) => fn(take(f32Block(n)).ptr));
}

function checkShape(batch: number, nIn: number, nOut: number): void {
  checkCount("batch", batch);
  checkCount("nIn", nIn);
  checkCount("nOut", nOut);
}

/**
 * Y = X W + b: y[r, o] = b[o] + sum_{i < nIn} x[r, i] w[i, o] for r < batch, o < nOut.
 * `y` must not overlap `x`.
 */
export function denseForward(
  x: F32Ref, w: F32Ref, b: F32Ref, y: F32Ref, batch: number, nIn: number, nOut: number, pack?: F32Ref,
): void {
  checkShape(batch, nIn, nOut);
  checkRef("x", x, "f32", batch * nIn);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("b", b, "f32", nOut);
  checkRef("y", y, "f32", batch * nOut);
  checkDisjoint("y", y, batch * nOut, "x", x, batch * nIn);
  withPack(pack, batch * nIn, (p) => kernels().nnDenseForwardSimd(x.ptr, w.ptr, b.ptr, y.ptr, p, batch, nIn, nOut));
}

/**
 * Y = tanh(X W + b) in one pass (tanh applied to each register tile before it
 * is stored): bit for bit denseForward followed by tanhForward. `y` must not overlap `x`.
 */
export function denseTanhForward(
  x: F32Ref, w: F32Ref, b: F32Ref, y: F32Ref, batch: number, nIn: number, nOut: number, pack?: F32Ref,
): void {
  checkShape(batch, nIn, nOut);
  checkRef("x", x, "f32", batch * nIn);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("b", b, "f32", nOut);
  checkRef("y", y, "f32", batch * nOut);
  checkDisjoint("y", y, batch * nOut, "x", x, batch * nIn);
  withPack(pack, batch * nIn, (p) => kernels().nnDenseTanhForwardSimd(x.ptr, w.ptr, b.ptr, y.ptr, p, batch, nIn, nOut));
}

/** Scratch and the fused activation derivative of `denseBackwardInput`. */
export interface DenseBackwardInputOptions {
  /** Scratch for W^T (nIn * nOut f32). */
  wt?: F32Ref;
  /** Scratch for dY packed (batch * nOut f32). */
  pack?: F32Ref;
  /**
   * The activation that produced the layer input and its output H (batch x nIn):
   * dX is multiplied by its derivative, 1 - H^2 (tanh) or [H > 0] (relu).
   */
  activation?: { kind: "tanh" | "relu"; output: F32Ref };
}

/**
 * dX = dY W^T: dx[r, i] = sum_{o < nOut} dy[r, o] w[i, o], times the input
 * activation's derivative with `options.activation` (bit for bit the
 * unfused tanhBackward / reluBackward after it). `dx` must not overlap `dy`
 * or the activation output.
 */
export function denseBackwardInput(
  dy: F32Ref, w: F32Ref, dx: F32Ref, batch: number, nIn: number, nOut: number, options: DenseBackwardInputOptions = {},
): void {
  checkShape(batch, nIn, nOut);
  checkRef("dy", dy, "f32", batch * nOut);
  checkRef("w", w, "f32", nIn * nOut);
  checkRef("dx", dx, "f32", batch * nIn);
  checkDisjoint("dx", dx, batch * nIn, "dy", dy, batch * nOut);
  const act = options.activation;
  let code = 0;
  let h = 0;
  if (act) {
    if (act.kind !== "tanh" && act.kind !== "relu") throw new ValidationError("activation.kind", "must be \"tanh\" or \"relu\"", act.kind);
    checkRef("activation.output", act.output, "f32", batch * nIn);
    checkDisjoint("dx", dx, batch * nIn, "activation.output", act.output, batch * nIn);
    code = act.kind === "tanh" ? 1 : 2;
    h = act.output.ptr;
  }
  const { wt, pack } = options;
  if (wt) checkRef("wt", wt, "f32", nIn * nOut);
  scratch((take) => {
    const t = wt ?? take(f32Block(nIn * nOut));
    withPack(pack, batch * nOut, (p) => kernels().nnDenseBackwardInputSimd(dy.ptr, w.ptr, h, code, t.ptr, p, dx.ptr, batch, nIn, nOut));
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
