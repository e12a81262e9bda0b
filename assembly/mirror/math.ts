// Elementary functions for the mirror kernels, as f64x2 lanes and as scalars
// computing the very same operations (so a SIMD kernel and its scalar twin
// differ only in summation order). WebAssembly has no vector exp/log, and a
// call to the scalar libm per lane would throw the SIMD gain away.
// Not exported from the module: kernels import these helpers.

const LOG2E: f64 = 1.4426950408889634;
// ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's split).
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
// 1.5 * 2^52: adding it to a small integral double leaves the integer in the low mantissa bits.
const MAGIC: f64 = 6755399441055744.0;
const SQRT2: f64 = 1.4142135623730951;
const SQRT1_2: f64 = 0.7071067811865476;
const TWO54: f64 = 18014398509481984.0;

// Taylor coefficients 1/k! for k = 2..13: on |r| <= ln2/2 the remainder
// r^14/14! is below 5e-18 relative, under half an ulp.
const E2: f64 = 0.5;
const E3: f64 = 1.0 / 6.0;
const E4: f64 = 1.0 / 24.0;
const E5: f64 = 1.0 / 120.0;
const E6: f64 = 1.0 / 720.0;
const E7: f64 = 1.0 / 5040.0;
const E8: f64 = 1.0 / 40320.0;
const E9: f64 = 1.0 / 362880.0;
const E10: f64 = 1.0 / 3628800.0;
const E11: f64 = 1.0 / 39916800.0;
const E12: f64 = 1.0 / 479001600.0;
const E13: f64 = 1.0 / 6227020800.0;

// atanh series: log m = 2 atanh(v) = 2v (1 + v^2/3 + v^4/5 + ...), |v| <= 0.1716
// for m in [1/sqrt2, sqrt2]; ten terms leave v^20/21 < 3e-17 relative.
const L1: f64 = 1.0 / 3.0;
const L2: f64 = 1.0 / 5.0;
const L3: f64 = 1.0 / 7.0;
const L4: f64 = 1.0 / 9.0;
const L5: f64 = 1.0 / 11.0;
const L6: f64 = 1.0 / 13.0;
const L7: f64 = 1.0 / 15.0;
const L8: f64 = 1.0 / 17.0;
const L9: f64 = 1.0 / 19.0;
const L10: f64 = 1.0 / 21.0;


// Indices into VC.
const X_MIN = 0;
const K_LOG2E = 1;
const K_LN2_HI = 2;
const K_LN2_LO = 3;
const K_ONE = 4;
const K_E2 = 5;
const K_E3 = 6;
const K_E4 = 7;
const K_E5 = 8;
const K_E6 = 9;
const K_E7 = 10;
const K_E8 = 11;
const K_E9 = 12;
const K_E10 = 13;
const K_E11 = 14;
const K_E12 = 15;
const K_E13 = 16;
const K_HALF = 17;
const K_MAGIC = 18;
const K_MIN_NORMAL = 19;
const K_TWO54 = 20;
const K_BIAS = 21;
const K_54 = 22;
const K_SQRT2 = 23;
const K_SQRT1_2 = 24;
const K_TWO = 25;
const K_NEG_INF = 26;
const K_INF = 27;
const K_L1 = 28;
const K_L2 = 29;
const K_L3 = 30;
const K_L4 = 31;
const K_L5 = 32;
const K_L6 = 33;
const K_L7 = 34;
const K_L8 = 35;
const K_L9 = 36;
const K_L10 = 37;

// The vector constants, each splatted into 16 bytes of static data. V8 builds
// a v128.const with several instructions on every use inside a loop (measured:
// the degree-13 polynomial ran 2.3x slower with inline constants); a load from
// this table is one cheap instruction. Static data, not an allocation.
const VC = memory.data<f64>([
  -708.3964185322641, -708.3964185322641, // 0: log of the smallest normal double
  LOG2E, LOG2E, // 1
  LN2_HI, LN2_HI, // 2
  LN2_LO, LN2_LO, // 3
  1.0, 1.0, // 4
  E2, E2, // 5
  E3, E3, // 6
  E4, E4, // 7
  E5, E5, // 8
  E6, E6, // 9
  E7, E7, // 10
  E8, E8, // 11
  E9, E9, // 12
  E10, E10, // 13
  E11, E11, // 14
  E12, E12, // 15
  E13, E13, // 16
  0.5, 0.5, // 17
  MAGIC, MAGIC, // 18
  2.2250738585072014e-308, 2.2250738585072014e-308, // 19
  TWO54, TWO54, // 20
  1023.0, 1023.0, // 21
  54.0, 54.0, // 22
  SQRT2, SQRT2, // 23
  SQRT1_2, SQRT1_2, // 24
  2.0, 2.0, // 25
  -Infinity, -Infinity, // 26
  Infinity, Infinity, // 27
  L1, L1, // 28
  L2, L2, // 29
  L3, L3, // 30
  L4, L4, // 31
  L5, L5, // 32
  L6, L6, // 33
  L7, L7, // 34
  L8, L8, // 35
  L9, L9, // 36
  L10, L10, // 37
]);
// Integer masks: the bits of 1.0 (exponent bias) and the mantissa mask.
const VI = memory.data<i64>([0x3ff0000000000000, 0x3ff0000000000000, 0x000fffffffffffff, 0x000fffffffffffff]);

/** Vector constant number i of VC. */
// @ts-ignore: decorator
@inline function vc(i: i32): v128 {
  return v128.load(VC + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline function vi(i: i32): v128 {
  return v128.load(VI + (<usize>i << 4));
}

/** Scalar constant number i of VC: the same holds for f64 constants in loops (3.6x on a polynomial). */
// @ts-ignore: decorator
@inline function sc(i: i32): f64 {
  return load<f64>(VC + (<usize>i << 4));
}

/** 2^k for integral k in [-1022, 1023], built from the exponent bits (k + 1.5 2^52 holds k in its low bits). */
// @ts-ignore: decorator
@inline function pow2V(k: v128): v128 {
  const b = f64x2.add(k, vc(K_MAGIC));
  return i64x2.add(i64x2.shl(b, 52), vi(0));
}

// @ts-ignore: decorator
@inline function pow2S(k: f64): f64 {
  const b = reinterpret<i64>(k + sc(K_MAGIC));
  return reinterpret<f64>((b << 52) + load<i64>(VI));
}

/**
 * e^x per lane for x <= 0 (the log-sum-exp case: x = z - max z): x = k ln2 + r,
 * |r| <= ln2/2, Taylor polynomial of degree 13 (Estrin), times 2^k from the
 * exponent bits. Results below the smallest normal double (x < -708.39) flush
 * to 0, exp(-inf) = 0; the error elsewhere is about 1 ulp.
 */
// @ts-ignore: decorator
@inline export function expNegV(x: v128): v128 {
  const under = f64x2.lt(x, vc(X_MIN));
  x = f64x2.pmax(x, vc(X_MIN));
  const k = f64x2.nearest(f64x2.mul(x, vc(K_LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, vc(K_LN2_HI))), f64x2.mul(k, vc(K_LN2_LO)));
  // Estrin's scheme: a shallow tree instead of Horner's chain of 13 dependent steps.
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(vc(K_ONE), r);
  const q1 = f64x2.add(vc(K_E2), f64x2.mul(vc(K_E3), r));
  const q2 = f64x2.add(vc(K_E4), f64x2.mul(vc(K_E5), r));
  const q3 = f64x2.add(vc(K_E6), f64x2.mul(vc(K_E7), r));
  const q4 = f64x2.add(vc(K_E8), f64x2.mul(vc(K_E9), r));
  const q5 = f64x2.add(vc(K_E10), f64x2.mul(vc(K_E11), r));
  const q6 = f64x2.add(vc(K_E12), f64x2.mul(vc(K_E13), r));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const u0 = f64x2.add(s0, f64x2.mul(s1, r4));
  const u1 = f64x2.add(s2, f64x2.mul(q6, r4));
  const p = f64x2.add(u0, f64x2.mul(u1, r8));
  return v128.andnot(f64x2.mul(p, pow2V(k)), under);
}

/** e^x for x <= 0, the scalar twin of expNegV (same operations in the same order). */
// @ts-ignore: decorator
@inline export function expNegS(x: f64): f64 {
  if (x < sc(X_MIN)) return 0.0;
  const k = nearest(x * sc(K_LOG2E));
  const r = x - k * sc(K_LN2_HI) - k * sc(K_LN2_LO);
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const s0 = (sc(K_ONE) + r) + (sc(K_E2) + sc(K_E3) * r) * r2;
  const s1 = (sc(K_E4) + sc(K_E5) * r) + (sc(K_E6) + sc(K_E7) * r) * r2;
  const s2 = (sc(K_E8) + sc(K_E9) * r) + (sc(K_E10) + sc(K_E11) * r) * r2;
  const u0 = s0 + s1 * r4;
  const u1 = s2 + (sc(K_E12) + sc(K_E13) * r) * r4;
  const p = u0 + u1 * r8;
  return p * pow2S(k);
}

// 2 atanh(v) / (2v) - 1 = v^2/3 + v^4/5 + ... as a polynomial in w = v^2, divided by w.
// @ts-ignore: decorator
@inline function atanhTailV(w: v128): v128 {
  // Estrin in w: (L1 + L2 w) + w^2 (L3 + L4 w) + w^4 (...) ...
  const w2 = f64x2.mul(w, w);
  const w4 = f64x2.mul(w2, w2);
  const w8 = f64x2.mul(w4, w4);
  const a0 = f64x2.add(vc(K_L1), f64x2.mul(vc(K_L2), w));
  const a1 = f64x2.add(vc(K_L3), f64x2.mul(vc(K_L4), w));
  const a2 = f64x2.add(vc(K_L5), f64x2.mul(vc(K_L6), w));
  const a3 = f64x2.add(vc(K_L7), f64x2.mul(vc(K_L8), w));
  const a4 = f64x2.add(vc(K_L9), f64x2.mul(vc(K_L10), w));
  const b0 = f64x2.add(a0, f64x2.mul(a1, w2));
  const b1 = f64x2.add(a2, f64x2.mul(a3, w2));
  return f64x2.add(f64x2.add(b0, f64x2.mul(b1, w4)), f64x2.mul(a4, w8));
}

// @ts-ignore: decorator
@inline function atanhTailS(w: f64): f64 {
  const w2 = w * w;
  const w4 = w2 * w2;
  const w8 = w4 * w4;
  const b0 = (sc(K_L1) + sc(K_L2) * w) + (sc(K_L3) + sc(K_L4) * w) * w2;
  const b1 = (sc(K_L5) + sc(K_L6) * w) + (sc(K_L7) + sc(K_L8) * w) * w2;
  return (b0 + b1 * w4) + (sc(K_L9) + sc(K_L10) * w) * w8;
}

/**
 * Natural log per lane for x >= 0: x = 2^e m with m in [1/sqrt2, sqrt2),
 * log m = 2 atanh((m-1)/(m+1)). log(0) = -inf, log(+inf) = +inf.
 */
// @ts-ignore: decorator
@inline export function logV(x: v128): v128 {
  // Subnormals: scale by 2^54 first so the exponent field is meaningful.
  const tiny = f64x2.lt(x, vc(K_MIN_NORMAL));
  const xs = v128.bitselect(f64x2.mul(x, vc(K_TWO54)), x, tiny);
  const bits = i64x2.shr_u(xs, 52);
  let e = f64x2.sub(f64x2.sub(i64x2.add(bits, vc(K_MAGIC)), vc(K_MAGIC)), vc(K_BIAS));
  e = f64x2.sub(e, v128.and(tiny, vc(K_54)));
  let m = v128.or(v128.and(xs, vi(1)), vi(0));
  const big = f64x2.gt(m, vc(K_SQRT2));
  m = v128.bitselect(f64x2.mul(m, vc(K_HALF)), m, big);
  e = f64x2.add(e, v128.and(big, vc(K_ONE)));
  const v = f64x2.div(f64x2.sub(m, vc(K_ONE)), f64x2.add(m, vc(K_ONE)));
  const w = f64x2.mul(v, v);
  const twoV = f64x2.add(v, v);
  const logm = f64x2.add(twoV, f64x2.mul(f64x2.mul(twoV, w), atanhTailV(w)));
  let y = f64x2.add(f64x2.mul(e, vc(K_LN2_HI)), f64x2.add(logm, f64x2.mul(e, vc(K_LN2_LO))));
  y = v128.bitselect(vc(K_NEG_INF), y, f64x2.eq(x, f64x2.splat(0.0)));
  y = v128.bitselect(vc(K_INF), y, f64x2.eq(x, vc(K_INF)));
  return y;
}

/** Natural log for x >= 0, the scalar twin of logV. */
// @ts-ignore: decorator
@inline export function logS(x: f64): f64 {
  if (x == 0.0) return -Infinity;
  if (x == Infinity) return Infinity;
  let e: f64 = 0.0;
  let xs = x;
  if (x < sc(K_MIN_NORMAL)) {
    xs = x * sc(K_TWO54);
    e = -sc(K_54);
  }
  const xb = reinterpret<i64>(xs);
  e += <f64>(xb >>> 52) - sc(K_BIAS);
  let m = reinterpret<f64>((xb & load<i64>(VI, 16)) | load<i64>(VI));
  if (m > sc(K_SQRT2)) {
    m *= sc(K_HALF);
    e += sc(K_ONE);
  }
  const v = (m - sc(K_ONE)) / (m + sc(K_ONE));
  const w = v * v;
  const twoV = v + v;
  const logm = twoV + twoV * w * atanhTailS(w);
  return e * sc(K_LN2_HI) + (logm + e * sc(K_LN2_LO));
}

/**
 * phi(r) = r - 1 - log r >= 0 per lane (r >= 0, finite), the per-action term of
 * the KL divergence: KL(q||p) = sum_a q_a phi(p_a / q_a) when both sum to 1.
 * With r = 2^e m, m in [1/sqrt2, sqrt2) and v = (m-1)/(m+1), one atanh series
 * serves both cases: e = 0 gives r = m and phi = u v - 2 v^3 (1/3 + v^2/5 + ...),
 * u = r - 1 (free of the cancellation in r - 1 - log r near r = 1); otherwise
 * phi = u - e ln2 - log m. phi(0) = +inf.
 */
// @ts-ignore: decorator
@inline export function phiV(r: v128): v128 {
  const tiny = f64x2.lt(r, vc(K_MIN_NORMAL));
  const xs = v128.bitselect(f64x2.mul(r, vc(K_TWO54)), r, tiny);
  const bits = i64x2.shr_u(xs, 52);
  let e = f64x2.sub(f64x2.sub(i64x2.add(bits, vc(K_MAGIC)), vc(K_MAGIC)), vc(K_BIAS));
  e = f64x2.sub(e, v128.and(tiny, vc(K_54)));
  let m = v128.or(v128.and(xs, vi(1)), vi(0));
  const big = f64x2.gt(m, vc(K_SQRT2));
  m = v128.bitselect(f64x2.mul(m, vc(K_HALF)), m, big);
  e = f64x2.add(e, v128.and(big, vc(K_ONE)));
  const v = f64x2.div(f64x2.sub(m, vc(K_ONE)), f64x2.add(m, vc(K_ONE)));
  const w = f64x2.mul(v, v);
  const twoV = f64x2.add(v, v);
  const tail = f64x2.mul(f64x2.mul(twoV, w), atanhTailV(w));
  const u = f64x2.sub(r, vc(K_ONE));
  const near = f64x2.sub(f64x2.mul(u, v), tail);
  const logr = f64x2.add(f64x2.mul(e, vc(K_LN2_HI)), f64x2.add(f64x2.add(twoV, tail), f64x2.mul(e, vc(K_LN2_LO))));
  const far = f64x2.sub(u, logr);
  const y = v128.bitselect(near, far, f64x2.eq(e, f64x2.splat(0.0)));
  return v128.bitselect(vc(K_INF), y, f64x2.eq(r, f64x2.splat(0.0)));
}

/** phi(r) = r - 1 - log r, the scalar twin of phiV. */
// @ts-ignore: decorator
@inline export function phiS(r: f64): f64 {
  if (r == 0.0) return Infinity;
  let e: f64 = 0.0;
  let xs = r;
  if (r < sc(K_MIN_NORMAL)) {
    xs = r * sc(K_TWO54);
    e = -sc(K_54);
  }
  const xb = reinterpret<i64>(xs);
  e += <f64>(xb >>> 52) - sc(K_BIAS);
  let m = reinterpret<f64>((xb & load<i64>(VI, 16)) | load<i64>(VI));
  if (m > sc(K_SQRT2)) {
    m *= sc(K_HALF);
    e += sc(K_ONE);
  }
  const v = (m - sc(K_ONE)) / (m + sc(K_ONE));
  const w = v * v;
  const twoV = v + v;
  const tail = twoV * w * atanhTailS(w);
  const u = r - sc(K_ONE);
  if (e == 0.0) return u * v - tail;
  return u - (e * sc(K_LN2_HI) + ((twoV + tail) + e * sc(K_LN2_LO)));
}

/** Horizontal sum of the two lanes. */
// @ts-ignore: decorator
@inline export function hsum(x: v128): f64 {
  return f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1);
}

/**
 * Horizontal max of the two lanes, for lanes that are never NaN: a compare and
 * select, cheaper in V8 than f64.max (whose NaN and -0 rules cost a branchy sequence).
 */
// @ts-ignore: decorator
@inline export function hmax(x: v128): f64 {
  const a = f64x2.extract_lane(x, 0);
  const b = f64x2.extract_lane(x, 1);
  return a > b ? a : b;
}

/** -inf in both lanes (a loaded constant, see VC). */
// @ts-ignore: decorator
@inline export function negInfV(): v128 {
  return vc(K_NEG_INF);
}
