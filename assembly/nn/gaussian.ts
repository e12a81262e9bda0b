// Diagonal Gaussian policy head with a state-independent log standard
// deviation (as in SB3 and CleanRL for continuous actions), over f32:
// means and actions are rows x D (row-major), logStd is one D-vector.
//   log pi(a) = -sum_d [ z_d^2 / 2 + logStd_d ] - D log(2 pi) / 2,  z_d = (a_d - mu_d) / sigma_d
//   KL(P || Q) = sum_d [ (r_d - 1 - log r_d) / 2 + (muP_d - muQ_d)^2 / (2 sigmaQ_d^2) ],
//                r_d = sigmaP_d^2 / sigmaQ_d^2
// (the entropy sum_d logStd_d + D (1 + log 2 pi) / 2 does not depend on the
// state and is computed in TypeScript, src/nn/gaussian.ts).
// SIMD runs across four rows (one lane per row). Per-row results agree with the
// scalar twins to the last bit; the log-std gradients, summed over rows, are
// added in a different order (four lanes, then the lanes) and agree to rounding.

import { expF32, K_HALF, K_ONE, vk } from "./mathf32";
import { gather4, hsum, scatter4, upstream } from "./lanes";

const HALF_LOG_2PI: f32 = 0.9189385332046727;

// @ts-ignore: decorator
@inline function logProbRow(mean: usize, logStd: usize, actions: usize, D: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const ls = load<f32>(logStd + o);
    const z = (load<f32>(actions + o) - load<f32>(mean + o)) * expF32(-ls);
    s += z * z * <f32>0.5 + ls;
  }
  return -s - <f32>D * HALF_LOG_2PI;
}

/**
 * Log-density of each row's action: out[r] = log N(actions[r] | mean[r], diag(exp(2 logStd))).
 * mean, actions: rows x D; logStd: D; out: rows.
 */
export function nnGaussianLogProbSimd(mean: usize, logStd: usize, actions: usize, out: usize, rows: i32, D: i32): void {
  const stride = <usize>D << 2;
  const c = f32x4.splat(<f32>D * HALF_LOG_2PI);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const base = <usize>r * stride;
    let s = f32x4.splat(0);
    for (let d = 0; d < D; d++) {
      const o = <usize>d << 2;
      const ls = load<f32>(logStd + o);
      const diff = f32x4.sub(gather4(actions + base + o, stride), gather4(mean + base + o, stride));
      const z = f32x4.mul(diff, f32x4.splat(expF32(-ls)));
      s = f32x4.add(s, f32x4.add(f32x4.mul(f32x4.mul(z, z), vk(K_HALF)), f32x4.splat(ls)));
    }
    v128.store(out + (<usize>r << 2), f32x4.sub(f32x4.neg(s), c));
  }
  for (; r < rows; r++) {
    const base = <usize>r * stride;
    store<f32>(out + (<usize>r << 2), logProbRow(mean + base, logStd, actions + base, D));
  }
}

/** Log-density of each row's action, scalar twin. */
export function nnGaussianLogProbScalar(mean: usize, logStd: usize, actions: usize, out: usize, rows: i32, D: i32): void {
  const stride = <usize>D << 2;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * stride;
    store<f32>(out + (<usize>r << 2), logProbRow(mean + base, logStd, actions + base, D));
  }
}

/**
 * Gradients of sum_r g_r log pi(a_r | r):
 *   d mu[r, d] = g_r z / sigma_d,   d logStd[d] = sum_r g_r (z^2 - 1).
 * g: rows or 0 (then gScale for every row); dMean: rows x D or 0; dLogStd: D or 0;
 * overwritten, or added to when accumulate != 0.
 */
export function nnGaussianLogProbBackwardSimd(
  mean: usize, logStd: usize, actions: usize, g: usize, gScale: f32, dMean: usize, dLogStd: usize,
  rows: i32, D: i32, accumulate: i32,
): void {
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const inv = expF32(-load<f32>(logStd + o));
    const iv = f32x4.splat(inv);
    let acc = f32x4.splat(0);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const p = <usize>r * stride + o;
      const gv = g != 0 ? v128.load(g + (<usize>r << 2)) : f32x4.splat(gScale);
      const z = f32x4.mul(f32x4.sub(gather4(actions + p, stride), gather4(mean + p, stride)), iv);
      if (dMean != 0) {
        let dm = f32x4.mul(gv, f32x4.mul(z, iv));
        if (accumulate) dm = f32x4.add(gather4(dMean + p, stride), dm);
        scatter4(dMean + p, stride, dm);
      }
      acc = f32x4.add(acc, f32x4.mul(gv, f32x4.sub(f32x4.mul(z, z), vk(K_ONE))));
    }
    let total = hsum(acc);
    for (; r < rows; r++) {
      const p = <usize>r * stride + o;
      const gr = upstream(g, gScale, r);
      const z = (load<f32>(actions + p) - load<f32>(mean + p)) * inv;
      if (dMean != 0) {
        const dm = gr * (z * inv);
        store<f32>(dMean + p, accumulate ? load<f32>(dMean + p) + dm : dm);
      }
      total += gr * (z * z - <f32>1);
    }
    if (dLogStd != 0) store<f32>(dLogStd + o, accumulate ? load<f32>(dLogStd + o) + total : total);
  }
}

/** Gradients of the log-density with respect to mean and logStd, scalar twin (rows summed in order). */
export function nnGaussianLogProbBackwardScalar(
  mean: usize, logStd: usize, actions: usize, g: usize, gScale: f32, dMean: usize, dLogStd: usize,
  rows: i32, D: i32, accumulate: i32,
): void {
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const inv = expF32(-load<f32>(logStd + o));
    let total: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const p = <usize>r * stride + o;
      const gr = upstream(g, gScale, r);
      const z = (load<f32>(actions + p) - load<f32>(mean + p)) * inv;
      if (dMean != 0) {
        const dm = gr * (z * inv);
        store<f32>(dMean + p, accumulate ? load<f32>(dMean + p) + dm : dm);
      }
      total += gr * (z * z - <f32>1);
    }
    if (dLogStd != 0) store<f32>(dLogStd + o, accumulate ? load<f32>(dLogStd + o) + total : total);
  }
}

// Per-dimension KL constants: c0 = (r - 1 - log r) / 2 with log r = 2 (lsP - lsQ),
// and h = 1 / (2 sigmaQ^2), so a row's term is c0 + h (muP - muQ)^2.
// @ts-ignore: decorator
@inline function klC0(lsP: f32, lsQ: f32): f32 {
  const lr = (lsP - lsQ) * <f32>2;
  return (expF32(lr) - <f32>1 - lr) * <f32>0.5;
}

// @ts-ignore: decorator
@inline function klH(lsQ: f32): f32 {
  return expF32(lsQ * <f32>-2) * <f32>0.5;
}

// @ts-ignore: decorator
@inline function klRow(meanP: usize, logStdP: usize, meanQ: usize, logStdQ: usize, D: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const lsP = load<f32>(logStdP + o);
    const lsQ = load<f32>(logStdQ + o);
    const diff = load<f32>(meanP + o) - load<f32>(meanQ + o);
    s += klC0(lsP, lsQ) + klH(lsQ) * (diff * diff);
  }
  return s;
}

/**
 * KL(P || Q) between diagonal Gaussians, per row: meanP, meanQ: rows x D;
 * logStdP, logStdQ: D; out: rows.
 */
export function nnGaussianKlSimd(
  meanP: usize, logStdP: usize, meanQ: usize, logStdQ: usize, out: usize, rows: i32, D: i32,
): void {
  const stride = <usize>D << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const base = <usize>r * stride;
    let s = f32x4.splat(0);
    for (let d = 0; d < D; d++) {
      const o = <usize>d << 2;
      const lsP = load<f32>(logStdP + o);
      const lsQ = load<f32>(logStdQ + o);
      const diff = f32x4.sub(gather4(meanP + base + o, stride), gather4(meanQ + base + o, stride));
      const term = f32x4.add(f32x4.splat(klC0(lsP, lsQ)), f32x4.mul(f32x4.splat(klH(lsQ)), f32x4.mul(diff, diff)));
      s = f32x4.add(s, term);
    }
    v128.store(out + (<usize>r << 2), s);
  }
  for (; r < rows; r++) {
    const base = <usize>r * stride;
    store<f32>(out + (<usize>r << 2), klRow(meanP + base, logStdP, meanQ + base, logStdQ, D));
  }
}

/** KL(P || Q) between diagonal Gaussians per row, scalar twin. */
export function nnGaussianKlScalar(
  meanP: usize, logStdP: usize, meanQ: usize, logStdQ: usize, out: usize, rows: i32, D: i32,
): void {
  const stride = <usize>D << 2;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * stride;
    store<f32>(out + (<usize>r << 2), klRow(meanP + base, logStdP, meanQ + base, logStdQ, D));
  }
}

// @ts-ignore: decorator
@inline function addOrStore(p: usize, v: f32, accumulate: i32): void {
  store<f32>(p, accumulate ? load<f32>(p) + v : v);
}

/**
 * Gradients of sum_r g_r KL(P_r || Q_r), with r_d = sigmaP^2 / sigmaQ^2 and diff = muP - muQ:
 *   d muP = g diff / sigmaQ^2 = -d muQ,   d logStdP = sum_r g (r_d - 1),
 *   d logStdQ = sum_r g (1 - r_d - diff^2 / sigmaQ^2).
 * g: rows or 0 (then gScale); each output (dMeanP, dMeanQ: rows x D; dLogStdP,
 * dLogStdQ: D) may be 0 (not computed); overwritten, or added to when accumulate != 0.
 */
export function nnGaussianKlBackwardSimd(
  meanP: usize, logStdP: usize, meanQ: usize, logStdQ: usize, g: usize, gScale: f32,
  dMeanP: usize, dLogStdP: usize, dMeanQ: usize, dLogStdQ: usize, rows: i32, D: i32, accumulate: i32,
): void {
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const lsP = load<f32>(logStdP + o);
    const lsQ = load<f32>(logStdQ + o);
    const ratio = expF32((lsP - lsQ) * <f32>2);
    const iq = expF32(lsQ * <f32>-2);
    const iqv = f32x4.splat(iq);
    const rm1 = ratio - <f32>1;
    const omr = f32x4.splat(<f32>1 - ratio);
    let accG = f32x4.splat(0);
    let accQ = f32x4.splat(0);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const p = <usize>r * stride + o;
      const gv = g != 0 ? v128.load(g + (<usize>r << 2)) : f32x4.splat(gScale);
      const diff = f32x4.sub(gather4(meanP + p, stride), gather4(meanQ + p, stride));
      const dmp = f32x4.mul(gv, f32x4.mul(diff, iqv));
      if (dMeanP != 0) scatter4(dMeanP + p, stride, accumulate ? f32x4.add(gather4(dMeanP + p, stride), dmp) : dmp);
      if (dMeanQ != 0) {
        const dmq = f32x4.neg(dmp);
        scatter4(dMeanQ + p, stride, accumulate ? f32x4.add(gather4(dMeanQ + p, stride), dmq) : dmq);
      }
      accG = f32x4.add(accG, gv);
      accQ = f32x4.add(accQ, f32x4.mul(gv, f32x4.sub(omr, f32x4.mul(f32x4.mul(diff, diff), iqv))));
    }
    let sumG = hsum(accG);
    let sumQ = hsum(accQ);
    for (; r < rows; r++) {
      const p = <usize>r * stride + o;
      const gr = upstream(g, gScale, r);
      const diff = load<f32>(meanP + p) - load<f32>(meanQ + p);
      const dmp = gr * (diff * iq);
      if (dMeanP != 0) addOrStore(dMeanP + p, dmp, accumulate);
      if (dMeanQ != 0) addOrStore(dMeanQ + p, -dmp, accumulate);
      sumG += gr;
      sumQ += gr * ((<f32>1 - ratio) - diff * diff * iq);
    }
    if (dLogStdP != 0) addOrStore(dLogStdP + o, sumG * rm1, accumulate);
    if (dLogStdQ != 0) addOrStore(dLogStdQ + o, sumQ, accumulate);
  }
}

/** Gradients of the Gaussian KL, scalar twin (rows summed in order). */
export function nnGaussianKlBackwardScalar(
  meanP: usize, logStdP: usize, meanQ: usize, logStdQ: usize, g: usize, gScale: f32,
  dMeanP: usize, dLogStdP: usize, dMeanQ: usize, dLogStdQ: usize, rows: i32, D: i32, accumulate: i32,
): void {
  const stride = <usize>D << 2;
  for (let d = 0; d < D; d++) {
    const o = <usize>d << 2;
    const lsP = load<f32>(logStdP + o);
    const lsQ = load<f32>(logStdQ + o);
    const ratio = expF32((lsP - lsQ) * <f32>2);
    const iq = expF32(lsQ * <f32>-2);
    let sumG: f32 = 0;
    let sumQ: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const p = <usize>r * stride + o;
      const gr = upstream(g, gScale, r);
      const diff = load<f32>(meanP + p) - load<f32>(meanQ + p);
      const dmp = gr * (diff * iq);
      if (dMeanP != 0) addOrStore(dMeanP + p, dmp, accumulate);
      if (dMeanQ != 0) addOrStore(dMeanQ + p, -dmp, accumulate);
      sumG += gr;
      sumQ += gr * ((<f32>1 - ratio) - diff * diff * iq);
    }
    if (dLogStdP != 0) addOrStore(dLogStdP + o, sumG * (ratio - <f32>1), accumulate);
    if (dLogStdQ != 0) addOrStore(dLogStdQ + o, sumQ, accumulate);
  }
}
