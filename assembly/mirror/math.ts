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
const ONE_BITS: i64 = 0x3ff0000000000000;
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

/** 2^k for integral k in [-1022, 1023], built from the exponent bits. */
// @ts-ignore: decorator
@inline function pow2V(k: v128): v128 {
  const b = f64x2.add(k, f64x2.splat(MAGIC));
  return i64x2.add(i64x2.shl(b, 52), i64x2.splat(ONE_BITS));
}

// @ts-ignore: decorator
@inline function pow2S(k: f64): f64 {
  const b = reinterpret<i64>(k + MAGIC);
  return reinterpret<f64>((b << 52) + ONE_BITS);
}

/**
 * e^x per lane: x = k ln2 + r, |r| <= ln2/2, Taylor polynomial of degree 13,
 * then 2^k applied in two halves so that gradual underflow is right.
 * exp(-inf) = 0, exp(+large) = +inf.
 */
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  x = f64x2.min(f64x2.max(x, f64x2.splat(-746.0)), f64x2.splat(709.8));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.add(f64x2.mul(f64x2.splat(E13), r), f64x2.splat(E12));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E11));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E10));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const k1 = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  const k2 = f64x2.sub(k, k1);
  return f64x2.mul(f64x2.mul(p, pow2V(k1)), pow2V(k2));
}

/** e^x, the scalar twin of expV (same operations in the same order). */
// @ts-ignore: decorator
@inline export function expS(x: f64): f64 {
  x = min(max(x, -746.0), 709.8);
  const k = nearest(x * LOG2E);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = E13 * r + E12;
  p = p * r + E11;
  p = p * r + E10;
  p = p * r + E9;
  p = p * r + E8;
  p = p * r + E7;
  p = p * r + E6;
  p = p * r + E5;
  p = p * r + E4;
  p = p * r + E3;
  p = p * r + E2;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const k1 = floor(k * 0.5);
  const k2 = k - k1;
  return p * pow2S(k1) * pow2S(k2);
}

// 2 atanh(v) / (2v) - 1 = v^2/3 + v^4/5 + ... as a polynomial in w = v^2, divided by w.
// @ts-ignore: decorator
@inline function atanhTailV(w: v128): v128 {
  let q = f64x2.add(f64x2.mul(f64x2.splat(L10), w), f64x2.splat(L9));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L8));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L7));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L6));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L5));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L4));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L3));
  q = f64x2.add(f64x2.mul(q, w), f64x2.splat(L2));
  return f64x2.add(f64x2.mul(q, w), f64x2.splat(L1));
}

// @ts-ignore: decorator
@inline function atanhTailS(w: f64): f64 {
  let q = L10 * w + L9;
  q = q * w + L8;
  q = q * w + L7;
  q = q * w + L6;
  q = q * w + L5;
  q = q * w + L4;
  q = q * w + L3;
  q = q * w + L2;
  return q * w + L1;
}

/**
 * Natural log per lane for x >= 0: x = 2^e m with m in [1/sqrt2, sqrt2),
 * log m = 2 atanh((m-1)/(m+1)). log(0) = -inf, log(+inf) = +inf.
 */
// @ts-ignore: decorator
@inline export function logV(x: v128): v128 {
  // Subnormals: scale by 2^54 first so the exponent field is meaningful.
  const tiny = f64x2.lt(x, f64x2.splat(2.2250738585072014e-308));
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(TWO54)), x, tiny);
  const bits = i64x2.shr_u(xs, 52);
  let e = f64x2.sub(f64x2.sub(i64x2.add(bits, f64x2.splat(MAGIC)), f64x2.splat(MAGIC)), f64x2.splat(1023.0));
  e = f64x2.sub(e, v128.and(tiny, f64x2.splat(54.0)));
  let m = v128.or(v128.and(xs, i64x2.splat(0x000fffffffffffff)), i64x2.splat(ONE_BITS));
  const big = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = f64x2.add(e, v128.and(big, f64x2.splat(1.0)));
  const v = f64x2.div(f64x2.sub(m, f64x2.splat(1.0)), f64x2.add(m, f64x2.splat(1.0)));
  const w = f64x2.mul(v, v);
  const twoV = f64x2.add(v, v);
  const logm = f64x2.add(twoV, f64x2.mul(f64x2.mul(twoV, w), atanhTailV(w)));
  let y = f64x2.add(f64x2.mul(e, f64x2.splat(LN2_HI)), f64x2.add(logm, f64x2.mul(e, f64x2.splat(LN2_LO))));
  y = v128.bitselect(f64x2.splat(-Infinity), y, f64x2.eq(x, f64x2.splat(0.0)));
  y = v128.bitselect(f64x2.splat(Infinity), y, f64x2.eq(x, f64x2.splat(Infinity)));
  return y;
}

/** Natural log for x >= 0, the scalar twin of logV. */
// @ts-ignore: decorator
@inline export function logS(x: f64): f64 {
  if (x == 0.0) return -Infinity;
  if (x == Infinity) return Infinity;
  let e: f64 = 0.0;
  let xs = x;
  if (x < 2.2250738585072014e-308) {
    xs = x * TWO54;
    e = -54.0;
  }
  const xb = reinterpret<i64>(xs);
  e += <f64>(xb >>> 52) - 1023.0;
  let m = reinterpret<f64>((xb & 0x000fffffffffffff) | ONE_BITS);
  if (m > SQRT2) {
    m *= 0.5;
    e += 1.0;
  }
  const v = (m - 1.0) / (m + 1.0);
  const w = v * v;
  const twoV = v + v;
  const logm = twoV + twoV * w * atanhTailS(w);
  return e * LN2_HI + (logm + e * LN2_LO);
}

/**
 * phi(r) = r - 1 - log r >= 0 per lane (r >= 0), the per-action term of the
 * KL divergence: KL(q||p) = sum_a q_a phi(p_a / q_a) when both sum to 1.
 * Near r = 1 it is evaluated as u v - 2 v^3 (1/3 + v^2/5 + ...), u = r - 1,
 * v = u / (2 + u), free of the cancellation in r - 1 - log r.
 */
// @ts-ignore: decorator
@inline export function phiV(r: v128): v128 {
  const u = f64x2.sub(r, f64x2.splat(1.0));
  const v = f64x2.div(u, f64x2.add(u, f64x2.splat(2.0)));
  const w = f64x2.mul(v, v);
  const near = f64x2.sub(f64x2.mul(u, v), f64x2.mul(f64x2.mul(f64x2.add(v, v), f64x2.mul(v, v)), atanhTailV(w)));
  const far = f64x2.sub(u, logV(r));
  const inside = v128.and(f64x2.ge(r, f64x2.splat(SQRT1_2)), f64x2.le(r, f64x2.splat(SQRT2)));
  return v128.bitselect(near, far, inside);
}

/** phi(r) = r - 1 - log r, the scalar twin of phiV. */
// @ts-ignore: decorator
@inline export function phiS(r: f64): f64 {
  const u = r - 1.0;
  if (r >= SQRT1_2 && r <= SQRT2) {
    const v = u / (u + 2.0);
    const w = v * v;
    return u * v - (v + v) * (v * v) * atanhTailS(w);
  }
  return u - logS(r);
}

/** Horizontal sum of the two lanes. */
// @ts-ignore: decorator
@inline export function hsum(x: v128): f64 {
  return f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1);
}

/** Horizontal max of the two lanes. */
// @ts-ignore: decorator
@inline export function hmax(x: v128): f64 {
  return max(f64x2.extract_lane(x, 0), f64x2.extract_lane(x, 1));
}
