// The GEMM core of the dense kernels (assembly/nn/dense.ts): C = init + A B
// over f32, then an elementwise finish, with
//   init   0, a bias row, or C itself (accumulate),
//   finish none, or times an activation's derivative read from the layer
//          output H at the same position as C (the input gradient:
//          tanh' = 1 - H^2, relu' = [H > 0]), which saves a pass over dX.
// (tanh itself is not a finish: eight tanh per tile exhaust the registers and
// reload every constant, slower than nnTanhForwardSimd's separate pass.)
//
// Register blocking: a 2-row x 16-column tile of C lives in 8 f32x4
// accumulators while k runs; each k step loads four B vectors and broadcasts
// two A values (v128.load32_splat). The two A values come from ONE pointer at
// constant offsets 0 and 4: A is read "2-interleaved", A(m, k) at
//   a + (m >> 1) sblk + k sk + 4 (m & 1)   (bytes),
// which is a packed copy (pack2Rows: sblk = 8 K, sk = 8) for Y = X W and
// dX = dY W^T, and X itself for dW = X^T dY (X[r, i], X[r, i + 1] are
// adjacent: sblk = 8, sk = 4 nIn). Separate row pointers cost an address
// addition per row and k (35 GFLOP/s at 256 x 64 x 64 on Zen 4); with
// offsets, V8 keeps each broadcast offset's address (memory base + offset)
// in a register of its own. The earlier 4 x 8 tile needed three of them, and
// the loop's stack check clobbered one, so V8 reloaded them from the stack;
// the 2 x 16 tile needs one (forward 50.2 -> 45.0 us, dX 50.8 -> 48.8,
// dW 50.3 -> 47.1 at 256 x 64 x 64; without FMA the ceiling is 4 FP ops per
// cycle). Cache blocking: B is consumed in kc x NC panels.
//
// Every C element is summed over k in increasing order, starting from its
// initial value, exactly as the scalar twins do, so SIMD and scalar agree to
// the last bit on every column the vectors cover.
// One file over 400 lines on purpose: the 2x16 and 4x8 register tiles, their
// k-panel drivers and remainders are one GEMM, inlined into one loop nest.

import { hsum } from "./lanes";
import { K_ONE, vk } from "./mathf32";

/** Default k-panel depth (rows of B kept in cache; dW passes its own, see dense.ts). */
const KC = 256;
/** n-panel width (columns of B kept in cache), a multiple of the 16-column tile. */
const NC = 128;

export const INIT_ZERO = 0;
export const INIT_BIAS = 1;
export const INIT_C = 2;

export const FIN_NONE = 0;
/** Times tanh'(z) = 1 - H^2 (H = tanh(z), the layer output). */
export const FIN_TANH_GRAD = 2;
/** Times relu'(z) = [H > 0] (H = relu(z)): 0 where H <= 0. */
export const FIN_RELU_GRAD = 3;

// @ts-ignore: decorator
@inline function mac(c: v128, a: v128, b: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Initial value of a C vector: 0, the bias vector, or C. */
// @ts-ignore: decorator
@inline function start(mode: i32, c: usize, bias: usize): v128 {
  return mode == INIT_C ? v128.load(c) : mode == INIT_BIAS ? v128.load(bias) : f32x4.splat(0);
}

// @ts-ignore: decorator
@inline export function startScalar(mode: i32, c: usize, bias: usize): f32 {
  return mode == INIT_C ? load<f32>(c) : mode == INIT_BIAS ? load<f32>(bias) : <f32>0;
}

/** The stored value of a finished C vector; h: the H vector at the same position. */
// @ts-ignore: decorator
@inline function fin(act: i32, v: v128, h: usize): v128 {
  if (act == FIN_TANH_GRAD) {
    const t = v128.load(h);
    return f32x4.mul(v, f32x4.sub(vk(K_ONE), f32x4.mul(t, t)));
  }
  if (act == FIN_RELU_GRAD) return v128.and(v, f32x4.gt(v128.load(h), f32x4.splat(0)));
  return v;
}

/** The scalar finish, the same IEEE operations as `fin` on one lane. */
// @ts-ignore: decorator
@inline export function finScalar(act: i32, v: f32, h: usize): f32 {
  if (act == FIN_TANH_GRAD) {
    const t = load<f32>(h);
    return v * (<f32>1 - t * t);
  }
  if (act == FIN_RELU_GRAD) return load<f32>(h) > 0 ? v : <f32>0;
  return v;
}

/**
 * Single rows m0 <= m < M of C, columns n0 <= n < n1 (a multiple of 4 wide),
 * k in [k0, k1), with A(m, k) at a + m sam + k sak (bytes): the rows a
 * 2-interleaved block does not cover.
 */
// @ts-ignore: decorator
@inline function gemmPanelRows(
  a: usize, sam: usize, sak: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mode: i32, h: usize, act: i32,
  m0: i32, M: i32, n0: i32, n1: i32, k0: i32, k1: i32,
): void {
  for (let m = m0; m < M; m++) {
    const aRow = a + <usize>m * sam + <usize>k0 * sak;
    const aEnd = aRow + <usize>(k1 - k0) * sak;
    const c0 = c + <usize>m * ldc;
    const h0 = h + <usize>m * ldc;
    for (let n = n0; n < n1; n += 4) {
      const o = <usize>n << 2;
      let x0 = start(mode, c0 + o, bias + o);
      let pa = aRow;
      let pb = b + <usize>k0 * ldb + o;
      while (pa < aEnd) {
        x0 = mac(x0, v128.load32_splat(pa), v128.load(pb));
        pa += sak;
        pb += ldb;
      }
      v128.store(c0 + o, fin(act, x0, h0 + o));
    }
  }
}

/**
 * Columns n in [n0, N) (fewer than 4) of C = fin(init + A B) with A row-major
 * (A[m, k] at a + (m lda + k) * 4) and B[k, n] at b + (k sbk + n sbn) * 4:
 * dot products along k, four rows at a time, four k per vector (partial sums
 * k = j mod 4, added as hsum does, then the k after the last full vector).
 */
// @ts-ignore: decorator
@inline export function gemmNarrowDot(
  a: usize, lda: i32,
  b: usize, sbk: i32, sbn: i32,
  c: usize, ldc: i32,
  bias: usize, mode: i32, h: usize, act: i32,
  M: i32, n0: i32, N: i32, K: i32,
): void {
  const K4 = K & ~3;
  const rowC = <usize>ldc << 2;
  for (let n = n0; n < N; n++) {
    const bn = b + ((<usize>n * <usize>sbn) << 2);
    const sk = <usize>sbk << 2;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
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
      const off = (<usize>m * <usize>ldc + <usize>n) << 2;
      const cn = c + off;
      const hn = h + off;
      const init = startScalar(mode, cn, bias + (<usize>n << 2));
      let s0 = init + hsum(x0);
      let s1 = (mode == INIT_C ? load<f32>(cn + rowC) : init) + hsum(x1);
      let s2 = (mode == INIT_C ? load<f32>(cn + 2 * rowC) : init) + hsum(x2);
      let s3 = (mode == INIT_C ? load<f32>(cn + 3 * rowC) : init) + hsum(x3);
      for (; k < K; k++) {
        const bk = load<f32>(bn + <usize>k * sk);
        const o = <usize>k << 2;
        s0 += load<f32>(a0 + o) * bk;
        s1 += load<f32>(a1 + o) * bk;
        s2 += load<f32>(a2 + o) * bk;
        s3 += load<f32>(a3 + o) * bk;
      }
      store<f32>(cn, finScalar(act, s0, hn));
      store<f32>(cn + rowC, finScalar(act, s1, hn + rowC));
      store<f32>(cn + 2 * rowC, finScalar(act, s2, hn + 2 * rowC));
      store<f32>(cn + 3 * rowC, finScalar(act, s3, hn + 3 * rowC));
    }
    for (; m < M; m++) {
      const a0 = a + ((<usize>m * <usize>lda) << 2);
      const off = (<usize>m * <usize>ldc + <usize>n) << 2;
      let s = startScalar(mode, c + off, bias + (<usize>n << 2));
      for (let k = 0; k < K; k++) {
        s += load<f32>(a0 + (<usize>k << 2)) * load<f32>(bn + <usize>k * sk);
      }
      store<f32>(c + off, finScalar(act, s, h + off));
    }
  }
}

/** wt[o, i] = w[i, o] for a rows x cols matrix w (4x4 blocks in registers, then the edges). */
// @ts-ignore: decorator
@inline export function transpose(w: usize, wt: usize, rows: i32, cols: i32): void {
  const R4 = rows & ~3;
  const C4 = cols & ~3;
  const sw = <usize>cols << 2;
  const st = <usize>rows << 2;
  for (let i = 0; i < R4; i += 4) {
    for (let o = 0; o < C4; o += 4) {
      const p = w + <usize>i * sw + (<usize>o << 2);
      const v0 = v128.load(p);
      const v1 = v128.load(p + sw);
      const v2 = v128.load(p + 2 * sw);
      const v3 = v128.load(p + 3 * sw);
      const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
      const q = wt + <usize>o * st + (<usize>i << 2);
      v128.store(q, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(q + st, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(q + 2 * st, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(q + 3 * st, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
  }
  for (let i = 0; i < rows; i++) {
    // Edges: the columns after C4 of every row, and every column of the rows after R4.
    for (let o = i < R4 ? C4 : 0; o < cols; o++) {
      store<f32>(wt + <usize>o * st + (<usize>i << 2), load<f32>(w + <usize>i * sw + (<usize>o << 2)));
    }
  }
}

/**
 * Tiles of C for rows m < M2 (a multiple of 2) and columns n0 <= n < n1
 * (n1 - n0 a multiple of 4), k in [k0, k1), with A read 2-interleaved:
 * A(m, k) at a + (m >> 1) sblk + k sk + 4 (m & 1) (sblk, sk in bytes),
 * B[k, n] at b + k ldb + 4 n, C[m, n] at c + m ldc + 4 n, H likewise at h
 * (ldb, ldc in bytes).
 * A 2-row x 16-column tile (8 accumulators, four B vectors and two
 * broadcasts per k step) needs one broadcast offset where the 4 x 8 tile
 * needs three (see the file header).
 */
// @ts-ignore: decorator
@inline function gemmPanel2(
  a: usize, sblk: usize, sk: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mode: i32, h: usize, act: i32,
  M2: i32, n0: i32, n1: i32, k0: i32, k1: i32,
): void {
  const kBytes = <usize>(k1 - k0) * sk;
  const bPanel = b + <usize>k0 * ldb;
  for (let m = 0; m < M2; m += 2) {
    const aBlock = a + <usize>(m >> 1) * sblk + <usize>k0 * sk;
    const aEnd = aBlock + kBytes;
    const row = <usize>m * ldc;
    const c0 = c + row;
    const c1 = c0 + ldc;
    const h0 = h + row;
    const h1 = h0 + ldc;
    let n = n0;
    for (; n + 16 <= n1; n += 16) {
      const o = <usize>n << 2;
      const bo = bias + o;
      let x00 = start(mode, c0 + o, bo);
      let x01 = start(mode, c0 + o + 16, bo + 16);
      let x02 = start(mode, c0 + o + 32, bo + 32);
      let x03 = start(mode, c0 + o + 48, bo + 48);
      let x10 = start(mode, c1 + o, bo);
      let x11 = start(mode, c1 + o + 16, bo + 16);
      let x12 = start(mode, c1 + o + 32, bo + 32);
      let x13 = start(mode, c1 + o + 48, bo + 48);
      let pa = aBlock;
      let pb = bPanel + o;
      while (pa < aEnd) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const b2 = v128.load(pb, 32);
        const b3 = v128.load(pb, 48);
        let s = v128.load32_splat(pa);
        x00 = mac(x00, s, b0);
        x01 = mac(x01, s, b1);
        x02 = mac(x02, s, b2);
        x03 = mac(x03, s, b3);
        s = v128.load32_splat(pa, 4);
        x10 = mac(x10, s, b0);
        x11 = mac(x11, s, b1);
        x12 = mac(x12, s, b2);
        x13 = mac(x13, s, b3);
        pa += sk;
        pb += ldb;
      }
      v128.store(c0 + o, fin(act, x00, h0 + o));
      v128.store(c0 + o, fin(act, x01, h0 + o + 16), 16);
      v128.store(c0 + o, fin(act, x02, h0 + o + 32), 32);
      v128.store(c0 + o, fin(act, x03, h0 + o + 48), 48);
      v128.store(c1 + o, fin(act, x10, h1 + o));
      v128.store(c1 + o, fin(act, x11, h1 + o + 16), 16);
      v128.store(c1 + o, fin(act, x12, h1 + o + 32), 32);
      v128.store(c1 + o, fin(act, x13, h1 + o + 48), 48);
    }
    for (; n < n1; n += 4) {
      // The (at most three) vectors of 4 columns left in this panel.
      const o = <usize>n << 2;
      let x0 = start(mode, c0 + o, bias + o);
      let x1 = start(mode, c1 + o, bias + o);
      let pa = aBlock;
      let pb = bPanel + o;
      while (pa < aEnd) {
        const b0 = v128.load(pb);
        x0 = mac(x0, v128.load32_splat(pa), b0);
        x1 = mac(x1, v128.load32_splat(pa, 4), b0);
        pa += sk;
        pb += ldb;
      }
      v128.store(c0 + o, fin(act, x0, h0 + o));
      v128.store(c1 + o, fin(act, x1, h1 + o));
    }
  }
}

/**
 * C = fin(init + A B) over all rows m < M and the vector columns n < NV (a
 * multiple of 4), in kc x NC panels of B (the finish after the last k panel).
 * A is read 2-interleaved (ai, sblk, sk; see the file header) for
 * m < M & ~1 and through (ar, sam, sak) for the last row of an odd M; both
 * describe the same matrix.
 */
// @ts-ignore: decorator
@inline export function gemm(
  ai: usize, sblk: usize, sk: usize,
  ar: usize, sam: usize, sak: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mode: i32, h: usize, act: i32,
  M: i32, NV: i32, K: i32, kc: i32 = KC,
): void {
  const M2 = M & ~1;
  for (let n0 = 0; n0 < NV; n0 += NC) {
    const n1 = min(n0 + NC, NV);
    if (K <= kc) {
      gemmPanel2(ai, sblk, sk, b, ldb, c, ldc, bias, mode, h, act, M2, n0, n1, 0, K);
      gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, mode, h, act, M2, M, n0, n1, 0, K);
      continue;
    }
    gemmPanel2(ai, sblk, sk, b, ldb, c, ldc, bias, mode, h, FIN_NONE, M2, n0, n1, 0, kc);
    gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, mode, h, FIN_NONE, M2, M, n0, n1, 0, kc);
    let k0 = kc;
    for (; k0 + kc < K; k0 += kc) {
      gemmPanel2(ai, sblk, sk, b, ldb, c, ldc, bias, INIT_C, h, FIN_NONE, M2, n0, n1, k0, k0 + kc);
      gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, INIT_C, h, FIN_NONE, M2, M, n0, n1, k0, k0 + kc);
    }
    gemmPanel2(ai, sblk, sk, b, ldb, c, ldc, bias, INIT_C, h, act, M2, n0, n1, k0, K);
    gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, INIT_C, h, act, M2, M, n0, n1, k0, K);
  }
}

/**
 * Packs rows m < M & ~1 of a row-major M x K matrix into 2-interleaved
 * panels: xp[(m >> 1) 2K + 2k + (m & 1)] = x[m, k]. The last row of an odd
 * M is not copied.
 */
// @ts-ignore: decorator
@inline export function pack2Rows(x: usize, xp: usize, M: i32, K: i32): void {
  const rowBytes = <usize>K << 2;
  const K4 = K & ~3;
  let d = xp;
  for (let m = 0; m + 2 <= M; m += 2) {
    const r0 = x + <usize>m * rowBytes;
    const r1 = r0 + rowBytes;
    let k = 0;
    for (; k < K4; k += 4) {
      const o = <usize>k << 2;
      const v0 = v128.load(r0 + o);
      const v1 = v128.load(r1 + o);
      v128.store(d, v128.shuffle<f32>(v0, v1, 0, 4, 1, 5));
      v128.store(d, v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), 16);
      d += 32;
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      store<f32>(d, load<f32>(r0 + o));
      store<f32>(d, load<f32>(r1 + o), 4);
      d += 8;
    }
  }
}

// ---------------------------------------------------------------- 4 x 8 tiles

/**
 * Tiles of C for rows m < M4 (a multiple of 4) and columns n0 <= n < n1
 * (n1 - n0 a multiple of 4), k in [k0, k1). A 4-interleaved (see the file
 * header; sblk, sk in bytes), B[k, n] at b + k ldb + 4 n, C[m, n] at
 * c + m ldc + 4 n, H likewise at h (ldb, ldc in bytes).
 */
// @ts-ignore: decorator
@inline function gemmPanel4(
  a: usize, sblk: usize, sk: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mode: i32, h: usize, act: i32,
  M4: i32, n0: i32, n1: i32, k0: i32, k1: i32,
): void {
  const kBytes = <usize>(k1 - k0) * sk;
  for (let m = 0; m < M4; m += 4) {
    const aBlock = a + <usize>(m >> 2) * sblk + <usize>k0 * sk;
    const aEnd = aBlock + kBytes;
    const row = <usize>m * ldc;
    const c0 = c + row;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    const h0 = h + row;
    const h1 = h0 + ldc;
    const h2 = h1 + ldc;
    const h3 = h2 + ldc;
    const bPanel = b + <usize>k0 * ldb;
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
      let pa = aBlock;
      let pb = bPanel + o;
      while (pa < aEnd) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = v128.load32_splat(pa);
        x00 = mac(x00, s, b0);
        x01 = mac(x01, s, b1);
        s = v128.load32_splat(pa, 4);
        x10 = mac(x10, s, b0);
        x11 = mac(x11, s, b1);
        s = v128.load32_splat(pa, 8);
        x20 = mac(x20, s, b0);
        x21 = mac(x21, s, b1);
        s = v128.load32_splat(pa, 12);
        x30 = mac(x30, s, b0);
        x31 = mac(x31, s, b1);
        pa += sk;
        pb += ldb;
      }
      v128.store(c0 + o, fin(act, x00, h0 + o));
      v128.store(c0 + o, fin(act, x01, h0 + o + 16), 16);
      v128.store(c1 + o, fin(act, x10, h1 + o));
      v128.store(c1 + o, fin(act, x11, h1 + o + 16), 16);
      v128.store(c2 + o, fin(act, x20, h2 + o));
      v128.store(c2 + o, fin(act, x21, h2 + o + 16), 16);
      v128.store(c3 + o, fin(act, x30, h3 + o));
      v128.store(c3 + o, fin(act, x31, h3 + o + 16), 16);
    }
    if (n < n1) {
      // One vector of 4 columns left in this panel.
      const o = <usize>n << 2;
      let x0 = start(mode, c0 + o, bias + o);
      let x1 = start(mode, c1 + o, bias + o);
      let x2 = start(mode, c2 + o, bias + o);
      let x3 = start(mode, c3 + o, bias + o);
      let pa = aBlock;
      let pb = bPanel + o;
      while (pa < aEnd) {
        const b0 = v128.load(pb);
        x0 = mac(x0, v128.load32_splat(pa), b0);
        x1 = mac(x1, v128.load32_splat(pa, 4), b0);
        x2 = mac(x2, v128.load32_splat(pa, 8), b0);
        x3 = mac(x3, v128.load32_splat(pa, 12), b0);
        pa += sk;
        pb += ldb;
      }
      v128.store(c0 + o, fin(act, x0, h0 + o));
      v128.store(c1 + o, fin(act, x1, h1 + o));
      v128.store(c2 + o, fin(act, x2, h2 + o));
      v128.store(c3 + o, fin(act, x3, h3 + o));
    }
  }
}

/**
 * gemm with 4 x 8 tiles and A read 4-interleaved (ai, sblk, sk: A(m, k) at
 * ai + (m >> 2) sblk + k sk + 4 (m & 3)) for m < M & ~3, through
 * (ar, sam, sak) for the rows after: a packed copy (pack4Rows: sblk = 16 K,
 * sk = 16) or X itself for dW (sblk = 16, sk = 4 nIn). For NV not a multiple
 * of 16, where the 2 x 16 tiles leave 4-12 columns to two-accumulator loops
 * (e.g. 256 x 64 -> 12 forward 18.5 us with gemm, 11.6 us with gemm4). Same
 * sums, in the same order, as gemm.
 */
// @ts-ignore: decorator
@inline export function gemm4(
  ai: usize, sblk: usize, sk: usize,
  ar: usize, sam: usize, sak: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mode: i32, h: usize, act: i32,
  M: i32, NV: i32, K: i32, kc: i32 = KC,
): void {
  const M4 = M & ~3;
  for (let n0 = 0; n0 < NV; n0 += NC) {
    const n1 = min(n0 + NC, NV);
    // The first k panel starts from `mode`, later ones add to what the earlier
    // ones stored; only the last one finishes. Each call has constant modes,
    // so the tile prologues and epilogues compile without branches.
    if (K <= kc) {
      gemmPanel4(ai, sblk, sk, b, ldb, c, ldc, bias, mode, h, act, M4, n0, n1, 0, K);
      gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, mode, h, act, M4, M, n0, n1, 0, K);
      continue;
    }
    gemmPanel4(ai, sblk, sk, b, ldb, c, ldc, bias, mode, h, FIN_NONE, M4, n0, n1, 0, kc);
    gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, mode, h, FIN_NONE, M4, M, n0, n1, 0, kc);
    let k0 = kc;
    for (; k0 + kc < K; k0 += kc) {
      gemmPanel4(ai, sblk, sk, b, ldb, c, ldc, bias, INIT_C, h, FIN_NONE, M4, n0, n1, k0, k0 + kc);
      gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, INIT_C, h, FIN_NONE, M4, M, n0, n1, k0, k0 + kc);
    }
    gemmPanel4(ai, sblk, sk, b, ldb, c, ldc, bias, INIT_C, h, act, M4, n0, n1, k0, K);
    gemmPanelRows(ar, sam, sak, b, ldb, c, ldc, bias, INIT_C, h, act, M4, M, n0, n1, k0, K);
  }
}

/**
 * Packs rows m < M & ~3 of a row-major M x K matrix into 4-interleaved
 * panels: xp[(m >> 2) 4K + 4k + (m & 3)] = x[m, k] (4x4 blocks transposed in
 * registers). The rows after M & ~3 are not copied.
 */
// @ts-ignore: decorator
@inline export function pack4Rows(x: usize, xp: usize, M: i32, K: i32): void {
  const rowBytes = <usize>K << 2;
  const K4 = K & ~3;
  let d = xp;
  for (let m = 0; m + 4 <= M; m += 4) {
    const r0 = x + <usize>m * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let k = 0;
    for (; k < K4; k += 4) {
      const o = <usize>k << 2;
      const v0 = v128.load(r0 + o);
      const v1 = v128.load(r1 + o);
      const v2 = v128.load(r2 + o);
      const v3 = v128.load(r3 + o);
      const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
      v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
      v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
      d += 64;
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      store<f32>(d, load<f32>(r0 + o));
      store<f32>(d, load<f32>(r1 + o), 4);
      store<f32>(d, load<f32>(r2 + o), 8);
      store<f32>(d, load<f32>(r3 + o), 12);
      d += 16;
    }
  }
}


// ------------------------------------------------------------ tiny k (K < 4)

/** The finish with the constant 1 already in a register (see `fin`). */
// @ts-ignore: decorator
@inline function finOne(act: i32, v: v128, h: usize, one: v128): v128 {
  if (act == FIN_TANH_GRAD) {
    const t = v128.load(h);
    return f32x4.mul(v, f32x4.sub(one, f32x4.mul(t, t)));
  }
  return fin(act, v, h);
}

/** One C vector of a tiny-k product: ((0 + s0 b0) + s1 b1) + s2 b2, the first K terms, then the finish. */
// @ts-ignore: decorator
@inline function tinyKVector(K: i32, act: i32, s0: v128, s1: v128, s2: v128, b0: v128, b1: v128, b2: v128, c: usize, h: usize, one: v128): void {
  let x = mac(f32x4.splat(0), s0, b0);
  if (K > 1) x = mac(x, s1, b1);
  if (K > 2) x = mac(x, s2, b2);
  v128.store(c, finOne(act, x, h, one));
}

/**
 * C = fin(A B) over rows m < M and the vector columns n < NV (a multiple of
 * 4) for K = 1, 2 or 3 (a compile-time constant after inlining): A row-major
 * (A[m, k] at a + (m K + k) 4), B[k, n] at b + k ldb + 4 n, C[m, n] at
 * c + m ldc + 4 n, H likewise at h (ldb, ldc in bytes). With K this small a
 * register tile's k loop runs one to three times, so the tiles' zeroing,
 * loop control and packing outweigh the products (dX of the 64 -> 2 policy
 * head at 256 rows: 4.2 us, ~15 GFLOP/s). Here the B vectors of 16 columns
 * (8 for K = 3) are loaded once into locals, which V8 keeps in registers
 * (it does not hoist loads out of loops), while the rows stream past, K
 * broadcasts each. Same sums, in the same order (from 0, k increasing), as gemm.
 */
// @ts-ignore: decorator
@inline export function gemmTinyK(
  K: i32, act: i32,
  a: usize, b: usize, ldb: usize, c: usize, ldc: usize, h: usize,
  M: i32, NV: i32,
): void {
  const sa = <usize>K << 2;
  const aEnd = a + <usize>M * sa;
  const one = vk(K_ONE);
  const W = K > 2 ? 8 : 16;
  let n = 0;
  for (; n + W <= NV; n += W) {
    const o = <usize>n << 2;
    const bt = b + o;
    const b00 = v128.load(bt);
    const b01 = v128.load(bt, 16);
    const b02 = W > 8 ? v128.load(bt, 32) : b00;
    const b03 = W > 8 ? v128.load(bt, 48) : b00;
    const b10 = K > 1 ? v128.load(bt + ldb) : b00;
    const b11 = K > 1 ? v128.load(bt + ldb, 16) : b00;
    const b12 = K > 1 && W > 8 ? v128.load(bt + ldb, 32) : b00;
    const b13 = K > 1 && W > 8 ? v128.load(bt + ldb, 48) : b00;
    const b20 = K > 2 ? v128.load(bt + 2 * ldb) : b00;
    const b21 = K > 2 ? v128.load(bt + 2 * ldb, 16) : b00;
    let pa = a;
    let pc = c + o;
    let ph = h + o;
    // Two rows per pass (fewer loop branches and stack checks): 256 x 64 ->
    // 1 with the tanh finish 3.0 -> 2.6 us, -> 2 2.9 -> 2.9 us (there the
    // multiplies bound it: 16 per row and 16 columns, two pipes).
    const a2End = a + <usize>(M & ~1) * sa;
    while (pa < a2End) {
      const s0 = v128.load32_splat(pa);
      const s1 = K > 1 ? v128.load32_splat(pa, 4) : s0;
      const s2 = K > 2 ? v128.load32_splat(pa, 8) : s0;
      tinyKVector(K, act, s0, s1, s2, b00, b10, b20, pc, ph, one);
      tinyKVector(K, act, s0, s1, s2, b01, b11, b21, pc + 16, ph + 16, one);
      if (W > 8) {
        tinyKVector(K, act, s0, s1, s2, b02, b12, b00, pc + 32, ph + 32, one);
        tinyKVector(K, act, s0, s1, s2, b03, b13, b00, pc + 48, ph + 48, one);
      }
      const pa1 = pa + sa;
      const pc1 = pc + ldc;
      const ph1 = ph + ldc;
      const t0 = v128.load32_splat(pa1);
      const t1 = K > 1 ? v128.load32_splat(pa1, 4) : t0;
      const t2 = K > 2 ? v128.load32_splat(pa1, 8) : t0;
      tinyKVector(K, act, t0, t1, t2, b00, b10, b20, pc1, ph1, one);
      tinyKVector(K, act, t0, t1, t2, b01, b11, b21, pc1 + 16, ph1 + 16, one);
      if (W > 8) {
        tinyKVector(K, act, t0, t1, t2, b02, b12, b00, pc1 + 32, ph1 + 32, one);
        tinyKVector(K, act, t0, t1, t2, b03, b13, b00, pc1 + 48, ph1 + 48, one);
      }
      pa += 2 * sa;
      pc += 2 * ldc;
      ph += 2 * ldc;
    }
    while (pa < aEnd) {
      const s0 = v128.load32_splat(pa);
      const s1 = K > 1 ? v128.load32_splat(pa, 4) : s0;
      const s2 = K > 2 ? v128.load32_splat(pa, 8) : s0;
      tinyKVector(K, act, s0, s1, s2, b00, b10, b20, pc, ph, one);
      tinyKVector(K, act, s0, s1, s2, b01, b11, b21, pc + 16, ph + 16, one);
      if (W > 8) {
        tinyKVector(K, act, s0, s1, s2, b02, b12, b00, pc + 32, ph + 32, one);
        tinyKVector(K, act, s0, s1, s2, b03, b13, b00, pc + 48, ph + 48, one);
      }
      pa += sa;
      pc += ldc;
      ph += ldc;
    }
  }
  for (; n < NV; n += 4) {
    const bt = b + (<usize>n << 2);
    const b0 = v128.load(bt);
    const b1 = K > 1 ? v128.load(bt + ldb) : b0;
    const b2 = K > 2 ? v128.load(bt + 2 * ldb) : b0;
    let pa = a;
    let pc = c + (<usize>n << 2);
    let ph = h + (<usize>n << 2);
    while (pa < aEnd) {
      const s0 = v128.load32_splat(pa);
      const s1 = K > 1 ? v128.load32_splat(pa, 4) : s0;
      const s2 = K > 2 ? v128.load32_splat(pa, 8) : s0;
      tinyKVector(K, act, s0, s1, s2, b0, b1, b2, pc, ph, one);
      pa += sa;
      pc += ldc;
      ph += ldc;
    }
  }
}
