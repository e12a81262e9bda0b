// The sample-based Mirror Learning objective of the smooth built-in drifts
// (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning"; the per-sample
// estimators of the drifts in src/mirror/drifts/), one minibatch row per
// sample a ~ pi_old(.|s). With l = logpNew - logpOld, r = exp(l), advantage A,
// drift weight w (nu(s)/beta(s); 1 when weights = 0), p = exp(logpOld),
// coefficient C and q = r - 1 - l >= 0:
//
//   kind 0, zero drift:  D = 0                       dD/dl = 0
//   kind 1, forward KL:  D = C q                     dD/dl = C (r - 1)        C ((r - 1) - log r)
//   kind 2, reverse KL:  D = C (l (r - 1) - q)       dD/dl = C r l            C (r log r - r + 1)
//   kind 3, squared L2:  D = C p (r - 1)^2           dD/dl = 2 C p r (r - 1)
//
//   objective = r A - w D,   gLogp = d(-mean objective)/d logpNew = -(r A - w dD/dl) / rows.
//
// q and r - 1 = l + q are computed without cancellation: q from its Taylor
// series l^2 (1/2! + l/3! + ... + l^9/11!) where |l| <= 1 (truncation below
// 3e-9 relative), from exp elsewhere, so the drift values keep their
// precision next to r = 1, where they are O(l^2). exp is the f32 exponential
// of assembly/nn/mathf32.ts; the SIMD kernel and its scalar twin perform the
// same f32 operations in the same order per row and add the statistics in
// row order in f64, so they agree to the last bit. stats gets [sum objective,
// sum w D, 0, sum q] (sum q / rows is SB3's approx_kl, Schulman's k3).
import { expF32, expF32x4, K_ONE, vk } from "../nn/mathf32";

// 1/(k+2)! for k = 0..9: the Taylor coefficients of (exp(l) - 1 - l) / l^2.
const T0: f32 = 0.5;
const T1: f32 = 0.16666666666666666;
const T2: f32 = 0.041666666666666664;
const T3: f32 = 0.008333333333333333;
const T4: f32 = 0.001388888888888889;
const T5: f32 = 0.0001984126984126984;
const T6: f32 = 0.0000248015873015873;
const T7: f32 = 0.0000027557319223985893;
const T8: f32 = 2.755731922398589e-7;
const T9: f32 = 2.505210838544172e-8;
const TAB = memory.data<f32>([T0, T1, T2, T3, T4, T5, T6, T7, T8, T9]);

// @ts-ignore: decorator
@inline function tk(i: i32): v128 {
  return v128.load32_splat(TAB + (<usize>i << 2));
}

/** q = exp(l) - 1 - l given r = exp(l) (see the file comment). */
// @ts-ignore: decorator
@inline function expm1MinusX(l: f32, r: f32): f32 {
  if (abs<f32>(l) <= <f32>1.0) {
    let t = T9;
    t = T8 + l * t;
    t = T7 + l * t;
    t = T6 + l * t;
    t = T5 + l * t;
    t = T4 + l * t;
    t = T3 + l * t;
    t = T2 + l * t;
    t = T1 + l * t;
    t = T0 + l * t;
    return (l * l) * t;
  }
  return (r - <f32>1.0) - l;
}

/** D of one row, unweighted (see the file comment). */
// @ts-ignore: decorator
@inline function driftTerms(kind: i32, C: f32, l: f32, q: f32, lpo: f32): f32 {
  if (kind == 1) return C * q;
  if (kind == 2) return C * (l * (l + q) - q);
  if (kind == 3) {
    const rm1 = l + q;
    return C * (expF32(lpo) * (rm1 * rm1));
  }
  return <f32>0.0;
}

/** dD/dl of one row, unweighted. */
// @ts-ignore: decorator
@inline function driftSlope(kind: i32, C: f32, l: f32, r: f32, q: f32, lpo: f32): f32 {
  if (kind == 1) return C * (l + q);
  if (kind == 2) return C * (r * l);
  if (kind == 3) return C * (<f32>2.0 * (expF32(lpo) * (r * (l + q))));
  return <f32>0.0;
}

/** Scalar twin of agentsDriftLossSimd (see the file comment). */
export function agentsDriftLossScalar(
  logpOld: usize, logpNew: usize, adv: usize, weights: usize, gLogp: usize, stats: usize, rows: i32, kind: i32, coefficient: f32,
): void {
  const inv = <f32>1.0 / <f32>rows;
  let obj = 0.0;
  let drift = 0.0;
  let kl = 0.0;
  for (let i = 0; i < rows; i++) {
    const o = <usize>i << 2;
    const lpo = load<f32>(logpOld + o);
    const l = load<f32>(logpNew + o) - lpo;
    const r = expF32(l);
    const q = expm1MinusX(l, r);
    const a = load<f32>(adv + o);
    const w = weights ? load<f32>(weights + o) : <f32>1.0;
    const ra = r * a;
    const wd = w * driftTerms(kind, coefficient, l, q, lpo);
    const ws = w * driftSlope(kind, coefficient, l, r, q, lpo);
    store<f32>(gLogp + o, -(ra - ws) * inv);
    obj += <f64>(ra - wd);
    drift += <f64>wd;
    kl += <f64>q;
  }
  store<f64>(stats, obj);
  store<f64>(stats + 8, drift);
  store<f64>(stats + 16, 0.0);
  store<f64>(stats + 24, kl);
}

/**
 * Per-row gradient d(-mean objective)/d logpNew and summed statistics of the
 * sample-based Mirror Learning objective for drift `kind` with coefficient C
 * (see the file comment), four rows per f32x4 step; the rows after the last
 * full vector go through the scalar twin's operations.
 */
export function agentsDriftLossSimd(
  logpOld: usize, logpNew: usize, adv: usize, weights: usize, gLogp: usize, stats: usize, rows: i32, kind: i32, coefficient: f32,
): void {
  const inv = <f32>1.0 / <f32>rows;
  const vinv = f32x4.splat(inv);
  const one = vk(K_ONE);
  const two = f32x4.add(one, one);
  const C = f32x4.splat(coefficient);
  let obj = 0.0;
  let drift = 0.0;
  let kl = 0.0;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o = <usize>i << 2;
    const lpo = v128.load(logpOld + o);
    const l = f32x4.sub(v128.load(logpNew + o), lpo);
    const r = expF32x4(l);
    // q: Taylor where |l| <= 1, exp elsewhere (both computed, one kept per lane).
    let t = tk(9);
    t = f32x4.add(tk(8), f32x4.mul(l, t));
    t = f32x4.add(tk(7), f32x4.mul(l, t));
    t = f32x4.add(tk(6), f32x4.mul(l, t));
    t = f32x4.add(tk(5), f32x4.mul(l, t));
    t = f32x4.add(tk(4), f32x4.mul(l, t));
    t = f32x4.add(tk(3), f32x4.mul(l, t));
    t = f32x4.add(tk(2), f32x4.mul(l, t));
    t = f32x4.add(tk(1), f32x4.mul(l, t));
    t = f32x4.add(tk(0), f32x4.mul(l, t));
    const taylor = f32x4.mul(f32x4.mul(l, l), t);
    const direct = f32x4.sub(f32x4.sub(r, one), l);
    const q = v128.bitselect(taylor, direct, f32x4.le(f32x4.abs(l), one));
    const a = v128.load(adv + o);
    const w = weights ? v128.load(weights + o) : one;
    const ra = f32x4.mul(r, a);
    let d = f32x4.splat(0);
    let s = f32x4.splat(0);
    if (kind == 1) {
      d = f32x4.mul(C, q);
      s = f32x4.mul(C, f32x4.add(l, q));
    } else if (kind == 2) {
      d = f32x4.mul(C, f32x4.sub(f32x4.mul(l, f32x4.add(l, q)), q));
      s = f32x4.mul(C, f32x4.mul(r, l));
    } else if (kind == 3) {
      const p = expF32x4(lpo);
      const rm1 = f32x4.add(l, q);
      d = f32x4.mul(C, f32x4.mul(p, f32x4.mul(rm1, rm1)));
      s = f32x4.mul(C, f32x4.mul(two, f32x4.mul(p, f32x4.mul(r, rm1))));
    }
    const wd = f32x4.mul(w, d);
    const ws = f32x4.mul(w, s);
    v128.store(gLogp + o, f32x4.mul(f32x4.neg(f32x4.sub(ra, ws)), vinv));
    const ob = f32x4.sub(ra, wd);
    obj += <f64>f32x4.extract_lane(ob, 0);
    drift += <f64>f32x4.extract_lane(wd, 0);
    kl += <f64>f32x4.extract_lane(q, 0);
    obj += <f64>f32x4.extract_lane(ob, 1);
    drift += <f64>f32x4.extract_lane(wd, 1);
    kl += <f64>f32x4.extract_lane(q, 1);
    obj += <f64>f32x4.extract_lane(ob, 2);
    drift += <f64>f32x4.extract_lane(wd, 2);
    kl += <f64>f32x4.extract_lane(q, 2);
    obj += <f64>f32x4.extract_lane(ob, 3);
    drift += <f64>f32x4.extract_lane(wd, 3);
    kl += <f64>f32x4.extract_lane(q, 3);
  }
  for (; i < rows; i++) {
    const o = <usize>i << 2;
    const lpo = load<f32>(logpOld + o);
    const l = load<f32>(logpNew + o) - lpo;
    const r = expF32(l);
    const q = expm1MinusX(l, r);
    const a = load<f32>(adv + o);
    const w = weights ? load<f32>(weights + o) : <f32>1.0;
    const ra = r * a;
    const wd = w * driftTerms(kind, coefficient, l, q, lpo);
    const ws = w * driftSlope(kind, coefficient, l, r, q, lpo);
    store<f32>(gLogp + o, -(ra - ws) * inv);
    obj += <f64>(ra - wd);
    drift += <f64>wd;
    kl += <f64>q;
  }
  store<f64>(stats, obj);
  store<f64>(stats + 8, drift);
  store<f64>(stats + 16, 0.0);
  store<f64>(stats + 24, kl);
}
