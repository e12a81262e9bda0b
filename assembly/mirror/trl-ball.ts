// One state of the per-state KL ball (max-KL neighbourhood): the search on the
// penalty of the trust-region step (trl-dual.ts), as the scalar kernel runs it;
// trl.ts runs it for two states at once in the SIMD lanes.
// Plain-TypeScript twin: src/mirror/kernels/trl.twin.ts.
import { hsum, klTermS, normalS, normalV, phiNormV } from "./math";
import { trlLastT, trlState } from "./trl-dual";

const EPS: f64 = 2.220446049250313e-16;

let ballChi: f64 = 0; // sum over pi(a) > 0 of p(a)^2 / pi(a)
let ballPsi: f64 = 0; // sum over pi(a) > 0 of p(a)^3 / pi(a)^2
let ballPinned: bool = false; // an action outside pi's support has mass

/**
 * KL(pi || p) of one row (generalised form, see kl.ts), with in ballChi and
 * ballPsi the sums of p^2 / pi and p^3 / pi^2 over pi's support and in
 * ballPinned whether p puts mass outside it. The vector loop calls nothing (lanes whose ratio p/pi is not a
 * normal double are summed after it, as in kl.ts).
 */
// @ts-ignore: decorator
@inline function ballKl(pr: usize, or: usize, A: i32, simd: bool): f64 {
  let kl = 0.0;
  let chi = 0.0;
  let psi = 0.0;
  let pinned = false;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    let acc = zero;
    let chiv = zero;
    let psiv = zero;
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
      const rs = v128.and(r, support); // p/0 off the support: zeroed
      const pr = f64x2.mul(p, rs);
      chiv = f64x2.add(chiv, pr);
      psiv = f64x2.add(psiv, f64x2.mul(pr, rs));
      out = v128.or(out, v128.andnot(f64x2.gt(p, zero), support));
    }
    kl = hsum(acc);
    chi = hsum(chiv);
    psi = hsum(psiv);
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
    if (q > 0.0) {
      const r = p / q;
      const pr = p * r;
      chi += pr;
      psi += pr * r;
    }
    else if (p > 0.0) pinned = true;
  }
  ballChi = chi;
  ballPsi = psi;
  ballPinned = pinned;
  return kl;
}

/**
 * One step of the search on the penalty c: Halley's method on
 * y(c) = h(c)^(-1/2) = target (cubic convergence where Newton's is
 * quadratic; h = KL(pi || p(c))), from the analytic derivatives
 *   h' = (lambda' - 1) / c,  h'' = (lambda'' - h') / c,
 *   lambda' = 1 / chi,  lambda'' = (2 lambda' / c) (psi lambda'^2 - 1),
 * chi = sum p^2/pi and psi = sum p^3/pi^2 (differentiate sum c pi / (lambda - A) = 1
 * twice; lambda' = lambda'' = 0 when an action outside pi's support holds the
 * multiplier: lp = 0). With g1 = c h' / h = (lp - 1) / h and
 * g2 = c^2 h'' / h = (c lambda'' - c h') / h (c lambda'' = 2 lp (psi lp^2 - 1): no
 * division by c, two divisions in all on the chain of dependent operations),
 * the step is
 *   c (1 + 2 f g1 / (y g1^2 - f (1.5 g1^2 - g2))),  y = h^(-1/2), f = y - target,
 * and Newton's, c (1 + 2 f / (y g1)), where that denominator is not positive.
 */
// @ts-ignore: decorator
@inline function ballHalley(c: f64, h: f64, lp: f64, psi: f64, target: f64): f64 {
  const u = lp - 1.0;
  const v = (2.0 * lp) * (psi * lp * lp - 1.0);
  const ih = 1.0 / h;
  const g1 = u * ih;
  const g2 = (v - u) * ih;
  const y = sqrt(ih);
  const f = y - target;
  const gg = g1 * g1;
  const den = y * gg - f * (1.5 * gg - g2);
  return den > 0.0 ? c + c * ((2.0 * f * g1) / den) : c + c * ((2.0 * f) / (y * g1));
}

/**
 * pi puts mass on an action worse than its best: then the step at c = 0 (the
 * greedy policy on pi's best actions) leaves that action empty and has
 * KL(pi || p) = +inf, so the ball binds without solving it.
 */
// @ts-ignore: decorator
@inline function spreadS(pr: usize, qr: usize, A: i32): bool {
  let hi = -Infinity;
  let lo = Infinity;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    if (load<f64>(pr + off) > 0.0) {
      // Compare and select, not f64.max / f64.min (their NaN and -0 rules cost V8 a branchy sequence).
      const q = load<f64>(qr + off);
      if (q > hi) hi = q;
      if (q < lo) lo = q;
    }
  }
  return lo < hi;
}

/**
 * The start of one state of the KL ball: keeps pi (base = +inf) or the
 * trust-region step at c = base when its KL is within delta, writing it to or
 * and returning -1 (multiplier 0; base = 0 with spreadS binds without a
 * solve); otherwise returns the first penalty of the search (ballFirst).
 */
// @ts-ignore: decorator
@inline export function ballStart(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  if (base == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return -1.0;
  }
  if (!(base == 0.0 && spreadS(pr, qr, A))) {
    trlState(pr, qr, A, base, or, simd);
    if (ballKl(pr, or, A, simd) <= delta) return -1.0;
  }
  return ballFirst(pr, qr, A, base, delta);
}

/**
 * The first penalty of the search (> base, > 0): the root of
 * KL = m2 / (2 c^2) + 2 m3 / (3 c^3) to second order, m_k the central moments
 * of A under pi (see ballState).
 */
// @ts-ignore: decorator
@inline export function ballFirst(pr: usize, qr: usize, A: i32, base: f64, delta: f64): f64 {
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
    const ad = abs(d);
    if (ad > span) span = ad; // as max (ad is never -0), without f64.max's branchy sequence
  }
  // c = sqrt(m2 / (2 delta)) + 2 m3 / (3 m2) to second order.
  let c = span;
  if (varA > 0.0) {
    c = sqrt(varA / (2.0 * delta));
    const c1 = c + (2.0 * m3) / (3.0 * varA);
    if (c1 > 0.5 * c) c = c1;
  }
  if (!(c > base)) c = base > 0.0 ? 2.0 * base : max(c, 1e-300);
  return c;
}

/**
 * One state of the KL ball: the smallest penalty c >= base with
 * h(c) = KL(pi || p(c)) <= delta, p(c) the trlState solution; returns c - base
 * (the ball's Lagrange multiplier) and leaves p(c) in or.
 * h decreases in c with slope h'(c) = (lambda'(c) - 1) / c, lambda' = 1 / sum p^2/pi
 * (differentiate sum c pi / (lambda - A) = 1; lambda' = 0 when an action
 * outside pi's support holds the multiplier). Halley's method (ballHalley, with
 * the analytic h'') runs on y(c) = h^(-1/2), nearly linear (h ~ m2 / (2 c^2) +
 * 2 m3 / (3 c^3) for large c, m_k the central moments of A under pi; the
 * search starts from that expansion's root to second order, ballStart), inside
 * the bracket h(cLo) > delta >= h(cHi), falling back to its geometric middle.
 * It stops when KL is within 1e-14 relative below delta or the bracket has
 * closed, and returns the feasible end (KL <= delta). About 3 KL evaluations
 * per state at delta = 0.01 (Newton's method: 3.6; the Illinois search on
 * log KL: 15 to 18). Each trust-region solve after the first starts from the
 * last one's t = lambda - amax moved by lambda'(c) dc (first order: its error
 * shrinks with dc^2 as the search converges). With trlState's early stop (a
 * Halley step below 2^-20 t), the bench fixture (A = 4, delta = 0.01) takes
 * 1.57 evaluations per solve, the first solve included (2.01 before it).
 */
// @ts-ignore: decorator
@inline export function ballState(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  let c = ballStart(pr, qr, A, base, delta, or, simd);
  if (c < 0.0) return 0.0;
  let cLo = base;
  let cHi = Infinity;
  // The search aims just inside the ball so that it lands on the feasible side.
  const target = 1.0 / sqrt(delta * (1.0 - 5e-15));
  const tight = delta * (1.0 - 1e-14);
  let tp = NaN; // the inner solve's warm start (none for the first c)
  for (let it = 0; it < 1000; it++) {
    trlState(pr, qr, A, c, or, simd, tp);
    const tl = trlLastT();
    const h = ballKl(pr, or, A, simd);
    if (h <= delta) {
      cHi = c;
      if (h >= tight) return c - base;
    } else cLo = c;
    if (cHi != Infinity && cHi - cLo <= 4.0 * EPS * cHi) break;
    let cn = ballHalley(c, h, ballPinned ? 0.0 : 1.0 / ballChi, ballPsi, target);
    const lp = ballPinned ? 0.0 : 1.0 / ballChi; // lambda'(c)
    if (!(cn > cLo && cn < cHi)) cn = cHi == Infinity ? 4.0 * c : cLo > 0.0 ? sqrt(cLo * cHi) : 0.25 * cHi;
    if (!(cn > cLo && cn < cHi)) cn = 0.5 * (cLo + cHi);
    // lambda moves with c by lambda' (amax fixed): the next solve starts there.
    tp = tl + (cn - c) * lp;
    c = cn;
  }
  trlState(pr, qr, A, cHi, or, simd);
  return cHi - base;
}
