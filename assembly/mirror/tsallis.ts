// The Tsallis Bregman projection onto the simplex, per state (AMPO's Step II
// with the Tsallis mirror map: Alfano, Yuan & Rebeschini 2023;
// Tsallis 1988). Plain-TypeScript twin: src/mirror/kernels/tsallis.twin.ts; the
// maths is in src/mirror/kernels/tsallis.ts's module comment.
//
// The SIMD kernel runs two states per f64x2 (lane = state): each lane's row
// sum adds its actions in the same order as the scalar kernel and the twin, so
// the two kernels agree bit for bit. The lanes bisect in lockstep until both
// are done; a finished lane's bracket is frozen by a mask. Lockstep, not a
// refill of finished lanes (trl-slots.ts): every state starts from the same
// bracket and runs to adjacent doubles (measured: 32..57 steps, mean ~52, on
// random rows for q = 1/2 and 3, A = 4..40), so lockstep costs 1-1.6% extra
// lane-steps in pairs and 1.2-2.6% in fours: all a refill could win back.
// Two pairs run in one loop (solveQuadV): a bisection step is one chain of
// dependent operations, and the second pair fills its latency (measured
// S = 25,000, A = 4, q = 1/2: 1.5x faster; A = 40: no change, the
// divisions' throughput bounds it).
//
// Powers b^e, b in [0, 1] (up to an ulp above 1: the bracket keeps t at or
// beyond the point where the base is 1), e = 1/(1-q) or 1/(q-1) > 0:
//   e = 2 (q = 1/2 or 3/2): b * b;  e = 1 (q = 2): b;  e = 1/2 (q = 3): sqrt b
//   (each what the twin's ** gives, bit for bit: V8's pow is fdlibm's, which
//   returns sqrt for e = 1/2). Measured against exp(e log b) at e = 2 + 4e-10:
//   the square is 8.5x (A = 4) to 11x (A = 40) faster, the sqrt 2-4x;
//   else exp(e log b) with logNorm / expNeg (math.ts), whose domains are a
//   normal b > 0 and a result >= the smallest normal double. Outside them:
//   b = 0 (y = -inf for q < 1, a cut-off action for q > 1) gives 0 without a
//   log (a pair of zeros skips both); subnormal b, and results that may be
//   subnormal (e log b in [ln 2^-1075, ln 2^-1022)), take Math.pow, so they get
//   what the twin's ** gives up to pow's rounding, never a flushed or garbage
//   value. exp(e log b) has a relative error of about |e log b| / 2 ulps (the
//   rounding of e log b, and log's error times e), small where the weights
//   that decide the sum are (b near 1): see the bounds in tsallis-kernel.test.ts.
import { expNegS, expNegV, logNormS, logNormV, normalS, normalV } from "./math";

const POW_GENERAL = 0;
const POW_SQUARE = 1;
const POW_ONE = 2;
const POW_SQRT = 3;

// Vector constants (V8 rebuilds a v128.const at every use inside a loop).
const K_HALF = 0;
const K_ONE = 1;
const K_X_MIN = 2; // log of the smallest normal double: expNeg flushes below it
// Below it e^x < 2^-1075 (half the smallest subnormal) rounds to 0: ln 2^-1075 = -745.133,
// with a margin far above the error of x = e log b (|x| 2^-51 < 4e-13).
const K_X_SUB = 3;
const TC = memory.data<f64>([
  0.5, 0.5,
  1.0, 1.0,
  -708.3964185322641, -708.3964185322641,
  -745.2, -745.2,
], 16);

// @ts-ignore: decorator
@inline function tc(i: i32): v128 {
  return v128.load(TC + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline function ts(i: i32): f64 {
  return load<f64>(TC + (<usize>i << 4));
}

/** b^e where the fast path's domain does not hold (b subnormal, or a result that may be subnormal). */
function powRare(b: f64, e: f64): f64 {
  return b > 0.0 ? Math.pow(b, e) : 0.0;
}

/** b^e per lane, b >= 0 (see the module comment for the three modes). */
// @ts-ignore: decorator
@inline function powV(b: v128, e: f64, mode: i32): v128 {
  if (mode == POW_SQUARE) return f64x2.mul(b, b);
  if (mode == POW_ONE) return b;
  if (mode == POW_SQRT) return f64x2.sqrt(b);
  // Both lanes 0 (actions cut off for q > 1, y = -inf for q < 1): no log, no exp (as the scalar's b == 0).
  if (!v128.any_true(b)) return b;
  const x = f64x2.mul(f64x2.splat(e), logNormV(b));
  const normal = normalV(b);
  let r = v128.and(expNegV(x), normal);
  // Math.pow where b is subnormal, or where b^e may be subnormal (x in [X_SUB, X_MIN)); b = 0 stays 0.
  const rare = v128.or(
    v128.andnot(f64x2.ne(b, f64x2.splat(0)), normal),
    v128.and(normal, v128.and(f64x2.lt(x, tc(K_X_MIN)), f64x2.ge(x, tc(K_X_SUB)))),
  );
  if (v128.any_true(rare)) {
    if (i64x2.extract_lane(rare, 0) != 0) r = f64x2.replace_lane(r, 0, powRare(f64x2.extract_lane(b, 0), e));
    if (i64x2.extract_lane(rare, 1) != 0) r = f64x2.replace_lane(r, 1, powRare(f64x2.extract_lane(b, 1), e));
  }
  return r;
}

/** b^e, the scalar twin of powV (the same operations for one lane). */
// @ts-ignore: decorator
@inline function powS(b: f64, e: f64, mode: i32): f64 {
  if (mode == POW_SQUARE) return b * b;
  if (mode == POW_ONE) return b;
  if (mode == POW_SQRT) return sqrt(b);
  if (b == 0.0) return 0.0;
  if (!normalS(b)) return powRare(b, e);
  const x = e * logNormS(b);
  if (x >= ts(K_X_MIN)) return expNegS(x);
  return x >= ts(K_X_SUB) ? powRare(b, e) : 0.0;
}

/**
 * p_a at shifted y_a = u <= 0 and t, per lane (twin: weight in tsallis.twin.ts):
 *   q < 1: (q / ((1-q)(t - u)))^e (u = -inf gives 0);   q > 1: [(q-1)(u + t) / q]_+^e.
 */
// @ts-ignore: decorator
@inline function weightV(low: bool, q: f64, u: v128, t: v128, e: f64, mode: i32): v128 {
  if (low) return powV(f64x2.div(f64x2.splat(q), f64x2.mul(f64x2.splat(1.0 - q), f64x2.sub(t, u))), e, mode);
  const v = f64x2.div(f64x2.mul(f64x2.splat(q - 1.0), f64x2.add(u, t)), f64x2.splat(q));
  return powV(v128.and(v, f64x2.gt(v, f64x2.splat(0))), e, mode);
}

/** weightV for one lane. */
// @ts-ignore: decorator
@inline function weightS(low: bool, q: f64, u: f64, t: f64, e: f64, mode: i32): f64 {
  if (low) return powS(q / ((1.0 - q) * (t - u)), e, mode);
  const v = ((q - 1.0) * (u + t)) / q;
  return powS(v > 0.0 ? v : 0.0, e, mode);
}

/** The largest entry of a row (its entries are finite or -inf). */
// @ts-ignore: decorator
@inline function rowMax(row: usize, A: i32): f64 {
  let m = -Infinity;
  for (let a = 0; a < A; a++) m = max(m, load<f64>(row + (<usize>a << 3)));
  return m;
}

/** out_row /= total (each entry: the order does not matter). */
// @ts-ignore: decorator
@inline function divideRow(row: usize, A: i32, total: f64): void {
  for (let a = 0; a < A; a++) store<f64>(row + (<usize>a << 3), load<f64>(row + (<usize>a << 3)) / total);
}

/**
 * One state's projection (the scalar kernel, and the SIMD kernel's last state
 * when S is odd): bisection on t in [lo0, hi0] to adjacent doubles, then the
 * weights divided by their sum. y, out: the state's rows (A f64).
 */
// @ts-ignore: decorator
@inline function solveStateS(
  low: bool, mode: i32, q: f64, e: f64, lo0: f64, hi0: f64, y: usize, A: i32, out: usize,
): void {
  const m = rowMax(y, A);
  let lo = lo0;
  let hi = hi0;
  for (let it = 0; it < 2200; it++) {
    const mid = ts(K_HALF) * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    let sum = 0.0;
    for (let a = 0; a < A; a++) sum += weightS(low, q, load<f64>(y + (<usize>a << 3)) - m, mid, e, mode);
    // g >= 0: the root is at or above mid (the sum decreases in t for q < 1, increases for q > 1).
    const g = low ? sum - ts(K_ONE) : ts(K_ONE) - sum;
    if (g >= 0.0) lo = mid;
    if (g <= 0.0) hi = mid;
  }
  const t = ts(K_HALF) * (lo + hi);
  let total = 0.0;
  for (let a = 0; a < A; a++) {
    const w = weightS(low, q, load<f64>(y + (<usize>a << 3)) - m, t, e, mode);
    store<f64>(out + (<usize>a << 3), w);
    total += w;
  }
  divideRow(out, A, total);
}

/**
 * Two consecutive states (rows y and y + A f64) in the lanes of f64x2: their
 * shifted rows u = y - max are interleaved into the pair's 2A output entries
 * (pair a at out + 16 a) for the bisection. Returns the two maxima.
 */
// @ts-ignore: decorator
@inline function interleavePair(y: usize, A: i32, out: usize): v128 {
  const rowBytes = <usize>A << 3;
  const mv = f64x2.replace_lane(f64x2.splat(rowMax(y, A)), 1, rowMax(y + rowBytes, A));
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const pair = f64x2.replace_lane(v128.load64_zero(y + off), 1, load<f64>(y + rowBytes + off));
    v128.store(out + (off << 1), f64x2.sub(pair, mv));
  }
  return mv;
}

/** The row sums of the weights of an interleaved pair at t (each lane adds its actions in order). */
// @ts-ignore: decorator
@inline function sumPairV(low: bool, mode: i32, q: f64, e: f64, u: usize, A: i32, t: v128): v128 {
  let sum = f64x2.splat(0);
  for (let a = 0; a < A; a++) sum = f64x2.add(sum, weightV(low, q, v128.load(u + (<usize>a << 4)), t, e, mode));
  return sum;
}

/** g >= 0 where the root is at or above mid (the sum decreases in t for q < 1, increases for q > 1). */
// @ts-ignore: decorator
@inline function sideV(low: bool, sum: v128): v128 {
  return low ? f64x2.sub(sum, tc(K_ONE)) : f64x2.sub(tc(K_ONE), sum);
}

/**
 * The pair's final weights at t, from y again (the same operations, so the
 * same bits as the interleaved u: writing the rows would overwrite pairs not
 * yet read), each row divided by its sum.
 */
// @ts-ignore: decorator
@inline function finishPair(low: bool, mode: i32, q: f64, e: f64, y: usize, A: i32, out: usize, mv: v128, t: v128): void {
  const rowBytes = <usize>A << 3;
  let total = f64x2.splat(0);
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const pair = f64x2.replace_lane(v128.load64_zero(y + off), 1, load<f64>(y + rowBytes + off));
    const w = weightV(low, q, f64x2.sub(pair, mv), t, e, mode);
    v128.store64_lane(out + off, w, 0);
    v128.store64_lane(out + rowBytes + off, w, 1);
    total = f64x2.add(total, w);
  }
  divideRow(out, A, f64x2.extract_lane(total, 0));
  divideRow(out + rowBytes, A, f64x2.extract_lane(total, 1));
}

/** Two states (y, y + A f64) in the lanes of f64x2: solveStateS per lane, the lanes in lockstep. */
// @ts-ignore: decorator
@inline function solvePairV(
  low: bool, mode: i32, q: f64, e: f64, lo0: f64, hi0: f64, y: usize, A: i32, out: usize,
): void {
  const mv = interleavePair(y, A, out);
  let lo = f64x2.splat(lo0);
  let hi = f64x2.splat(hi0);
  for (let it = 0; it < 2200; it++) {
    const mid = f64x2.mul(tc(K_HALF), f64x2.add(lo, hi));
    const active = v128.and(f64x2.gt(mid, lo), f64x2.lt(mid, hi));
    if (!v128.any_true(active)) break;
    const g = sideV(low, sumPairV(low, mode, q, e, out, A, mid));
    const zero = f64x2.splat(0);
    lo = v128.bitselect(mid, lo, v128.and(active, f64x2.ge(g, zero)));
    hi = v128.bitselect(mid, hi, v128.and(active, f64x2.le(g, zero)));
  }
  finishPair(low, mode, q, e, y, A, out, mv, f64x2.mul(tc(K_HALF), f64x2.add(lo, hi)));
}

/**
 * Four states (two pairs) in lockstep: one bisection step is a chain of
 * dependent operations (mid, A weights with a division, their sum, the
 * compare), so two independent pairs fill the latency of each other's chain.
 * Each lane's operations are solveStateS's, in the same order.
 */
// @ts-ignore: decorator
@inline function solveQuadV(
  low: bool, mode: i32, q: f64, e: f64, lo0: f64, hi0: f64, y: usize, A: i32, out: usize,
): void {
  const pairBytes = <usize>A << 4;
  const y1 = y + pairBytes;
  const out1 = out + pairBytes;
  const mv0 = interleavePair(y, A, out);
  const mv1 = interleavePair(y1, A, out1);
  let lo0v = f64x2.splat(lo0);
  let hi0v = f64x2.splat(hi0);
  let lo1v = lo0v;
  let hi1v = hi0v;
  for (let it = 0; it < 2200; it++) {
    const mid0 = f64x2.mul(tc(K_HALF), f64x2.add(lo0v, hi0v));
    const mid1 = f64x2.mul(tc(K_HALF), f64x2.add(lo1v, hi1v));
    const active0 = v128.and(f64x2.gt(mid0, lo0v), f64x2.lt(mid0, hi0v));
    const active1 = v128.and(f64x2.gt(mid1, lo1v), f64x2.lt(mid1, hi1v));
    if (!v128.any_true(v128.or(active0, active1))) break;
    let sum0 = f64x2.splat(0);
    let sum1 = f64x2.splat(0);
    for (let a = 0; a < A; a++) {
      const off = <usize>a << 4;
      sum0 = f64x2.add(sum0, weightV(low, q, v128.load(out + off), mid0, e, mode));
      sum1 = f64x2.add(sum1, weightV(low, q, v128.load(out1 + off), mid1, e, mode));
    }
    const g0 = sideV(low, sum0);
    const g1 = sideV(low, sum1);
    const zero = f64x2.splat(0);
    lo0v = v128.bitselect(mid0, lo0v, v128.and(active0, f64x2.ge(g0, zero)));
    hi0v = v128.bitselect(mid0, hi0v, v128.and(active0, f64x2.le(g0, zero)));
    lo1v = v128.bitselect(mid1, lo1v, v128.and(active1, f64x2.ge(g1, zero)));
    hi1v = v128.bitselect(mid1, hi1v, v128.and(active1, f64x2.le(g1, zero)));
  }
  finishPair(low, mode, q, e, y, A, out, mv0, f64x2.mul(tc(K_HALF), f64x2.add(lo0v, hi0v)));
  finishPair(low, mode, q, e, y1, A, out1, mv1, f64x2.mul(tc(K_HALF), f64x2.add(lo1v, hi1v)));
}

/** The kernel body for one (q < 1, power mode) pair: constant flags fold each instantiation's branches away. */
// @ts-ignore: decorator
@inline function project(
  simd: bool, low: bool, mode: i32, q: f64, e: f64, lo0: f64, hi0: f64, y: usize, S: i32, A: i32, out: usize,
): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  if (simd) {
    for (; s + 4 <= S; s += 4) {
      const off = <usize>s * rowBytes;
      solveQuadV(low, mode, q, e, lo0, hi0, y + off, A, out + off);
    }
    for (; s + 2 <= S; s += 2) {
      const off = <usize>s * rowBytes;
      solvePairV(low, mode, q, e, lo0, hi0, y + off, A, out + off);
    }
  }
  for (; s < S; s++) {
    const off = <usize>s * rowBytes;
    solveStateS(low, mode, q, e, lo0, hi0, y + off, A, out + off);
  }
}

/** Dispatch on q < 1 and on the power's mode (e = 2, e = 1, e = 1/2, other). */
// @ts-ignore: decorator
@inline function projectAll(simd: bool, y: usize, q: f64, S: i32, A: i32, out: usize): void {
  if (S <= 0 || A <= 0) return;
  const low = q < 1.0;
  const c = low ? q / (1.0 - q) : q / (q - 1.0);
  const e = low ? 1.0 / (1.0 - q) : 1.0 / (q - 1.0);
  const cA = c * Math.pow(<f64>A, 1.0 - q);
  const lo0 = min(c, cA);
  const hi0 = max(c, cA);
  if (low) {
    if (e == 2.0) project(simd, true, POW_SQUARE, q, e, lo0, hi0, y, S, A, out);
    else project(simd, true, POW_GENERAL, q, e, lo0, hi0, y, S, A, out);
  } else {
    if (e == 2.0) project(simd, false, POW_SQUARE, q, e, lo0, hi0, y, S, A, out);
    else if (e == 1.0) project(simd, false, POW_ONE, q, e, lo0, hi0, y, S, A, out);
    else if (e == 0.5) project(simd, false, POW_SQRT, q, e, lo0, hi0, y, S, A, out);
    else project(simd, false, POW_GENERAL, q, e, lo0, hi0, y, S, A, out);
  }
}

/**
 * Per state s: out_s = argmax_{p in simplex} <y_s, p> - h_q(p), the Bregman
 * projection of the Tsallis map h_q(p) = (sum_a p_a^q - 1)/(q - 1) (Tsallis
 * 1988; AMPO, Alfano, Yuan & Rebeschini 2023), by KKT
 *   q < 1: p_a = [q / ((1-q)(lambda - y_a))]^(1/(1-q)),  q > 1: p_a = [(q-1)(y_a - lambda)/q]_+^(1/(q-1)),
 * lambda by bisection on t = |lambda - max y| in the bracket
 *   q < 1: [q/(1-q), q/(1-q) A^(1-q)],  q > 1: [q/(q-1) A^(1-q), q/(q-1)],
 * to adjacent doubles, then the row divided by its sum. Two states per f64x2.
 * y: S*A f64, each row finite or -inf (-inf only for q < 1) with a finite
 * entry; q > 0, q != 1 (checked by the caller); out: S*A f64, not overlapping
 * y (it holds the interleaved rows during the solve).
 */
export function mirrorTsallisProjectSimd(y: usize, q: f64, S: i32, A: i32, out: usize): void {
  projectAll(true, y, q, S, A, out);
}

/** The scalar twin of mirrorTsallisProjectSimd: the same operations state by state. */
export function mirrorTsallisProjectScalar(y: usize, q: f64, S: i32, A: i32, out: usize): void {
  projectAll(false, y, q, S, A, out);
}
