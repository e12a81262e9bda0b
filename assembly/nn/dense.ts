// Dense (fully connected) layer kernels over f32, row-major:
//   forward  Y = X W + b                       X: batch x nIn, W: nIn x nOut, b: nOut, Y: batch x nOut
//   backward dX = dY W^T, dW = X^T dY, db = sum_rows dY
// The three products are one blocked GEMM (assembly/nn/gemm.ts: 2 x 16 tiles,
// or 4 x 8 when the vector columns are not a multiple of 16) with the A
// operand read 2- (4-) interleaved: X and dY are first packed into `pack` (scratch
// of batch x nIn, resp. batch x nOut, f32), X^T is read in place. At
// 256 x 64 x 64 the packing takes ~1.4 us and the product runs at ~45-47
// instead of ~35 GFLOP/s (Zen 4, Node 20).
// The input gradient can carry the previous layer's activation derivative
// (act 1: times 1 - H^2 for tanh, act 2: times [H > 0] for relu, H that
// layer's output), which saves a pass over the hidden activations.
//
// Every C element is summed over k in increasing order, as in the scalar
// twins, so SIMD and scalar agree to the last bit except in the at most three
// columns left after the last full vector, where forward and dX use a dot
// product along k (four partial sums) for speed.
//
// Pointers are byte addresses of f32 arrays; sizes are element counts >= 0.

import { FIN_NONE, FIN_RELU_GRAD, FIN_TANH_GRAD, INIT_BIAS, INIT_C, INIT_ZERO, finScalar, gemm, gemm4, gemmNarrowDot, gemmTinyK, pack2Rows, pack4Rows, transpose } from "./gemm";
import { gather4, scatter4 } from "./lanes";
import { tanhArrayF32, tanhF32 } from "./mathf32";

/**
 * k-panel depth of dW = X^T dY (k runs over the batch) for narrow layers
 * (nIn + vector columns <= DW_KC_WIDTH). X and dY rows are read with a
 * stride of a whole row, so one k panel touches KC rows of both; at KC = 256
 * that is 128 KB for 64-wide layers, streamed from L2 for every tile. At 32
 * the two panels (16 KB) stay in L1 while the tiles sweep them: 256 x 64 x 64
 * 56 -> 50 us (4 x 8 tiles; 47 us with 2 x 16). Partial sums are stored and
 * reloaded in f32, so every element is still summed in increasing r.
 * 256 x 128 x 128 (width 256) 231 -> 201 us; wider layers keep KC = 256
 * (256 x 256 x 256: 970 us at 256, 1050 at 32).
 */
const DW_KC = 32;
const DW_KC_WIDTH = 256;

/** Y = X W + b over all columns: packed GEMM on the vector columns, dot products on the rest. */
// @ts-ignore: decorator
@inline function denseForward(x: usize, w: usize, b: usize, y: usize, pack: usize, batch: i32, nIn: i32, nOut: i32): void {
  const NV = nOut & ~3;
  if (NV > 0) {
    const rowX = <usize>nIn << 2;
    if ((NV & 15) == 0) {
      pack2Rows(x, pack, batch, nIn);
      gemm(pack, rowX << 1, 8, x, rowX, 4, w, <usize>nOut << 2, y, <usize>nOut << 2, b, INIT_BIAS, 0, FIN_NONE, batch, NV, nIn);
    } else {
      pack4Rows(x, pack, batch, nIn);
      gemm4(pack, rowX << 2, 16, x, rowX, 4, w, <usize>nOut << 2, y, <usize>nOut << 2, b, INIT_BIAS, 0, FIN_NONE, batch, NV, nIn);
    }
  }
  if (NV < nOut) {
    const narrow = nOut - NV;
    if (batch >= narrow) {
      // The (at most 3) narrow columns of W, transposed into the pack scratch
      // (free again, and large enough), are read as contiguous vectors along k.
      const wn = pack;
      for (let i = 0; i < nIn; i++) {
        for (let n = 0; n < narrow; n++) {
          store<f32>(wn + ((<usize>n * <usize>nIn + <usize>i) << 2), load<f32>(w + ((<usize>i * <usize>nOut + <usize>(NV + n)) << 2)));
        }
      }
      gemmNarrowDot(x, nIn, wn - ((<usize>NV * <usize>nIn) << 2), 1, nIn, y, nOut, b, INIT_BIAS, 0, FIN_NONE, batch, NV, nOut, nIn);
    } else {
      gemmNarrowDot(x, nIn, w, nOut, 1, y, nOut, b, INIT_BIAS, 0, FIN_NONE, batch, NV, nOut, nIn);
    }
  }
}

/**
 * Dense layer forward, Y = X W + b: Y[r, o] = b[o] + sum_{i < nIn} X[r, i] W[i, o].
 * x: batch x nIn, w: nIn x nOut, b: nOut, y: batch x nOut (must not overlap x),
 * pack: scratch of batch * nIn f32 (receives X packed, then W's narrow columns transposed).
 */
export function nnDenseForwardSimd(x: usize, w: usize, b: usize, y: usize, pack: usize, batch: i32, nIn: i32, nOut: i32): void {
  denseForward(x, w, b, y, pack, batch, nIn, nOut);
}

/** Dense layer forward, scalar twin (pack unused): Y[r, o] = b[o] + sum_i X[r, i] W[i, o], i increasing. */
export function nnDenseForwardScalar(x: usize, w: usize, b: usize, y: usize, pack: usize, batch: i32, nIn: i32, nOut: i32): void {
  for (let r = 0; r < batch; r++) {
    const xr = x + ((<usize>r * <usize>nIn) << 2);
    const yr = y + ((<usize>r * <usize>nOut) << 2);
    for (let o = 0; o < nOut; o++) {
      let s = load<f32>(b + (<usize>o << 2));
      for (let i = 0; i < nIn; i++) {
        s += load<f32>(xr + (<usize>i << 2)) * load<f32>(w + ((<usize>i * <usize>nOut + <usize>o) << 2));
      }
      store<f32>(yr + (<usize>o << 2), s);
    }
  }
}

/**
 * Dense layer and tanh in one call, Y = tanh(X W + b):
 * Y[r, o] = tanh(b[o] + sum_{i < nIn} X[r, i] W[i, o]), bit for bit
 * nnDenseForwardSimd followed by nnTanhForwardSimd. (tanh in the GEMM's tile
 * epilogue was slower: eight tanh at once exhaust the registers and reload
 * every constant; the separate in-place pass keeps them loaded.)
 * Shapes and pack as nnDenseForwardSimd.
 */
export function nnDenseTanhForwardSimd(x: usize, w: usize, b: usize, y: usize, pack: usize, batch: i32, nIn: i32, nOut: i32): void {
  denseForward(x, w, b, y, pack, batch, nIn, nOut);
  tanhArrayF32(y, y, batch * nOut);
}

/** Y = tanh(X W + b), scalar twin (pack unused): the sum over i increasing, then tanhF32. */
export function nnDenseTanhForwardScalar(x: usize, w: usize, b: usize, y: usize, pack: usize, batch: i32, nIn: i32, nOut: i32): void {
  for (let r = 0; r < batch; r++) {
    const xr = x + ((<usize>r * <usize>nIn) << 2);
    const yr = y + ((<usize>r * <usize>nOut) << 2);
    for (let o = 0; o < nOut; o++) {
      let s = load<f32>(b + (<usize>o << 2));
      for (let i = 0; i < nIn; i++) {
        s += load<f32>(xr + (<usize>i << 2)) * load<f32>(w + ((<usize>i * <usize>nOut + <usize>o) << 2));
      }
      store<f32>(yr + (<usize>o << 2), tanhF32(s));
    }
  }
}

/** dX = fin(dY W^T) for one finish `fin` (a compile-time constant after inlining). */
// @ts-ignore: decorator
@inline function denseBackwardInput(
  dy: usize, w: usize, h: usize, wt: usize, pack: usize, dx: usize, batch: i32, nIn: i32, nOut: i32, fin: i32,
): void {
  const NV = nIn & ~3;
  if (NV > 0) {
    transpose(w, wt, nIn, nOut);
    const rowDy = <usize>nOut << 2;
    const ldw = <usize>nIn << 2;
    // nOut < 4 (the policy and value heads): B = W^T is 1-3 rows, held in
    // registers while dY's rows stream past (gemmTinyK; 256 x 64 -> 2 with
    // the tanh finish 4.4 -> 3.0 us, bit-identical).
    if (nOut == 2) {
      gemmTinyK(2, fin, dy, wt, ldw, dx, ldw, h, batch, NV);
    } else if (nOut == 1) {
      gemmTinyK(1, fin, dy, wt, ldw, dx, ldw, h, batch, NV);
    } else if (nOut == 3) {
      gemmTinyK(3, fin, dy, wt, ldw, dx, ldw, h, batch, NV);
    } else if ((NV & 15) == 0) {
      pack2Rows(dy, pack, batch, nOut);
      gemm(pack, rowDy << 1, 8, dy, rowDy, 4, wt, <usize>nIn << 2, dx, <usize>nIn << 2, 0, INIT_ZERO, h, fin, batch, NV, nOut);
    } else {
      pack4Rows(dy, pack, batch, nOut);
      gemm4(pack, rowDy << 2, 16, dy, rowDy, 4, wt, <usize>nIn << 2, dx, <usize>nIn << 2, 0, INIT_ZERO, h, fin, batch, NV, nOut);
    }
  }
  // Columns i >= NV: W's row i is contiguous along the sum, no gather needed.
  if (NV < nIn) gemmNarrowDot(dy, nOut, w, 1, nOut, dx, nIn, 0, INIT_ZERO, h, fin, batch, NV, nIn, nOut);
}

/**
 * Gradient of the layer input, dX = dY W^T: dX[r, i] = sum_{o < nOut} dY[r, o] W[i, o],
 * times the derivative of the activation that produced the input when act != 0:
 * act 1 (tanh): dX[r, i] (1 - H[r, i]^2); act 2 (relu): dX[r, i] [H[r, i] > 0]
 * (bit for bit this kernel with act 0 followed by nnTanhBackwardSimd or nnReluBackwardSimd).
 * dy: batch x nOut, w: nIn x nOut, h: batch x nIn (read when act != 0),
 * wt: scratch of nIn * nOut f32 (receives W^T), pack: scratch of batch * nOut f32,
 * dx: batch x nIn (must not overlap dy or h: a long sum stores partial sums in dx).
 */
export function nnDenseBackwardInputSimd(
  dy: usize, w: usize, h: usize, act: i32, wt: usize, pack: usize, dx: usize, batch: i32, nIn: i32, nOut: i32,
): void {
  if (act == 1) denseBackwardInput(dy, w, h, wt, pack, dx, batch, nIn, nOut, FIN_TANH_GRAD);
  else if (act == 2) denseBackwardInput(dy, w, h, wt, pack, dx, batch, nIn, nOut, FIN_RELU_GRAD);
  else denseBackwardInput(dy, w, h, wt, pack, dx, batch, nIn, nOut, FIN_NONE);
}

/**
 * dX = dY W^T (times the activation derivative for act 1 or 2), scalar twin (wt and pack unused):
 * dX[r, i] = sum_o dY[r, o] W[i, o], o increasing, then the derivative as nnTanhBackwardScalar / nnReluBackwardScalar.
 */
export function nnDenseBackwardInputScalar(
  dy: usize, w: usize, h: usize, act: i32, wt: usize, pack: usize, dx: usize, batch: i32, nIn: i32, nOut: i32,
): void {
  const fin = act == 1 ? FIN_TANH_GRAD : act == 2 ? FIN_RELU_GRAD : FIN_NONE;
  for (let r = 0; r < batch; r++) {
    const dyr = dy + ((<usize>r * <usize>nOut) << 2);
    const off = (<usize>r * <usize>nIn) << 2;
    for (let i = 0; i < nIn; i++) {
      const wi = w + ((<usize>i * <usize>nOut) << 2);
      let s: f32 = 0;
      for (let o = 0; o < nOut; o++) s += load<f32>(dyr + (<usize>o << 2)) * load<f32>(wi + (<usize>o << 2));
      const p = off + (<usize>i << 2);
      store<f32>(dx + p, finScalar(fin, s, h + p));
    }
  }
}

/**
 * Gradients of the layer parameters: dW = X^T dY, db = sum_r dY[r, :]
 * (dW[i, o] = sum_{r < batch} X[r, i] dY[r, o], r increasing). With
 * accumulate != 0 the sums are added to dw and db instead of overwriting them.
 * x: batch x nIn, dy: batch x nOut, dw: nIn x nOut, db: nOut.
 */
export function nnDenseBackwardParamsSimd(
  x: usize, dy: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32, accumulate: i32,
): void {
  const NV = nOut & ~3;
  // A = X^T: A(i, r) = X[r, i]; consecutive i are adjacent, so X is already 2- (and 4-) interleaved.
  const rowX = <usize>nIn << 2;
  const ldy = <usize>nOut << 2;
  const kc = nIn + NV <= DW_KC_WIDTH ? DW_KC : 256;
  if ((NV & 15) == 0) {
    if (accumulate) gemm(x, 8, rowX, x, 4, rowX, dy, ldy, dw, ldy, 0, INIT_C, 0, FIN_NONE, nIn, NV, batch, kc);
    else gemm(x, 8, rowX, x, 4, rowX, dy, ldy, dw, ldy, 0, INIT_ZERO, 0, FIN_NONE, nIn, NV, batch, kc);
  } else if (accumulate) {
    gemm4(x, 16, rowX, x, 4, rowX, dy, ldy, dw, ldy, 0, INIT_C, 0, FIN_NONE, nIn, NV, batch, kc);
  } else {
    gemm4(x, 16, rowX, x, 4, rowX, dy, ldy, dw, ldy, 0, INIT_ZERO, 0, FIN_NONE, nIn, NV, batch, kc);
  }
  if (NV < nOut) {
    // Narrow columns: vectors run down the rows of dW (along i), where X is
    // contiguous; four vectors (16 i) per pass over the rows.
    const I4 = nIn & ~3;
    const I16 = nIn & ~15;
    for (let o = NV; o < nOut; o++) {
      let i = 0;
      for (; i < I16; i += 16) {
        let acc0 = f32x4.splat(0);
        let acc1 = f32x4.splat(0);
        let acc2 = f32x4.splat(0);
        let acc3 = f32x4.splat(0);
        if (accumulate) {
          acc0 = gather4(dw + ((<usize>i * <usize>nOut + <usize>o) << 2), ldy);
          acc1 = gather4(dw + (((<usize>i + 4) * <usize>nOut + <usize>o) << 2), ldy);
          acc2 = gather4(dw + (((<usize>i + 8) * <usize>nOut + <usize>o) << 2), ldy);
          acc3 = gather4(dw + (((<usize>i + 12) * <usize>nOut + <usize>o) << 2), ldy);
        }
        let px = x + (<usize>i << 2);
        let pd = dy + (<usize>o << 2);
        const end = pd + <usize>batch * ldy;
        while (pd < end) {
          const d = v128.load32_splat(pd);
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(px), d));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(px, 16), d));
          acc2 = f32x4.add(acc2, f32x4.mul(v128.load(px, 32), d));
          acc3 = f32x4.add(acc3, f32x4.mul(v128.load(px, 48), d));
          px += rowX;
          pd += ldy;
        }
        scatter4(dw + ((<usize>i * <usize>nOut + <usize>o) << 2), ldy, acc0);
        scatter4(dw + (((<usize>i + 4) * <usize>nOut + <usize>o) << 2), ldy, acc1);
        scatter4(dw + (((<usize>i + 8) * <usize>nOut + <usize>o) << 2), ldy, acc2);
        scatter4(dw + (((<usize>i + 12) * <usize>nOut + <usize>o) << 2), ldy, acc3);
      }
      for (; i < I4; i += 4) {
        let acc = f32x4.splat(0);
        if (accumulate) acc = gather4(dw + ((<usize>i * <usize>nOut + <usize>o) << 2), ldy);
        let px = x + (<usize>i << 2);
        let pd = dy + (<usize>o << 2);
        for (let r = 0; r < batch; r++) {
          acc = f32x4.add(acc, f32x4.mul(v128.load(px), v128.load32_splat(pd)));
          px += rowX;
          pd += ldy;
        }
        scatter4(dw + ((<usize>i * <usize>nOut + <usize>o) << 2), ldy, acc);
      }
      for (; i < nIn; i++) {
        const p = dw + ((<usize>i * <usize>nOut + <usize>o) << 2);
        let s: f32 = accumulate ? load<f32>(p) : 0;
        for (let r = 0; r < batch; r++) {
          s += load<f32>(x + ((<usize>r * <usize>nIn + <usize>i) << 2)) * load<f32>(dy + ((<usize>r * <usize>nOut + <usize>o) << 2));
        }
        store<f32>(p, s);
      }
    }
  }
  // db: column sums of dY, rows in increasing order; four vectors (16
  // columns) per pass, so that four independent addition chains hide the
  // latency of each.
  let o = 0;
  for (; o + 16 <= nOut; o += 16) {
    const off = <usize>o << 2;
    let acc0 = accumulate ? v128.load(db + off) : f32x4.splat(0);
    let acc1 = accumulate ? v128.load(db + off, 16) : f32x4.splat(0);
    let acc2 = accumulate ? v128.load(db + off, 32) : f32x4.splat(0);
    let acc3 = accumulate ? v128.load(db + off, 48) : f32x4.splat(0);
    let pd = dy + off;
    const end = pd + <usize>batch * ldy;
    while (pd < end) {
      acc0 = f32x4.add(acc0, v128.load(pd));
      acc1 = f32x4.add(acc1, v128.load(pd, 16));
      acc2 = f32x4.add(acc2, v128.load(pd, 32));
      acc3 = f32x4.add(acc3, v128.load(pd, 48));
      pd += ldy;
    }
    v128.store(db + off, acc0);
    v128.store(db + off, acc1, 16);
    v128.store(db + off, acc2, 32);
    v128.store(db + off, acc3, 48);
  }
  for (; o + 4 <= nOut; o += 4) {
    const off = <usize>o << 2;
    let acc = accumulate ? v128.load(db + off) : f32x4.splat(0);
    let pd = dy + off;
    for (let r = 0; r < batch; r++) {
      acc = f32x4.add(acc, v128.load(pd));
      pd += ldy;
    }
    v128.store(db + off, acc);
  }
  for (; o < nOut; o++) {
    const off = <usize>o << 2;
    let s: f32 = accumulate ? load<f32>(db + off) : 0;
    for (let r = 0; r < batch; r++) s += load<f32>(dy + ((<usize>r * <usize>nOut) << 2) + off);
    store<f32>(db + off, s);
  }
}

/** dW = X^T dY and db = sum_r dY[r, :], scalar twin (r increasing). */
export function nnDenseBackwardParamsScalar(
  x: usize, dy: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32, accumulate: i32,
): void {
  for (let i = 0; i < nIn; i++) {
    for (let o = 0; o < nOut; o++) {
      const p = dw + ((<usize>i * <usize>nOut + <usize>o) << 2);
      let s: f32 = accumulate ? load<f32>(p) : 0;
      for (let r = 0; r < batch; r++) {
        s += load<f32>(x + ((<usize>r * <usize>nIn + <usize>i) << 2)) * load<f32>(dy + ((<usize>r * <usize>nOut + <usize>o) << 2));
      }
      store<f32>(p, s);
    }
  }
  for (let o = 0; o < nOut; o++) {
    const off = <usize>o << 2;
    let s: f32 = accumulate ? load<f32>(db + off) : 0;
    for (let r = 0; r < batch; r++) s += load<f32>(dy + ((<usize>r * <usize>nOut) << 2) + off);
    store<f32>(db + off, s);
  }
}
