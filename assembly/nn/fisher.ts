// Fisher-vector products F v = J^T M J v + damping v for a policy network
// (Amari 1998; Kakade 2001; Schulman et al. 2015, "Trust Region Policy
// Optimization", appendix C.1): J is the Jacobian of the head's inputs (logits
// or Gaussian means) with respect to the parameters, M the Fisher metric of
// the distribution in those inputs. F is the Hessian of the mean KL between
// the policy at theta_old and at theta, taken at theta_old, where the KL's
// first derivative vanishes (so the Gauss-Newton form J^T M J is exact).
//
// J v is one forward-mode (Jacobian-vector) pass through the MLP. For layer
// l with input h_l, weights W_l, bias b_l and output h_{l+1} = act(h_l W_l + b_l),
// the tangent t of a parameter direction (V_l, vb_l) is
//
//   t_{l+1} = act'(h_{l+1}) * (h_l V_l + vb_l + t_l W_l),   t_0 = 0,
//
// act' = 1 - h^2 (tanh), [h > 0] (relu), 1 (the linear output layer): the
// dense layer's GEMM twice (assembly/nn/gemm.ts; the second one adds to the
// first's result) with the activation derivative applied to the finished
// tile, as the input gradient of dense.ts does. J^T is the ordinary backward
// pass (nnDenseBackwardParamsSimd, nnDenseBackwardInputSimd); the new pieces
// here are the tangent layer and the head metrics:
//
//   categorical, per row:  (M u)_j = p_j (u_j - sum_k p_k u_k),  p = softmax(logits)
//   diagonal Gaussian:     (M u)_d = u_d / sigma_d^2  on the means; the
//                          state-independent log-stds have metric 2 per
//                          dimension (the Fisher of N(mu, sigma^2) in
//                          (mu, log sigma) is diag(1 / sigma^2, 2)), applied
//                          by the TypeScript side.
//
// Every C element of the tangent is summed over k in increasing order (first
// h V, then t W) from the bias, as the scalar twin does, so SIMD and scalar
// agree to the last bit except in the at most three columns after the last
// full vector (dot products along k there, as in dense.ts). The metric
// kernels run across four rows (one lane per row) with the scalar twin's
// operations in the same order: the same bits.
//
// Pointers are byte addresses of f32 arrays; sizes are element counts >= 0.

import {
  FIN_NONE, FIN_RELU_GRAD, FIN_TANH_GRAD, INIT_BIAS, INIT_C, finScalar, gemm, gemm4, gemmNarrowDot, pack2Rows, pack4Rows,
} from "./gemm";
import { gather4, scatter4 } from "./lanes";
import { expF32, expF32x4 } from "./mathf32";

/** The columns n >= NV of B (nIn x nOut) transposed into wn: wn[(n - NV) nIn + i] = B[i, n]. */
// @ts-ignore: decorator
@inline function narrowColumns(bm: usize, wn: usize, nIn: i32, nOut: i32, NV: i32): void {
  const narrow = nOut - NV;
  for (let i = 0; i < nIn; i++) {
    for (let n = 0; n < narrow; n++) {
      store<f32>(wn + ((<usize>n * <usize>nIn + <usize>i) << 2), load<f32>(bm + ((<usize>i * <usize>nOut + <usize>(NV + n)) << 2)));
    }
  }
}

// Each GEMM below sits in a function of its own with constant init modes and
// a run-time finish (read only when a tile is stored): one large function
// holding every combination inlined (as dense.ts's wrappers do for one or two)
// compiled to markedly slower code for the same product (bench/nn-fisher.js
// measures the kernel).

/** out = fin(init + A B) on the vector columns n < NV, A (batch x nIn) packed 2-interleaved into pack first; bias: vb or 0 (add to out). */
function gemm2Into(a: usize, b: usize, vb: usize, hn: usize, fin: i32, out: usize, pack: usize, batch: i32, nIn: i32, nOut: i32, NV: i32): void {
  const rowX = <usize>nIn << 2;
  const ldc = <usize>nOut << 2;
  pack2Rows(a, pack, batch, nIn);
  if (vb != 0) gemm(pack, rowX << 1, 8, a, rowX, 4, b, ldc, out, ldc, vb, INIT_BIAS, hn, fin, batch, NV, nIn);
  else gemm(pack, rowX << 1, 8, a, rowX, 4, b, ldc, out, ldc, 0, INIT_C, hn, fin, batch, NV, nIn);
}

/** gemm2Into with 4 x 8 tiles (A packed 4-interleaved), for NV not a multiple of 16. */
function gemm4Into(a: usize, b: usize, vb: usize, hn: usize, fin: i32, out: usize, pack: usize, batch: i32, nIn: i32, nOut: i32, NV: i32): void {
  const rowX = <usize>nIn << 2;
  const ldc = <usize>nOut << 2;
  pack4Rows(a, pack, batch, nIn);
  if (vb != 0) gemm4(pack, rowX << 2, 16, a, rowX, 4, b, ldc, out, ldc, vb, INIT_BIAS, hn, fin, batch, NV, nIn);
  else gemm4(pack, rowX << 2, 16, a, rowX, 4, b, ldc, out, ldc, 0, INIT_C, hn, fin, batch, NV, nIn);
}

/** The columns n >= NV of out = fin(init + A B), B's narrow columns transposed in bn (shifted by NV columns). */
function narrowInto(a: usize, bn: usize, vb: usize, hn: usize, fin: i32, out: usize, batch: i32, nIn: i32, nOut: i32, NV: i32): void {
  if (vb != 0) gemmNarrowDot(a, nIn, bn, 1, nIn, out, nOut, vb, INIT_BIAS, hn, fin, batch, NV, nOut, nIn);
  else gemmNarrowDot(a, nIn, bn, 1, nIn, out, nOut, 0, INIT_C, hn, fin, batch, NV, nOut, nIn);
}

/** out = fin(h V + vb [+ t W]) (see nnFisherJvpSimd); vb must not be 0 (a null pointer). */
function jvpDense(
  h: usize, t: usize, w: usize, v: usize, vb: usize, hn: usize, out: usize, pack: usize, wn: usize,
  batch: i32, nIn: i32, nOut: i32, fin: i32,
): void {
  const NV = nOut & ~3;
  const first = t == 0 ? fin : FIN_NONE;
  if (NV > 0) {
    if ((NV & 15) == 0) {
      gemm2Into(h, v, vb, hn, first, out, pack, batch, nIn, nOut, NV);
      if (t != 0) gemm2Into(t, w, 0, hn, fin, out, pack, batch, nIn, nOut, NV);
    } else {
      gemm4Into(h, v, vb, hn, first, out, pack, batch, nIn, nOut, NV);
      if (t != 0) gemm4Into(t, w, 0, hn, fin, out, pack, batch, nIn, nOut, NV);
    }
  }
  if (NV < nOut) {
    // The (at most 3) narrow columns of V and W, transposed, are read as
    // contiguous vectors along k (wn holds 2 x 3 x nIn f32).
    const shift = (<usize>NV * <usize>nIn) << 2;
    const wnW = wn + ((<usize>(nOut - NV) * <usize>nIn) << 2);
    narrowColumns(v, wn, nIn, nOut, NV);
    narrowInto(h, wn - shift, vb, hn, first, out, batch, nIn, nOut, NV);
    if (t != 0) {
      narrowColumns(w, wnW, nIn, nOut, NV);
      narrowInto(t, wnW - shift, 0, hn, fin, out, batch, nIn, nOut, NV);
    }
  }
}

/**
 * Tangent of a dense layer and its activation along a parameter direction:
 *   out[r, o] = act'(hn[r, o]) (vb[o] + sum_i h[r, i] V[i, o] + sum_i t[r, i] W[i, o])
 * with act 0: act' = 1 (linear; hn unused), 1: 1 - hn^2 (tanh), 2: [hn > 0] (relu),
 * where hn = act(h W + b) is the layer's output. t = 0 drops the t W term
 * (the first layer, whose input does not depend on the parameters).
 * h, t: batch x nIn; w (W), v (V): nIn x nOut; vb: nOut; hn, out: batch x nOut
 * (out must not overlap h, t or hn); pack: scratch of batch * nIn f32;
 * wn: scratch of 6 nIn f32.
 */
export function nnFisherJvpSimd(
  h: usize, t: usize, w: usize, v: usize, vb: usize, hn: usize, act: i32, out: usize, pack: usize, wn: usize,
  batch: i32, nIn: i32, nOut: i32,
): void {
  jvpDense(h, t, w, v, vb, hn, out, pack, wn, batch, nIn, nOut, act == 1 ? FIN_TANH_GRAD : act == 2 ? FIN_RELU_GRAD : FIN_NONE);
}

/**
 * Tangent of a dense layer, scalar twin (pack and wn unused): the sum from
 * vb[o] over i increasing of h V, then of t W, then the activation derivative
 * as nnDenseBackwardInputScalar applies it.
 */
export function nnFisherJvpScalar(
  h: usize, t: usize, w: usize, v: usize, vb: usize, hn: usize, act: i32, out: usize, pack: usize, wn: usize,
  batch: i32, nIn: i32, nOut: i32,
): void {
  const fin = act == 1 ? FIN_TANH_GRAD : act == 2 ? FIN_RELU_GRAD : FIN_NONE;
  for (let r = 0; r < batch; r++) {
    const hr = h + ((<usize>r * <usize>nIn) << 2);
    const tr = t + ((<usize>r * <usize>nIn) << 2);
    for (let o = 0; o < nOut; o++) {
      let s = load<f32>(vb + (<usize>o << 2));
      for (let i = 0; i < nIn; i++) s += load<f32>(hr + (<usize>i << 2)) * load<f32>(v + ((<usize>i * <usize>nOut + <usize>o) << 2));
      if (t != 0) {
        for (let i = 0; i < nIn; i++) s += load<f32>(tr + (<usize>i << 2)) * load<f32>(w + ((<usize>i * <usize>nOut + <usize>o) << 2));
      }
      const p = (<usize>r * <usize>nOut + <usize>o) << 2;
      store<f32>(out + p, finScalar(fin, s, hn + p));
    }
  }
}

/**
 * Categorical Fisher metric on the logits' tangent, per row:
 *   out[r, j] = scale p_j (u[r, j] - sum_k p_k u[r, k]),  p = exp(logp[r, :])
 * (masked actions: logp = -inf, p = 0, out = 0). logp, u, out: rows x A
 * (out may equal u).
 */
export function nnFisherCategoricalSimd(logp: usize, u: usize, out: usize, rows: i32, A: i32, scale: f32): void {
  const stride = <usize>A << 2;
  const sv = f32x4.splat(scale);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const lp = logp + <usize>r * stride;
    const ur = u + <usize>r * stride;
    const orow = out + <usize>r * stride;
    let s = f32x4.splat(0);
    for (let j = 0; j < A; j++) {
      const o = <usize>j << 2;
      s = f32x4.add(s, f32x4.mul(expF32x4(gather4(lp + o, stride)), gather4(ur + o, stride)));
    }
    for (let j = 0; j < A; j++) {
      const o = <usize>j << 2;
      const p = expF32x4(gather4(lp + o, stride));
      scatter4(orow + o, stride, f32x4.mul(sv, f32x4.mul(p, f32x4.sub(gather4(ur + o, stride), s))));
    }
  }
  for (; r < rows; r++) categoricalMetricRow(logp, u, out, r, A, scale);
}

// @ts-ignore: decorator
@inline function categoricalMetricRow(logp: usize, u: usize, out: usize, r: i32, A: i32, scale: f32): void {
  const base = (<usize>r * <usize>A) << 2;
  let s: f32 = 0;
  for (let j = 0; j < A; j++) {
    const o = base + (<usize>j << 2);
    s += expF32(load<f32>(logp + o)) * load<f32>(u + o);
  }
  for (let j = 0; j < A; j++) {
    const o = base + (<usize>j << 2);
    store<f32>(out + o, scale * (expF32(load<f32>(logp + o)) * (load<f32>(u + o) - s)));
  }
}

/** Categorical Fisher metric, scalar twin (the same operations in the same order). */
export function nnFisherCategoricalScalar(logp: usize, u: usize, out: usize, rows: i32, A: i32, scale: f32): void {
  for (let r = 0; r < rows; r++) categoricalMetricRow(logp, u, out, r, A, scale);
}

/**
 * Diagonal-Gaussian Fisher metric on the means' tangent:
 *   out[r, d] = scale (u[r, d] p_d),  p_d = exp(-2 logStd[d]) = 1 / sigma_d^2,
 * p_d computed once per dimension, then four rows at a time (one lane per row).
 * u, out: rows x D (out may equal u); logStd: D.
 */
export function nnFisherGaussianSimd(u: usize, logStd: usize, out: usize, rows: i32, D: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const p = expF32(load<f32>(logStd + o) * <f32>-2);
    const pv = f32x4.splat(p);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const at = <usize>r * stride + o;
      scatter4(out + at, stride, f32x4.mul(sv, f32x4.mul(gather4(u + at, stride), pv)));
    }
    for (; r < rows; r++) {
      const at = <usize>r * stride + o;
      store<f32>(out + at, scale * (load<f32>(u + at) * p));
    }
  }
}

/** Diagonal-Gaussian Fisher metric, scalar twin (the same operations). */
export function nnFisherGaussianScalar(u: usize, logStd: usize, out: usize, rows: i32, D: i32, scale: f32): void {
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const p = expF32(load<f32>(logStd + o) * <f32>-2);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * stride + o;
      store<f32>(out + at, scale * (load<f32>(u + at) * p));
    }
  }
}

/** out[i] += damping v[i] for i < n (the damping term of F v + damping v). */
export function nnFisherDampSimd(v: usize, out: usize, n: i32, damping: f32): void {
  const dv = f32x4.splat(damping);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.mul(dv, v128.load(v + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(out + o) + damping * load<f32>(v + o));
  }
}

/** out[i] += damping v[i], scalar twin. */
export function nnFisherDampScalar(v: usize, out: usize, n: i32, damping: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(out + o) + damping * load<f32>(v + o));
  }
}
