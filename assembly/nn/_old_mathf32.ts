// f32 elementary functions for the neural kernels, each as a scalar function
// and an f32x4 function that perform the same IEEE operations in the same
// order, so SIMD kernels and their scalar twins agree to the last bit.
// Not exported from the module (no kernels here): imported by assembly/nn/*.
//
// Coefficients are our own minimax fits (Lawson iteration in f64, relative
// error), rounded to f32:
//   exp(r) = 1 + r + r^2 (E0 + E1 r + E2 r^2 + E3 r^3 + E4 r^4), |r| <= ln2/2, fit error 3.1e-9
//   log(1+f) = 2s + s^3 (L0 + L1 s^2 + L2 s^4), s = f/(2+f), |s| <= 0.1716, fit error 8.1e-10
//   tanh(x) = x + x^3 (T0 + T1 x^2 + ... + T4 x^8), |x| < 0.625, fit error 4.4e-9
// so the f32 results are within a few ulps of the correctly rounded values.

const LOG2E: f32 = 1.4426950408889634;
// ln 2 split in two (Cody & Waite): LN2_HI has 15 significant bits, so n * LN2_HI
// is exact for |n| <= 2^8 and the reduced argument loses nothing.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
const E0: f32 = 0.4999999403953552;
const E1: f32 = 0.1666652113199234;
const E2: f32 = 0.04166838899254799;
const E3: f32 = 0.00836869701743126;
const E4: f32 = 0.0013814546400681138;
/** Below this exp underflows to 0 (results would be subnormal). */
export const EXP_MIN: f32 = -87.33654;
/** Above this exp returns +inf (2^n would leave the f32 exponent range). */
export const EXP_MAX: f32 = 88.0;

const L0: f32 = 0.6666677594184875;
const L1: f32 = 0.3997757136821747;
const L2: f32 = 0.298709899187088;
/** Bits of sqrt(1/2): mantissas are reduced into [sqrt(1/2), sqrt(2)). */
const SQRT_HALF_BITS: i32 = 0x3f3504f3;

const T0: f32 = -0.3333328068256378;
const T1: f32 = 0.13331443071365356;
const T2: f32 = -0.05373978242278099;
const T3: f32 = 0.020639315247535706;
const T4: f32 = -0.005705247167497873;
/** Below this |x| tanh uses its odd polynomial; above it (1 - e)/(1 + e), e = exp(-2|x|). */
const TANH_SMALL: f32 = 0.625;
/** tanh(9) rounds to within one ulp of 1 in f32; clamping keeps exp away from underflow. */
const TANH_CLAMP: f32 = 9.0;

// ---------------------------------------------------------------- scalar

/** exp(x) for x in [EXP_MIN, EXP_MAX] (no range checks). */
// @ts-ignore: decorator
@inline export function expCoreF32(x: f32): f32 {
  const n = nearest<f32>(x * LOG2E);
  const r = x - n * LN2_HI - n * LN2_LO;
  const r2 = r * r;
  const p = r + r2 * (E0 + r * (E1 + r * (E2 + r * (E3 + r * E4)))) + <f32>1.0;
  const scale = reinterpret<f32>((<i32>n + 127) << 23);
  return p * scale;
}

/** exp(x) for every f32: 0 below EXP_MIN (and for -inf), +inf above EXP_MAX, NaN for NaN. */
// @ts-ignore: decorator
@inline export function expF32(x: f32): f32 {
  const y = expCoreF32(min<f32>(max<f32>(x, EXP_MIN), EXP_MAX));
  return x < EXP_MIN ? <f32>0 : x > EXP_MAX ? Infinity : y;
}

/** log(x) for positive normal x (log 1 = 0 exactly). */
// @ts-ignore: decorator
@inline export function logF32(x: f32): f32 {
  const t = reinterpret<i32>(x) - SQRT_HALF_BITS;
  const e = <f32>(t >> 23);
  const f = reinterpret<f32>((t & 0x007fffff) + SQRT_HALF_BITS) - <f32>1.0;
  const s = f / (<f32>2.0 + f);
  const s2 = s * s;
  const q = s2 * (L0 + s2 * (L1 + s2 * L2));
  return e * LN2_HI + (s * <f32>2.0 + s * q + e * LN2_LO);
}

/** tanh(x), odd and monotone to within rounding, within a few ulps of the true value. */
// @ts-ignore: decorator
@inline export function tanhF32(x: f32): f32 {
  const a = abs<f32>(x);
  const x2 = x * x;
  const small = x + x * x2 * (T0 + x2 * (T1 + x2 * (T2 + x2 * (T3 + x2 * T4))));
  const e = expCoreF32(min<f32>(a, TANH_CLAMP) * <f32>-2.0);
  const big = copysign<f32>((<f32>1.0 - e) / (<f32>1.0 + e), x);
  return a < TANH_SMALL ? small : big;
}

// ---------------------------------------------------------------- f32x4

// @ts-ignore: decorator
@inline export function expCoreF32x4(x: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.splat(E3), f32x4.mul(r, f32x4.splat(E4)));
  p = f32x4.add(f32x4.splat(E2), f32x4.mul(r, p));
  p = f32x4.add(f32x4.splat(E1), f32x4.mul(r, p));
  p = f32x4.add(f32x4.splat(E0), f32x4.mul(r, p));
  p = f32x4.add(f32x4.add(r, f32x4.mul(r2, p)), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  const lo = f32x4.splat(EXP_MIN);
  const hi = f32x4.splat(EXP_MAX);
  let y = expCoreF32x4(f32x4.min(f32x4.max(x, lo), hi));
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, lo));
  return v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, hi));
}

// @ts-ignore: decorator
@inline export function logF32x4(x: v128): v128 {
  const t = i32x4.sub(x, i32x4.splat(SQRT_HALF_BITS));
  const e = f32x4.convert_i32x4_s(i32x4.shr_s(t, 23));
  const m = i32x4.add(v128.and(t, i32x4.splat(0x007fffff)), i32x4.splat(SQRT_HALF_BITS));
  const f = f32x4.sub(m, f32x4.splat(1.0));
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2.0), f));
  const s2 = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.splat(L1), f32x4.mul(s2, f32x4.splat(L2)));
  q = f32x4.mul(s2, f32x4.add(f32x4.splat(L0), f32x4.mul(s2, q)));
  const tail = f32x4.add(f32x4.add(f32x4.mul(s, f32x4.splat(2.0)), f32x4.mul(s, q)), f32x4.mul(e, f32x4.splat(LN2_LO)));
  return f32x4.add(f32x4.mul(e, f32x4.splat(LN2_HI)), tail);
}

// @ts-ignore: decorator
@inline export function tanhF32x4(x: v128): v128 {
  const a = f32x4.abs(x);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.splat(T3), f32x4.mul(x2, f32x4.splat(T4)));
  p = f32x4.add(f32x4.splat(T2), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(T1), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(T0), f32x4.mul(x2, p));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x2), p));
  const e = expCoreF32x4(f32x4.mul(f32x4.min(a, f32x4.splat(TANH_CLAMP)), f32x4.splat(-2.0)));
  const q = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const sign = f32x4.splat(-0.0);
  const big = v128.or(v128.andnot(q, sign), v128.and(x, sign));
  return v128.bitselect(small, big, f32x4.lt(a, f32x4.splat(TANH_SMALL)));
}
