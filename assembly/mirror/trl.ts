// The per-state KL ball (max-KL neighbourhood) by a search on the penalty of
// the trust-region step (trl-dual.ts). Plain-TypeScript twin: src/mirror/trl.twin.ts.
import { hsum, klTermS, normalS, normalV, phiNormV } from "./math";
import { trlState } from "./trl-dual";

const EPS: f64 = 2.220446049250313e-16;

let ballChi: f64 = 0; // sum over pi(a) > 0 of p(a)^2 / pi(a)
let ballPinned: bool = false; // an action outside pi's support has mass

/**
 * KL(pi || p) of one row (generalised form, see kl.ts), with in ballChi the
 * sum of p^2 / pi over pi's support and in ballPinned whether p puts mass
 * outside it. The vector loop calls nothing (lanes whose ratio p/pi is not a
 * normal double are summed after it, as in kl.ts).
 */
// @ts-ignore: decorator
@inline function ballKl(pr: usize, or: usize, A: i32, simd: bool): f64 {
  let kl = 0.0;
  let chi = 0.0;
  let pinned = false;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    let acc = zero;
    let chiv = zero;
    let ok = i64x2.splat(-1);
    let out = i64x2.splat(0);
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      const q = v128.load(pr + off);
      const p = v128.load(or + off);
      const r = f64x2.div(p, q);
      const t = f64x2.mul(q, phiNormV(r));
      const normal = normalV(r);
      acc = f64x2.add(acc, v128.and(t, normal));
      ok = v128.and(ok, normal);
      const support = f64x2.gt(q, zero);
      chiv = f64x2.add(chiv, v128.and(f64x2.mul(p, r), support));
      out = v128.or(out, v128.andnot(f64x2.gt(p, zero), support));
    }
    kl = hsum(acc);
    chi = hsum(chiv);
    pinned = v128.any_true(out);
    if (!i64x2.all_true(ok)) {
      for (let b = 0; b < a; b++) {
        const off = <usize>b << 3;
        const q = load<f64>(pr + off);
        const p = load<f64>(or + off);
        if (!normalS(p / q)) kl += klTermS(q, p);
      }
    }
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const q = load<f64>(pr + off);
    const p = load<f64>(or + off);
    kl += klTermS(q, p);
    if (q > 0.0) chi += p * (p / q);
    else if (p > 0.0) pinned = true;
  }
  ballChi = chi;
  ballPinned = pinned;
  return kl;
}

/**
 * One state of the KL ball: the smallest penalty c >= base with
 * h(c) = KL(pi || p(c)) <= delta, p(c) the trlState solution; returns c - base
 * (the ball's Lagrange multiplier) and leaves p(c) in or.
 * h decreases in c with slope h'(c) = (lambda'(c) - 1) / c, lambda' = 1 / sum p^2/pi
 * (differentiate sum c pi / (lambda - A) = 1; lambda' = 0 when an action
 * outside pi's support holds the multiplier). Newton runs on y(c) = h^(-1/2),
 * nearly linear (h ~ m2 / (2 c^2) + 2 m3 / (3 c^3) for large c, m_k the central
 * moments of A under pi; the search starts from that expansion's root to
 * second order), inside the bracket
 * h(cLo) > delta >= h(cHi), falling back to its geometric middle. It stops
 * when KL is within 1e-14 relative below delta or the bracket has closed, and
 * returns the feasible end (KL <= delta). About 4.5 KL evaluations per state
 * where the Illinois search on log KL took 15 to 18.
 */
// @ts-ignore: decorator
@inline function ballState(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  if (base == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return 0.0;
  }
  trlState(pr, qr, A, base, or, simd);
  if (ballKl(pr, or, A, simd) <= delta) return 0.0;
  let mean = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    mean += load<f64>(pr + off) * load<f64>(qr + off);
  }
  let varA = 0.0;
  let m3 = 0.0;
  let span = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const d = load<f64>(qr + off) - mean;
    const pd2 = load<f64>(pr + off) * d * d;
    varA += pd2;
    m3 += pd2 * d;
    span = max(span, abs(d));
  }
  // KL = m2 / (2 c^2) + 2 m3 / (3 c^3) + O(c^-4) (central moments of A under pi):
  // c = sqrt(m2 / (2 delta)) + 2 m3 / (3 m2) to second order.
  let c = span;
  if (varA > 0.0) {
    c = sqrt(varA / (2.0 * delta));
    const c1 = c + (2.0 * m3) / (3.0 * varA);
    if (c1 > 0.5 * c) c = c1;
  }
  if (!(c > base)) c = base > 0.0 ? 2.0 * base : max(c, 1e-300);
  let cLo = base;
  let cHi = Infinity;
  // Newton aims just inside the ball so that it lands on the feasible side.
  const target = 1.0 / sqrt(delta * (1.0 - 5e-15));
  for (let it = 0; it < 1000; it++) {
    trlState(pr, qr, A, c, or, simd);
    const h = ballKl(pr, or, A, simd);
    if (h <= delta) {
      cHi = c;
      if (h >= delta * (1.0 - 1e-14)) return c - base;
    } else cLo = c;
    if (cHi != Infinity && cHi - cLo <= 4.0 * EPS * cHi) break;
    const slope = ((ballPinned ? 0.0 : 1.0 / ballChi) - 1.0) / c;
    let cn = c - 2.0 * (h / slope) * (sqrt(h) * target - 1.0);
    if (!(cn > cLo && cn < cHi)) cn = cHi == Infinity ? 4.0 * c : cLo > 0.0 ? sqrt(cLo * cHi) : 0.25 * cHi;
    if (!(cn > cLo && cn < cHi)) cn = 0.5 * (cLo + cHi);
    c = cn;
  }
  trlState(pr, qr, A, cHi, or, simd);
  return cHi - base;
}

// @ts-ignore: decorator
@inline function ballAll(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize, simd: bool,
): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const off = <usize>s * rowBytes;
    const so = <usize>s << 3;
    store<f64>(mult + so, ballState(pi + off, adv + off, A, load<f64>(base + so), delta, out + off, simd));
  }
}

/**
 * Per-state KL ball (the max-KL neighbourhood of TRL / TRPO's constraint taken
 * state by state), with an optional forward-KL drift of weight base[s]:
 *   out_s = argmax_{p: KL(pi_s || p) <= delta} <p, adv_s> - base[s] KL(pi_s || p),
 * the constraint tight to 1e-14 relative wherever it binds; mult[s] receives its
 * Lagrange multiplier (0 where it does not bind).
 * pi, adv, out: S*A f64; base, mult: S f64, base >= 0 (+inf keeps pi); delta > 0.
 */
export function mirrorKlBallSolveSimd(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize,
): void {
  ballAll(pi, adv, base, S, A, delta, out, mult, true);
}

/** Per-state KL ball, scalar twin of mirrorKlBallSolveSimd. */
export function mirrorKlBallSolveScalar(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize,
): void {
  ballAll(pi, adv, base, S, A, delta, out, mult, false);
}
