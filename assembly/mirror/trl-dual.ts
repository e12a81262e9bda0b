// Trust-region learning per state: the forward-KL-regularised argmax through
// its one-dimensional dual (trlState, one state at a time). Plain-TypeScript
// twin: src/mirror/kernels/trl-dual.twin.ts. The SIMD kernel's pairs of states in
// flight are in trl-slots.ts; the per-state KL ball (trl.ts) solves many of
// these per state.
import { hsum } from "./math";

const EPS: f64 = 2.220446049250313e-16;
// Below this c pmax (2^-960) trlState scales the problem by HUGE (2^900).
export const TINY: f64 = 1.0261342003245941e-289;
const HUGE: f64 = 8.452712498170644e270;
// A Halley step below TAU t (2^-20, a power of two: TAU t is exact) ends the
// search: the root is then within about (step / t)^3 t <= 2^-60 t of t + step
// (see trlState), and the terms at t + step follow from those at t by a
// series whose first omitted term is below 2^-60.
const TAU: f64 = 9.5367431640625e-7;

// Vector constants, each splatted into 16 bytes of static data: V8 rebuilds a
// v128.const on every use inside a loop, a load from here is one instruction.
const KC = memory.data<f64>([
  1.0, 1.0, // 0
  0.5, 0.5, // 1
  2.0 * EPS, 2.0 * EPS, // 2
  -Infinity, -Infinity, // 3
  2.0, 2.0, // 4
  3.0, 3.0, // 5
  TINY, TINY, // 6
  TAU, TAU, // 7
]);
export const K_ONE = 0;
export const K_HALF = 1;
export const K_TWO_EPS = 2;
export const K_NEG_INF = 3;
const K_TWO = 4;
const K_THREE = 5;
export const K_TINY = 6;
export const K_TAU = 7;

// @ts-ignore: decorator
@inline export function kc(i: i32): v128 {
  return v128.load(KC + (<usize>i << 4));
}

// The sums D1 = sum term/x and D2 = sum term/x^2 of the last evalRow
// (WebAssembly functions return one value; globals keep the kernels allocation-free).
let evalD1: f64 = 0;
let evalD2: f64 = 0;
// trlState's last t = lambda - amax (unscaled; NaN after a path with no search),
// a warm start for a nearby c (the KL ball's search, trl.ts).
let lastT: f64 = NaN;

/** lambda - amax of trlState's last search (NaN if it took no search). */
// @ts-ignore: decorator
@inline export function trlLastT(): f64 {
  return lastT;
}

/**
 * One evaluation of the dual at t = lambda - amax: writes term_a = (c pi_a) / x_a,
 * x_a = t + (amax - A_a) scale, to or (0 where pi_a = 0: such an x may vanish), and
 * returns g(t) = sum_a term_a, with D1 = sum term_a / x_a = -g'(t) and
 * D2 = sum term_a / x_a^2 = g''(t) / 2 in evalD1, evalD2.
 */
// @ts-ignore: decorator
@inline function evalRow(
  pr: usize, qr: usize, A: i32, c: f64, amax: f64, scale: f64, t: f64, or: usize, simd: bool,
): f64 {
  let g = 0.0;
  let d1 = 0.0;
  let d2 = 0.0;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    const one = kc(K_ONE);
    const cv = f64x2.splat(c);
    const tv = f64x2.splat(t);
    const am = f64x2.splat(amax);
    const sv = f64x2.splat(scale);
    let gv = zero;
    let d1v = zero;
    let d2v = zero;
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      const p = v128.load(pr + off);
      // t + (amax - A): t may be far below amax, so never form t + amax first.
      const x = f64x2.add(tv, f64x2.mul(f64x2.sub(am, v128.load(qr + off)), sv));
      const inv = v128.andnot(f64x2.div(one, x), f64x2.eq(p, zero));
      const term = f64x2.mul(f64x2.mul(cv, p), inv);
      v128.store(or + off, term);
      gv = f64x2.add(gv, term);
      const t2 = f64x2.mul(term, inv);
      d1v = f64x2.add(d1v, t2);
      d2v = f64x2.add(d2v, f64x2.mul(t2, inv));
    }
    g = hsum(gv);
    d1 = hsum(d1v);
    d2 = hsum(d2v);
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const inv = p == 0.0 ? 0.0 : 1.0 / (t + (amax - load<f64>(qr + off)) * scale);
    const term = c * p * inv;
    store<f64>(or + off, term);
    g += term;
    const t2 = term * inv;
    d1 += t2;
    d2 += t2 * inv;
  }
  evalD1 = d1;
  evalD2 = d2;
  return g;
}

/**
 * Start of the search: the large-c expansion of the root of g(t) = 1,
 *   t0 = c - E[d] + (Var[d] - E[(d - E d)^3] / c) / c (one division: times 1/c),
 * d = amax - A under pi, from the raw moments m_k = sum_a pi_a d_a^k (the
 * series of E[1 / (u + d - E d)] in 1/u). Exact when one action holds all
 * of pi; clamped into the bracket by the caller.
 */
// @ts-ignore: decorator
@inline function startPoint(c: f64, m1: f64, m2: f64, m3: f64): f64 {
  const mu3 = m3 - 3.0 * m1 * m2 + 2.0 * m1 * m1 * m1;
  const ic = 1.0 / c;
  return c - m1 + (m2 - m1 * m1 - mu3 * ic) * ic;
}

/** startPoint lane by lane, the same operations in the same order. */
// @ts-ignore: decorator
@inline export function startPointV(c: v128, m1: v128, m2: v128, m3: v128): v128 {
  const three = kc(K_THREE);
  const two = kc(K_TWO);
  const mu3 = f64x2.add(
    f64x2.sub(m3, f64x2.mul(f64x2.mul(three, m1), m2)),
    f64x2.mul(f64x2.mul(f64x2.mul(two, m1), m1), m1),
  );
  const ic = f64x2.div(kc(K_ONE), c);
  return f64x2.add(
    f64x2.sub(c, m1),
    f64x2.mul(f64x2.sub(f64x2.sub(m2, f64x2.mul(m1, m1)), f64x2.mul(mu3, ic)), ic),
  );
}

/**
 * Solves one state: p = argmax_{p in simplex} <p, A> - c KL(pi || p), written to or.
 * c = +inf keeps pi; c = 0 gives the limit c -> 0+ (a greedy policy splitting
 * ties in proportion to pi, or the best action outside pi's support if that is
 * strictly better). Otherwise p_a = c pi_a / (lambda - A_a), lambda > max_{pi_a>0} A_a
 * with sum p = 1: t = lambda - amax is the root of g(t) = 1 in [c pmax, c]
 * (g decreasing and convex), found by Halley's method on 1/g - 1 (cubic
 * convergence; 1/g is affine when one action dominates), safeguarded by
 * bisection, from the large-c expansion of the root (startPoint), until a
 * Halley step falls below TAU t = 2^-20 t (or within 2 ulp of t, or the
 * bracket closes): two or three evaluations. Why that is machine precision:
 * Halley's error obeys e1 = C e^3 + O(e^4), C = (F2 / 2 F1)^2 - F3 / 6 F1 with
 * Fk the k-th derivative of F = 1/g; with weights q_a proportional to
 * term_a / x_a and y = 1/x in (0, 1/t], F2 / F1 = -2 Var_q(y) / E_q(y) and
 * F3 / F1 = 6 E_q[y (y - E_q y)^2] / E_q(y), so |F2 / F1| <= 2/t,
 * 0 <= F3 / F1 <= 6/t^2 and |C| <= 1/t^2: a step s <= TAU t (s = e to
 * leading order) leaves |e1| <= TAU^3 t = 2^-60 t. The terms at t + s are
 * term_a / (1 + r_a), r_a = s / x_a, |r_a| <= TAU, taken as term_a (1 - r_a (1 - r_a)),
 * off by r_a^3 <= 2^-60 (relative). The terms, divided by their sum, are the answer.
 * Actions outside pi's support whose advantage exceeds lambda take the
 * remaining mass (KKT: A_a = lambda there). tStart, when inside the bracket,
 * replaces the start point: t of a nearby c, moved along dlambda/dc (the KL
 * ball's search); NaN for none.
 */
// @ts-ignore: decorator
@inline export function trlState(pr: usize, qr: usize, A: i32, c: f64, or: usize, simd: bool, tStart: f64 = NaN): void {
  lastT = NaN;
  let amax = -Infinity;
  let pmax = 0.0;
  let offMax = -Infinity;
  let offIdx = -1;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const q = load<f64>(qr + off);
    if (p > 0.0) {
      if (q > amax) {
        amax = q;
        pmax = p;
      } else if (q == amax) pmax += p;
    } else if (q > offMax) {
      offMax = q;
      offIdx = a;
    }
  }
  if (c == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return;
  }
  if (c <= 0.0) {
    for (let a = 0; a < A; a++) {
      const off = <usize>a << 3;
      let v = 0.0;
      if (offMax > amax) v = a == offIdx ? 1.0 : 0.0;
      else if (load<f64>(qr + off) == amax) v = load<f64>(pr + off) / pmax;
      store<f64>(or + off, v);
    }
    return;
  }
  // With c pmax near the bottom of the doubles, 1 / x could overflow. The
  // problem is the same for (s c, s A) (lambda becomes s lambda), so a power
  // of two s scales it exactly: t, c and the gaps amax - A are taken times s.
  const scale = c * pmax < TINY ? HUGE : 1.0;
  c *= scale;
  let lo = c * pmax;
  let hi = c;
  if (offMax > amax) {
    const tOff = (offMax - amax) * scale;
    const gOff = evalRow(pr, qr, A, c, amax, scale, tOff, or, simd);
    if (gOff <= 1.0) {
      // Multiplier pinned at the best outside action: it takes what is left.
      store<f64>(or + (<usize>offIdx << 3), 1.0 - gOff);
      return;
    }
    // g(tOff) > 1: the root lies beyond tOff, so the outside actions get nothing.
    lo = max(lo, tOff);
  }
  let m1 = 0.0;
  let m2 = 0.0;
  let m3 = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const d = p > 0.0 ? (amax - load<f64>(qr + off)) * scale : 0.0;
    const w = p * d;
    const w2 = w * d;
    m1 += w;
    m2 += w2;
    m3 += w2 * d;
  }
  const t0 = startPoint(c, m1, m2, m3);
  let t = t0 > lo && t0 < hi ? t0 : lo;
  const ts = tStart * scale;
  if (ts > lo && ts < hi) t = ts;
  let g = 1.0;
  let step = 0.0;
  for (let it = 0; it < 200; it++) {
    g = evalRow(pr, qr, A, c, amax, scale, t, or, simd);
    const f = g - 1.0;
    if (f == 0.0) break;
    if (f > 0.0) lo = t;
    else hi = t;
    const d1 = evalD1;
    // Halley on 1/g - 1 (Newton's step f g / D1, corrected for the curvature):
    // t - 2FF' / (2F'^2 - FF'') with F = 1/g - 1 reduces to f D1 / (D1^2 - f D2).
    let tn = t + (f * d1) / (d1 * d1 - f * evalD2);
    // Bisection; 0.5 lo + 0.5 hi, not 0.5 (lo + hi), which overflows near the largest double.
    if (!(tn > lo && tn < hi)) tn = 0.5 * lo + 0.5 * hi;
    else if (abs(tn - t) <= TAU * t) {
      step = tn - t;
      break;
    }
    if (abs(tn - t) <= 2.0 * EPS * t || hi - lo <= 2.0 * EPS * hi) break;
    t = tn;
  }
  lastT = t / scale;
  if (step != 0.0) {
    // The terms moved from t to t + step (see above), with the inverses the evaluation used.
    g = 0.0;
    for (let a = 0; a < A; a++) {
      const off = <usize>a << 3;
      const p = load<f64>(pr + off);
      const inv = p == 0.0 ? 0.0 : 1.0 / (t + (amax - load<f64>(qr + off)) * scale);
      const r = step * inv;
      const e = load<f64>(or + off) * (1.0 - r * (1.0 - r));
      store<f64>(or + off, e);
      g += e;
    }
  }
  // Removes the last rounding residue so that the row sums to 1.
  const inv = 1.0 / g;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    store<f64>(or + off, load<f64>(or + off) * inv);
  }
}
