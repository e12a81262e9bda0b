// Generalised state-dependent exploration (gSDE; Raffin, Kober & Stulp 2022,
// "Smooth Exploration for Robotic Reinforcement Learning"), the log-density
// head over f32. The exploration noise of action dimension d is
// eps_d = sum_j z_j theta_jd with theta_jd ~ N(0, s_jd^2), z the policy's
// last hidden layer (rows x L), so the action is Gaussian with a
// state-dependent variance:
//   var_rd = sum_j z_rj^2 w_dj + epsilon,   w_dj = s_jd^2 (stored transposed, D x L),
//   sigma_rd = sqrt(var_rd),  u_rd = (a_rd - mu_rd) / sigma_rd,
//   log pi(a_r) = -sum_d [ u_rd^2 / 2 + log sigma_rd ] - D log(2 pi) / 2,
//   H_r = sum_d log sigma_rd + D (1 + log 2 pi) / 2
// (epsilon: Stable-Baselines3 adds 1e-6 to the variance).
// SIMD runs along the latent dimension j (four lanes); the scalar twins keep
// four partial sums in the same lane order and add them as hsum does, so SIMD
// and scalar agree to the last bit.

import { logF32 } from "./mathf32";
import { hsum, upstream } from "./lanes";

const HALF_LOG_2PI: f32 = 0.9189385332046727;

/** sum_j z_j^2 w_j over L values, four lanes then the remainder (SIMD). */
// @ts-ignore: decorator
@inline function sqDotSimd(z: usize, w: usize, L: i32): f32 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= L; j += 4) {
    const o = <usize>j << 2;
    const zv = v128.load(z + o);
    acc = f32x4.add(acc, f32x4.mul(f32x4.mul(zv, zv), v128.load(w + o)));
  }
  let s = hsum(acc);
  for (; j < L; j++) {
    const o = <usize>j << 2;
    const zj = load<f32>(z + o);
    s += zj * zj * load<f32>(w + o);
  }
  return s;
}

/** sum_j z_j^2 w_j, scalar: the same four partial sums and order as sqDotSimd. */
// @ts-ignore: decorator
@inline function sqDotScalar(z: usize, w: usize, L: i32): f32 {
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
  let j = 0;
  for (; j + 4 <= L; j += 4) {
    const o = <usize>j << 2;
    const z0 = load<f32>(z + o), z1 = load<f32>(z + o + 4), z2 = load<f32>(z + o + 8), z3 = load<f32>(z + o + 12);
    a0 += z0 * z0 * load<f32>(w + o);
    a1 += z1 * z1 * load<f32>(w + o + 4);
    a2 += z2 * z2 * load<f32>(w + o + 8);
    a3 += z3 * z3 * load<f32>(w + o + 12);
  }
  let s = (a0 + a1) + (a2 + a3);
  for (; j < L; j++) {
    const o = <usize>j << 2;
    const zj = load<f32>(z + o);
    s += zj * zj * load<f32>(w + o);
  }
  return s;
}

// @ts-ignore: decorator
@inline function logProbRows(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, logp: usize, entropy: usize,
  rows: i32, L: i32, D: i32, epsilon: f32, simd: bool,
): void {
  const zStride = <usize>L << 2;
  const aStride = <usize>D << 2;
  for (let r = 0; r < rows; r++) {
    const z = latent + <usize>r * zStride;
    let lp: f32 = 0;
    let ls: f32 = 0;
    for (let d = 0; d < D; d++) {
      const w = wT + <usize>d * zStride;
      const v = (simd ? sqDotSimd(z, w, L) : sqDotScalar(z, w, L)) + epsilon;
      const s = sqrt<f32>(v);
      const p = <usize>r * aStride + (<usize>d << 2);
      const u = (load<f32>(actions + p) - load<f32>(mean + p)) / s;
      const logSigma = logF32(v) * <f32>0.5;
      lp += u * u * <f32>0.5 + logSigma;
      ls += logSigma;
      if (sigma != 0) store<f32>(sigma + p, s);
    }
    if (logp != 0) store<f32>(logp + (<usize>r << 2), -lp - <f32>D * HALF_LOG_2PI);
    if (entropy != 0) store<f32>(entropy + (<usize>r << 2), ls + <f32>D * (<f32>0.5 + HALF_LOG_2PI));
  }
}

/**
 * Per row: log pi(a_r) into logp (rows), the entropy into entropy (rows) and
 * sigma (rows x D), each skipped when its pointer is 0. mean, actions:
 * rows x D; latent: rows x L; wT: D x L (the squared standard deviations of
 * the noise weights, transposed); epsilon: added to every variance.
 */
export function nnSdeLogProbSimd(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, logp: usize, entropy: usize,
  rows: i32, L: i32, D: i32, epsilon: f32,
): void {
  logProbRows(mean, latent, wT, actions, sigma, logp, entropy, rows, L, D, epsilon, true);
}

/** The gSDE log-density, entropy and sigma per row, scalar twin (bit-identical). */
export function nnSdeLogProbScalar(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, logp: usize, entropy: usize,
  rows: i32, L: i32, D: i32, epsilon: f32,
): void {
  logProbRows(mean, latent, wT, actions, sigma, logp, entropy, rows, L, D, epsilon, false);
}

// @ts-ignore: decorator
@inline function backwardRows(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, g: usize, gScale: f32, h: usize, hScale: f32,
  dMean: usize, dWT: usize, dLatent: usize, rows: i32, L: i32, D: i32, accumulate: i32, simd: bool,
): void {
  const zStride = <usize>L << 2;
  const aStride = <usize>D << 2;
  if (dWT != 0 && !accumulate) memory.fill(dWT, 0, <usize>D * zStride);
  for (let r = 0; r < rows; r++) {
    const z = latent + <usize>r * zStride;
    const dz = dLatent + <usize>r * zStride;
    if (dLatent != 0 && !accumulate) memory.fill(dz, 0, zStride);
    const gr = upstream(g, gScale, r);
    const hr = upstream(h, hScale, r);
    for (let d = 0; d < D; d++) {
      const p = <usize>r * aStride + (<usize>d << 2);
      const s = load<f32>(sigma + p);
      const u = (load<f32>(actions + p) - load<f32>(mean + p)) / s;
      if (dMean != 0) {
        const dm = gr * u / s;
        store<f32>(dMean + p, accumulate ? load<f32>(dMean + p) + dm : dm);
      }
      // dLoss/dvar_rd: d log pi / d var = (u^2 - 1) / (2 var), dH / d var = 1 / (2 var).
      const q = (gr * (u * u - <f32>1) + hr) / (<f32>2 * (s * s));
      const w = wT + <usize>d * zStride;
      const dw = dWT + <usize>d * zStride;
      const c = q * <f32>2;
      let j = 0;
      if (simd) {
        const qv = f32x4.splat(q);
        const cv = f32x4.splat(c);
        for (; j + 4 <= L; j += 4) {
          const o = <usize>j << 2;
          const zv = v128.load(z + o);
          if (dWT != 0) v128.store(dw + o, f32x4.add(v128.load(dw + o), f32x4.mul(qv, f32x4.mul(zv, zv))));
          if (dLatent != 0) v128.store(dz + o, f32x4.add(v128.load(dz + o), f32x4.mul(f32x4.mul(cv, zv), v128.load(w + o))));
        }
      }
      for (; j < L; j++) {
        const o = <usize>j << 2;
        const zj = load<f32>(z + o);
        if (dWT != 0) store<f32>(dw + o, load<f32>(dw + o) + q * (zj * zj));
        if (dLatent != 0) store<f32>(dz + o, load<f32>(dz + o) + c * zj * load<f32>(w + o));
      }
    }
  }
}

/**
 * Gradients of sum_r [g_r log pi(a_r) + h_r H_r] (after nnSdeLogProb* on the
 * same data, which wrote sigma), with q_rd = (g_r (u^2 - 1) + h_r) / (2 sigma^2):
 *   d mu_rd = g_r u / sigma,   d w_dj = sum_r q_rd z_rj^2,   d z_rj = 2 z_rj sum_d q_rd w_dj.
 * g, h: rows or 0 (then gScale / hScale for every row); dMean: rows x D,
 * dWT: D x L, dLatent: rows x L, each 0 to skip; overwritten, or added to
 * when accumulate != 0.
 */
export function nnSdeLogProbBackwardSimd(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, g: usize, gScale: f32, h: usize, hScale: f32,
  dMean: usize, dWT: usize, dLatent: usize, rows: i32, L: i32, D: i32, accumulate: i32,
): void {
  backwardRows(mean, latent, wT, actions, sigma, g, gScale, h, hScale, dMean, dWT, dLatent, rows, L, D, accumulate, true);
}

/** Gradients of the gSDE log-density and entropy, scalar twin (bit-identical: no sums across lanes). */
export function nnSdeLogProbBackwardScalar(
  mean: usize, latent: usize, wT: usize, actions: usize, sigma: usize, g: usize, gScale: f32, h: usize, hScale: f32,
  dMean: usize, dWT: usize, dLatent: usize, rows: i32, L: i32, D: i32, accumulate: i32,
): void {
  backwardRows(mean, latent, wT, actions, sigma, g, gScale, h, hScale, dMean, dWT, dLatent, rows, L, D, accumulate, false);
}
