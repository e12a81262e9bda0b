// f32 elementary functions for the neural kernels, each as a scalar function
// and an f32x4 function that perform the same IEEE operations in the same
// order, so SIMD kernels and their scalar twins agree to the last bit.
// Not exported from the module (no kernels here): imported by assembly/nn/*.
//
// Coefficients are our own minimax fits (Lawson iteration in f64, relative
// error), rounded to f32:
//   exp(r) = 1 + r + r^2 (E0 + E1 r + E2 r^2 + E3 r^3 + E4 r^4), |r| <= ln2/2, fit error 3.1e-9
//   log(1+f) = 2s + s^3 (L0 + L1 s^2 + L2 s^4), s = f/(2+f), |s| <= 0.1716, fit error 8.1e-10
//   tanh(x) = x P(x^2) / Q(x^2), P and Q of degree 4 with P(0) = Q(0) = 1, |x| <= 7.905,
//     fit error 5.7e-9 (a rational minimax fit by Loeb's iteration)
// so the f32 results are within a few ulps of the correctly rounded values
// (tanh: at most 3.3e-7 relative, measured against Math.tanh).

const LOG2E: f32 = 1.4426950408889634;
// Adding 1.5 * 2^23 rounds x log2(e) to the nearest integer n (ties to even)
// and leaves n in the low mantissa bits: shifting those bits into the exponent
// field gives 2^n without a float-to-int conversion.
const SHIFTER: f32 = 12582912.0;
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

const P1: f32 = 0.1345030963420868;
const P2: f32 = 0.0035786167718470097;
const P3: f32 = 2.2016702132532373e-5;
const P4: f32 = 1.541787497671976e-8;
const Q1: f32 = 0.4678363800048828;
const Q2: f32 = 0.026190828531980515;
const Q3: f32 = 0.0003423022571951151;
const Q4: f32 = 8.594888072366302e-7;
/**
 * tanh is evaluated on x clamped to +-7.905 (where tanh = 1 - 2.7e-7), so
 * |tanh| stays below 1 and saturates at 0.99999976: within 3e-7 of 1.
 */
const TANH_CLAMP: f32 = 7.90531110763549805;

// ---------------------------------------------------------------- scalar

/** exp(x) for x in [EXP_MIN, EXP_MAX] (no range checks). */
// @ts-ignore: decorator
@inline export function expCoreF32(x: f32): f32 {
  const kf = x * LOG2E + SHIFTER;
  const n = kf - SHIFTER;
  const r = x - n * LN2_HI - n * LN2_LO;
  const r2 = r * r;
  const p = r + r2 * (E0 + r * (E1 + r * (E2 + r * (E3 + r * E4)))) + <f32>1.0;
  const scale = reinterpret<f32>((reinterpret<i32>(kf) << 23) + 0x3f800000);
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

/** tanh(x): odd, |tanh| < 1, within 3.3e-7 relative of the true value; NaN for NaN. */
// @ts-ignore: decorator
@inline export function tanhF32(x: f32): f32 {
  const xc = max<f32>(min<f32>(x, TANH_CLAMP), -TANH_CLAMP);
  const t = xc * xc;
  const p = ((P4 * t + P3) * t + P2) * t + P1;
  const q = ((Q4 * t + Q3) * t + Q2) * t + Q1;
  return (xc * (p * t + <f32>1.0)) / (q * t + <f32>1.0);
}

// ---------------------------------------------------------------- f32x4

// Vector constants are read from static memory, not written as v128.const:
// V8 (Node 20) rebuilds a v128.const inside every loop iteration with several
// instructions, some on the FP pipes, while a splat load is one load-port
// instruction. (Measured: tanh over 16k values 2.7x faster.)
const FTAB = memory.data<f32>([
  1.0, 2.0, 0.5, -Infinity, LOG2E, SHIFTER, LN2_HI, LN2_LO,
  E0, E1, E2, E3, E4, EXP_MIN, EXP_MAX, Infinity,
  L0, L1, L2, TANH_CLAMP, -TANH_CLAMP, P1, P2, P3,
  P4, Q1, Q2, Q3, Q4, -3.4028234663852886e38, 0.0, 0.0,
]);
const ITAB = memory.data<i32>([SQRT_HALF_BITS, 0x007fffff, 0x3f800000, 0]);

export const K_ONE = 0;
export const K_TWO = 1;
export const K_HALF = 2;
export const K_NEG_INF = 3;
const K_LOG2E = 4;
const K_SHIFTER = 5;
const K_LN2_HI = 6;
const K_LN2_LO = 7;
const K_E0 = 8;
const K_EXP_MIN = 13;
const K_EXP_MAX = 14;
const K_INF = 15;
const K_L0 = 16;
const K_TANH_CLAMP = 19;
const K_NEG_TANH_CLAMP = 20;
const K_P1 = 21;
const K_Q1 = 25;
/** -FLT_MAX, the lower clamp of shifted logits in categorical.ts. */
export const K_NEG_MAX = 29;

/** The f32 constant number i of the table, splat to four lanes. */
// @ts-ignore: decorator
@inline export function vk(i: i32): v128 {
  return v128.load32_splat(FTAB + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function vi(i: i32): v128 {
  return v128.load32_splat(ITAB + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function expCoreF32x4(x: v128): v128 {
  const kf = f32x4.add(f32x4.mul(x, vk(K_LOG2E)), vk(K_SHIFTER));
  const n = f32x4.sub(kf, vk(K_SHIFTER));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, vk(K_LN2_HI))), f32x4.mul(n, vk(K_LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(vk(K_E0 + 3), f32x4.mul(r, vk(K_E0 + 4)));
  p = f32x4.add(vk(K_E0 + 2), f32x4.mul(r, p));
  p = f32x4.add(vk(K_E0 + 1), f32x4.mul(r, p));
  p = f32x4.add(vk(K_E0), f32x4.mul(r, p));
  p = f32x4.add(f32x4.add(r, f32x4.mul(r2, p)), vk(K_ONE));
  const scale = i32x4.add(i32x4.shl(kf, 23), vi(2));
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  const lo = vk(K_EXP_MIN);
  const hi = vk(K_EXP_MAX);
  // pmin/pmax (one instruction each) equal min/max here: the bounds are not NaN, and a NaN x passes through.
  let y = expCoreF32x4(f32x4.pmin(f32x4.pmax(x, lo), hi));
  y = v128.and(y, v128.not(f32x4.lt(x, lo)));
  return v128.bitselect(vk(K_INF), y, f32x4.gt(x, hi));
}

// @ts-ignore: decorator
@inline export function logF32x4(x: v128): v128 {
  const t = i32x4.sub(x, vi(0));
  const e = f32x4.convert_i32x4_s(i32x4.shr_s(t, 23));
  const m = i32x4.add(v128.and(t, vi(1)), vi(0));
  const f = f32x4.sub(m, vk(K_ONE));
  const s = f32x4.div(f, f32x4.add(vk(K_TWO), f));
  const s2 = f32x4.mul(s, s);
  let q = f32x4.add(vk(K_L0 + 1), f32x4.mul(s2, vk(K_L0 + 2)));
  q = f32x4.mul(s2, f32x4.add(vk(K_L0), f32x4.mul(s2, q)));
  const tail = f32x4.add(f32x4.add(f32x4.mul(s, vk(K_TWO)), f32x4.mul(s, q)), f32x4.mul(e, vk(K_LN2_LO)));
  return f32x4.add(f32x4.mul(e, vk(K_LN2_HI)), tail);
}

/**
 * y[i] = tanhF32(x[i]) for i < n (y may equal x): tanh's f32x4 form, the
 * same operations as tanhF32 in every lane, with the eleven constants loaded
 * once before the loop (V8 then keeps them in registers) instead of a splat
 * load from the table at every use: 16k values 13.7 -> 10.4 us (Zen 4, Node
 * 20). What remains is FP-throughput bound: ~21 vector operations per four
 * values at ~3 per cycle.
 */
// @ts-ignore: decorator
@inline export function tanhArrayF32(x: usize, y: usize, n: i32): void {
  const one = vk(K_ONE);
  const hi = vk(K_TANH_CLAMP);
  const lo = vk(K_NEG_TANH_CLAMP);
  const p1 = vk(K_P1);
  const p2 = vk(K_P1 + 1);
  const p3 = vk(K_P1 + 2);
  const p4 = vk(K_P1 + 3);
  const q1 = vk(K_Q1);
  const q2 = vk(K_Q1 + 1);
  const q3 = vk(K_Q1 + 2);
  const q4 = vk(K_Q1 + 3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xc = f32x4.pmax(f32x4.pmin(v128.load(x + o), hi), lo);
    const t = f32x4.mul(xc, xc);
    let p = f32x4.add(f32x4.mul(p4, t), p3);
    p = f32x4.add(f32x4.mul(p, t), p2);
    p = f32x4.add(f32x4.mul(p, t), p1);
    let q = f32x4.add(f32x4.mul(q4, t), q3);
    q = f32x4.add(f32x4.mul(q, t), q2);
    q = f32x4.add(f32x4.mul(q, t), q1);
    const num = f32x4.mul(xc, f32x4.add(f32x4.mul(p, t), one));
    v128.store(y + o, f32x4.div(num, f32x4.add(f32x4.mul(q, t), one)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, tanhF32(load<f32>(x + o)));
  }
}
