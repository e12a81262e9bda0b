// Dense (fully connected) layer kernels over f32, row-major:
//   forward  Y = X W + b                       X: batch x nIn, W: nIn x nOut, b: nOut, Y: batch x nOut
//   backward dX = dY W^T, dW = X^T dY, db = sum_rows dY
// The three products are one blocked GEMM C = A B with the A operand read
// through element strides (X, X^T or dY) and B row-major. Register blocking:
// a 4-row x 8-column block of C lives in 8 f32x4 accumulators while k runs,
// each step broadcasting one A element per row (v128.load32_splat) against two
// B vectors. Cache blocking: B is consumed in KC x NC panels that stay in L1
// while every row block of A streams past them.
//
// Every C element is summed over k in increasing order, as in the scalar
// twins, so SIMD and scalar agree to the last bit except in the at most three
// columns left after the last full vector, where forward and dX use a dot
// product along k (four partial sums) for speed.
//
// Pointers are byte addresses of f32 arrays; sizes are element counts >= 0.

import { hsum } from "./lanes";
import { tanhF32, tanhF32x4 } from "./mathf32";

/** Rows of A per register block. */
const MR = 4;
/** k-panel depth (rows of B kept in cache). */
const KC = 128;
/** n-panel width (columns of B kept in cache), a multiple of 8. */
const NC = 128;

// @ts-ignore: decorator
@inline function mac(c: v128, a: v128, b: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Initial value of a C vector: from C (accumulate), from the bias vector, or 0.
 * `mode`: 0 zero, 1 bias, 2 accumulate.
 */
// @ts-ignore: decorator
@inline function start(mode: i32, c: usize, bias: usize): v128 {
  return mode == 2 ? v128.load(c) : mode == 1 ? v128.load(bias) : f32x4.splat(0);
}

/** The stored value of a finished C vector: as is (act 0) or tanh of it (act 1). */
// @ts-ignore: decorator
@inline function fin(act: i32, v: v128): v128 {
  return act ? tanhF32x4(v) : v;
}

// @ts-ignore: decorator
@inline function finScalar(act: i32, v: f32): f32 {
  return act ? tanhF32(v) : v;
}

// @ts-ignore: decorator
@inline function startScalar(mode: i32, c: usize, bias: usize): f32 {
  return mode == 2 ? load<f32>(c) : mode == 1 ? load<f32>(bias) : <f32>0;
}

/**
 * C[m, n] = init + sum_{k0 <= k < k1} A(m, k) B[k, n] for m < M and n < NV
 * (NV a multiple of 4), A(m, k) at a + (m sam + k sak) * 4, B[k, n] at
 * b + (k ldb + n) * 4, C[m, n] at c + (m ldc + n) * 4; init per `mode` (0, bias, C).
 */
// @ts-ignore: decorator
@inline function gemmPanel(
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, mode: i32,
  M: i32, n0: i32, n1: i32, k0: i32, k1: i32, act: i32,
): void {
  const stepA = <usize>sak << 2;
  const stepB = <usize>ldb << 2;
  const kLen = k1 - k0;
  let m = 0;
  for (; m + MR <= M; m += MR) {
    const a0 = a + ((<usize>m * <usize>sam + <usize>k0 * <usize>sak) << 2);
    const a1 = a0 + (<usize>sam << 2);
    const a2 = a1 + (<usize>sam << 2);
    const a3 = a2 + (<usize>sam << 2);
    const c0 = c + ((<usize>m * <usize>ldc) << 2);
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    let n = n0;
    for (; n + 8 <= n1; n += 8) {
      const o = <usize>n << 2;
      const bo = bias + o;
      let x00 = start(mode, c0 + o, bo);
      let x01 = start(mode, c0 + o + 16, bo + 16);
      let x10 = start(mode, c1 + o, bo);
      let x11 = start(mode, c1 + o + 16, bo + 16);
      let x20 = start(mode, c2 + o, bo);
      let x21 = start(mode, c2 + o + 16, bo + 16);
      let x30 = start(mode, c3 + o, bo);
      let x31 = start(mode, c3 + o + 16, bo + 16);
      let pb = b + ((<usize>k0 * <usize>ldb) << 2) + o;
      let pa = <usize>0;
      for (let k = 0; k < kLen; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = v128.load32_splat(a0 + pa);
        x00 = mac(x00, s, b0);
        x01 = mac(x01, s, b1);
        s = v128.load32_splat(a1 + pa);
        x10 = mac(x10, s, b0);
        x11 = mac(x11, s, b1);
        s = v128.load32_splat(a2 + pa);
        x20 = mac(x20, s, b0);
        x21 = mac(x21, s, b1);
        s = v128.load32_splat(a3 + pa);
        x30 = mac(x30, s, b0);
        x31 = mac(x31, s, b1);
        pa += stepA;
        pb += stepB;
      }
      v128.store(c0 + o, fin(act, x00));
      v128.store(c0 + o, fin(act, x01), 16);
      v128.store(c1 + o, fin(act, x10));
      v128.store(c1 + o, fin(act, x11), 16);
      v128.store(c2 + o, fin(act, x20));
      v128.store(c2 + o, fin(act, x21), 16);
      v128.store(c3 + o, fin(act, x30));
      v128.store(c3 + o, fin(act, x31), 16);
    }
    if (n < n1) {
      // One vector of 4 columns left in this panel.
      const o = <usize>n << 2;
      let x0 = start(mode, c0 + o, bias + o);
      let x1 = start(mode, c1 + o, bias + o);
      let x2 = start(mode, c2 + o, bias + o);
      let x3 = start(mode, c3 + o, bias + o);
      let pb = b + ((<usize>k0 * <usize>ldb) << 2) + o;
      let pa = <usize>0;
      for (let k = 0; k < kLen; k++) {
        const b0 = v128.load(pb);
        x0 = mac(x0, v128.load32_splat(a0 + pa), b0);
        x1 = mac(x1, v128.load32_splat(a1 + pa), b0);
        x2 = mac(x2, v128.load32_splat(a2 + pa), b0);
        x3 = mac(x3, v128.load32_splat(a3 + pa), b0);
        pa += stepA;
        pb += stepB;
      }
      v128.store(c0 + o, fin(act, x0));
      v128.store(c1 + o, fin(act, x1));
      v128.store(c2 + o, fin(act, x2));
      v128.store(c3 + o, fin(act, x3));
    }
  }
  for (; m < M; m++) {
    const a0 = a + ((<usize>m * <usize>sam + <usize>k0 * <usize>sak) << 2);
    const c0 = c + ((<usize>m * <usize>ldc) << 2);
    for (let n = n0; n < n1; n += 4) {
      const o = <usize>n << 2;
      let x0 = start(mode, c0 + o, bias + o);
      let pb = b + ((<usize>k0 * <usize>ldb) << 2) + o;
      let pa = a0;
      for (let k = 0; k < kLen; k++) {
        x0 = mac(x0, v128.load32_splat(pa), v128.load(pb));
        pa += stepA;
        pb += stepB;
      }
      v128.store(c0 + o, fin(act, x0));
    }
  }
}

/** Blocked C = init + A B over the vector columns n < NV (NV a multiple of 4). */
// @ts-ignore: decorator
@inline function gemmVectorColumns(
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, mode: i32,
  M: i32, NV: i32, K: i32, act: i32,
): void {
  if (K == 0) {
    // An empty sum: C is its initial value.
    for (let m = 0; m < M; m++) {
      const c0 = c + ((<usize>m * <usize>ldc) << 2);
      for (let n = 0; n < NV; n += 4) {
        const o = <usize>n << 2;
        v128.store(c0 + o, fin(act, start(mode, c0 + o, bias + o)));
      }
    }
    return;
  }
  for (let n0 = 0; n0 < NV; n0 += NC) {
    const n1 = min(n0 + NC, NV);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = min(k0 + KC, K);
      gemmPanel(a, sam, sak, b, ldb, c, ldc, bias, k0 == 0 ? mode : 2, M, n0, n1, k0, k1, k1 == K ? act : 0);
    }
  }
}

/**
 * Columns n in [n0, N) (fewer than 4) of C = init + A B with A row-major
 * (A[m, k] at a + (m lda + k) * 4) and B[k, n] at b + (k sbk + n sbn) * 4:
 * dot products along k, four rows at a time, four k per vector.
 */
// @ts-ignore: decorator
@inline function gemmNarrowDot(
  a: usize, lda: i32,
  b: usize, sbk: i32, sbn: i32,
  c: usize, ldc: i32,
  bias: usize, mode: i32,
  M: i32, n0: i32, N: i32, K: i32, act: i32,
): void {
  const K4 = K & ~3;
  for (let n = n0; n < N; n++) {
    const bn = b + ((<usize>n * <usize>sbn) << 2);
    const sk = <usize>sbk << 2;
    let m = 0;
    for (; m + MR <= M; m += MR) {
      const a0 = a + ((<usize>m * <usize>lda) << 2);
      const a1 = a0 + (<usize>lda << 2);
      const a2 = a1 + (<usize>lda << 2);
      const a3 = a2 + (<usize>lda << 2);
      let x0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let x2 = f32x4.splat(0);
      let x3 = f32x4.splat(0);
      let k = 0;
      for (; k < K4; k += 4) {
        const pk = bn + <usize>k * sk;
        let bv: v128;
        if (sbk == 1) {
          bv = v128.load(pk);
        } else {
          bv = f32x4.splat(load<f32>(pk));
          bv = f32x4.replace_lane(bv, 1, load<f32>(pk + sk));
          bv = f32x4.replace_lane(bv, 2, load<f32>(pk + 2 * sk));
          bv = f32x4.replace_lane(bv, 3, load<f32>(pk + 3 * sk));
        }
        const o = <usize>k << 2;
        x0 = mac(x0, v128.load(a0 + o), bv);
        x1 = mac(x1, v128.load(a1 + o), bv);
        x2 = mac(x2, v128.load(a2 + o), bv);
        x3 = mac(x3, v128.load(a3 + o), bv);
      }
      const cn = c + ((<usize>m * <usize>ldc + <usize>n) << 2);
      const init = startScalar(mode, cn, bias + (<usize>n << 2));
      let s0 = init + hsum(x0);
      let s1 = (mode == 2 ? load<f32>(cn + (<usize>ldc << 2)) : init) + hsum(x1);
      let s2 = (mode == 2 ? load<f32>(cn + (<usize>ldc << 3)) : init) + hsum(x2);
      let s3 = (mode == 2 ? load<f32>(cn + <usize>ldc * 12) : init) + hsum(x3);
      for (; k < K; k++) {
        const bk = load<f32>(bn + <usize>k * sk);
        const o = <usize>k << 2;
        s0 += load<f32>(a0 + o) * bk;
        s1 += load<f32>(a1 + o) * bk;
        s2 += load<f32>(a2 + o) * bk;
        s3 += load<f32>(a3 + o) * bk;
      }
      store<f32>(cn, finScalar(act, s0));
      store<f32>(cn + (<usize>ldc << 2), finScalar(act, s1));
      store<f32>(cn + (<usize>ldc << 3), finScalar(act, s2));
      store<f32>(cn + <usize>ldc * 12, finScalar(act, s3));
    }
    for (; m < M; m++) {
      const a0 = a + ((<usize>m * <usize>lda) << 2);
      const cn = c + ((<usize>m * <usize>ldc + <usize>n) << 2);
      let s = startScalar(mode, cn, bias + (<usize>n << 2));
      for (let k = 0; k < K; k++) {
        s += load<f32>(a0 + (<usize>k << 2)) * load<f32>(bn + <usize>k * sk);
      }
      store<f32>(cn, finScalar(act, s));
    }
  }
}

/**
 * Dense layer forward, Y = X W + b: Y[r, o] = b[o] + sum_{i < nIn} X[r, i] W[i, o].
 * x: batch x nIn, w: nIn x nOut, b: nOut, y: batch x nOut (must not overlap x).
 */
export function nnDenseForwardSimd(x: usize, w: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32): void {
  const NV = nOut & ~3;
  gemmVectorColumns(x, nIn, 1, w, nOut, y, nOut, b, 1, batch, NV, nIn, 0);
  if (NV < nOut) gemmNarrowDot(x, nIn, w, nOut, 1, y, nOut, b, 1, batch, NV, nOut, nIn, 0);
}

/** Dense layer forward, scalar twin: Y[r, o] = b[o] + sum_i X[r, i] W[i, o], i increasing. */
export function nnDenseForwardScalar(x: usize, w: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32): void {
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
 * Dense layer forward fused with tanh, Y = tanh(X W + b):
 * Y[r, o] = tanh(b[o] + sum_{i < nIn} X[r, i] W[i, o]), the same sums and the
 * same tanh as nnDenseForwardSimd followed by nnTanhForwardSimd (bit for bit),
 * with tanh applied to each register tile before it is stored, which saves a
 * pass over the activations. Shapes as nnDenseForwardSimd.
 */
export function nnDenseTanhForwardSimd(x: usize, w: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32): void {
  const NV = nOut & ~3;
  gemmVectorColumns(x, nIn, 1, w, nOut, y, nOut, b, 1, batch, NV, nIn, 1);
  if (NV < nOut) gemmNarrowDot(x, nIn, w, nOut, 1, y, nOut, b, 1, batch, NV, nOut, nIn, 1);
}

/** Y = tanh(X W + b), scalar twin: the sum over i increasing, then tanhF32. */
export function nnDenseTanhForwardScalar(x: usize, w: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32): void {
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

/**
 * Gradient of the layer input, dX = dY W^T: dX[r, i] = sum_{o < nOut} dY[r, o] W[i, o].
 * dy: batch x nOut, w: nIn x nOut, wt: scratch of nIn * nOut f32 (receives W^T),
 * dx: batch x nIn (must not overlap dy).
 */
export function nnDenseBackwardInputSimd(
  dy: usize, w: usize, wt: usize, dx: usize, batch: i32, nIn: i32, nOut: i32,
): void {
  const NV = nIn & ~3;
  if (NV > 0) {
    transpose(w, wt, nIn, nOut);
    gemmVectorColumns(dy, nOut, 1, wt, nIn, dx, nIn, 0, 0, batch, NV, nOut, 0);
  }
  // Columns i >= NV: W's row i is contiguous along the sum, no gather needed.
  if (NV < nIn) gemmNarrowDot(dy, nOut, w, 1, nOut, dx, nIn, 0, 0, batch, NV, nIn, nOut, 0);
}

/** dX = dY W^T, scalar twin (wt unused): dX[r, i] = sum_o dY[r, o] W[i, o], o increasing. */
export function nnDenseBackwardInputScalar(
  dy: usize, w: usize, wt: usize, dx: usize, batch: i32, nIn: i32, nOut: i32,
): void {
  for (let r = 0; r < batch; r++) {
    const dyr = dy + ((<usize>r * <usize>nOut) << 2);
    const dxr = dx + ((<usize>r * <usize>nIn) << 2);
    for (let i = 0; i < nIn; i++) {
      const wi = w + ((<usize>i * <usize>nOut) << 2);
      let s: f32 = 0;
      for (let o = 0; o < nOut; o++) s += load<f32>(dyr + (<usize>o << 2)) * load<f32>(wi + (<usize>o << 2));
      store<f32>(dxr + (<usize>i << 2), s);
    }
  }
}

/** wt[o, i] = w[i, o] for a rows x cols matrix w. */
function transpose(w: usize, wt: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const wi = w + ((<usize>i * <usize>cols) << 2);
    for (let o = 0; o < cols; o++) {
      store<f32>(wt + ((<usize>o * <usize>rows + <usize>i) << 2), load<f32>(wi + (<usize>o << 2)));
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
  const mode = accumulate ? 2 : 0;
  const NV = nOut & ~3;
  gemmVectorColumns(x, 1, nIn, dy, nOut, dw, nOut, 0, mode, nIn, NV, batch, 0);
  if (NV < nOut) {
    // Narrow columns: vectors run down the rows of dW (along i), where X is contiguous.
    const I4 = nIn & ~3;
    for (let o = NV; o < nOut; o++) {
      let i = 0;
      for (; i < I4; i += 4) {
        let acc = f32x4.splat(0);
        if (accumulate) {
          acc = f32x4.splat(load<f32>(dw + ((<usize>i * <usize>nOut + <usize>o) << 2)));
          acc = f32x4.replace_lane(acc, 1, load<f32>(dw + (((<usize>i + 1) * <usize>nOut + <usize>o) << 2)));
          acc = f32x4.replace_lane(acc, 2, load<f32>(dw + (((<usize>i + 2) * <usize>nOut + <usize>o) << 2)));
          acc = f32x4.replace_lane(acc, 3, load<f32>(dw + (((<usize>i + 3) * <usize>nOut + <usize>o) << 2)));
        }
        let px = x + (<usize>i << 2);
        let pd = dy + (<usize>o << 2);
        for (let r = 0; r < batch; r++) {
          acc = mac(acc, v128.load(px), v128.load32_splat(pd));
          px += <usize>nIn << 2;
          pd += <usize>nOut << 2;
        }
        store<f32>(dw + ((<usize>i * <usize>nOut + <usize>o) << 2), f32x4.extract_lane(acc, 0));
        store<f32>(dw + (((<usize>i + 1) * <usize>nOut + <usize>o) << 2), f32x4.extract_lane(acc, 1));
        store<f32>(dw + (((<usize>i + 2) * <usize>nOut + <usize>o) << 2), f32x4.extract_lane(acc, 2));
        store<f32>(dw + (((<usize>i + 3) * <usize>nOut + <usize>o) << 2), f32x4.extract_lane(acc, 3));
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
  // db: column sums of dY, rows in increasing order.
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    const off = <usize>o << 2;
    let acc = accumulate ? v128.load(db + off) : f32x4.splat(0);
    let pd = dy + off;
    for (let r = 0; r < batch; r++) {
      acc = f32x4.add(acc, v128.load(pd));
      pd += <usize>nOut << 2;
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
