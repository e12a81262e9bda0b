// Trust-region learning per state: the forward-KL-regularised argmax through
// its one-dimensional dual, and the per-state KL ball (max-KL neighbourhood)
// by a search on the penalty. Plain-TypeScript twin: src/mirror/trl.twin.ts.
import { hsum, logS, phiS, phiV } from "./math";

const EPS: f64 = 2.220446049250313e-16;

// Second result of dualAt (WebAssembly functions return one value; a global
// keeps the kernels allocation-free).
let dualSlope: f64 = 0;

/**
 * g(t) = sum_{a: pi_a > 0} c pi_a / (t + amax - A_a), and its derivative in
 * dualSlope. Lanes with pi_a = 0 contribute nothing (their denominator may vanish).
 */
// @ts-ignore: decorator
@inline function dualAt(pr: usize, qr: usize, A: i32, c: f64, amax: f64, t: f64, simd: bool): f64 {
  let g = 0.0;
  let dg = 0.0;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    const cv = f64x2.splat(c);
    const tv = f64x2.splat(t);
    const am = f64x2.splat(amax);
    let gv = zero;
    let dv = zero;
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      const p = v128.load(pr + off);
      // t + (amax - A): t may be far below amax, so never form t + amax first.
      const inv = f64x2.div(f64x2.splat(1.0), f64x2.add(tv, f64x2.sub(am, v128.load(qr + off))));
      const term = v128.bitselect(zero, f64x2.mul(f64x2.mul(cv, p), inv), f64x2.eq(p, zero));
      gv = f64x2.add(gv, term);
      dv = f64x2.add(dv, f64x2.mul(term, inv));
    }
    g = hsum(gv);
    dg = hsum(dv);
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    if (p == 0.0) continue;
    const inv = 1.0 / (t + (amax - load<f64>(qr + off)));
    const term = c * p * inv;
    g += term;
    dg += term * inv;
  }
  dualSlope = -dg;
  return g;
}

/**
 * Solves one state: p = argmax_{p in simplex} <p, A> - c KL(pi || p), written to or.
 * c = +inf keeps pi; c = 0 gives the limit c -> 0+ (a greedy policy splitting
 * ties in proportion to pi, or the best action outside pi's support if that is
 * strictly better). Otherwise p_a = c pi_a / (lambda - A_a), lambda > max_{pi_a>0} A_a
 * with sum p = 1, found by Newton's method from the left on the concave
 * increasing 1/g, safeguarded by bisection; actions outside pi's support whose
 * advantage exceeds lambda take the remaining mass (KKT: A_a = lambda there).
 */
// @ts-ignore: decorator
@inline function trlState(pr: usize, qr: usize, A: i32, c: f64, or: usize, simd: bool): void {
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
  let lo = c * pmax;
  let hi = c;
  if (offMax > amax) {
    const tOff = offMax - amax;
    const gOff = dualAt(pr, qr, A, c, amax, tOff, simd);
    if (gOff <= 1.0) {
      // Multiplier pinned at the best outside action: it takes what is left.
      for (let a = 0; a < A; a++) {
        const off = <usize>a << 3;
        const p = load<f64>(pr + off);
        store<f64>(or + off, p > 0.0 ? (c * p) / (tOff + (amax - load<f64>(qr + off))) : 0.0);
      }
      store<f64>(or + (<usize>offIdx << 3), 1.0 - gOff);
      return;
    }
    // g(tOff) > 1: the root lies beyond tOff, so the outside actions get nothing.
    lo = max(lo, tOff);
  }
  // g(lo) >= 1 >= g(hi). Newton runs on 1/g(t) - 1, a harmonic mean of affine
  // functions and so concave and increasing: from the left it never overshoots
  // (in exact arithmetic), and it is exact in one step when one action dominates.
  let t = lo;
  for (let it = 0; it < 200; it++) {
    const g = dualAt(pr, qr, A, c, amax, t, simd);
    const f = g - 1.0;
    if (f == 0.0) break;
    if (f > 0.0) lo = t;
    else hi = t;
    let tn = t + (g - g * g) / dualSlope;
    if (!(tn > lo && tn < hi)) tn = 0.5 * (lo + hi);
    if (abs(tn - t) <= 2.0 * EPS * t || hi - lo <= 2.0 * EPS * hi) {
      t = tn;
      break;
    }
    t = tn;
  }
  let sum = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const v = p > 0.0 ? (c * p) / (t + (amax - load<f64>(qr + off))) : 0.0;
    store<f64>(or + off, v);
    sum += v;
  }
  // Removes the last rounding residue so that the row sums to 1.
  const inv = 1.0 / sum;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    store<f64>(or + off, load<f64>(or + off) * inv);
  }
}

// KL(pi || p) of one row, generalised form (see kl.ts).
// @ts-ignore: decorator
@inline function klTerm(q: f64, p: f64): f64 {
  if (q == 0.0) return p;
  const r = p / q;
  if (r == Infinity) return p - q - q * (logS(p) - logS(q));
  return q * phiS(r);
}

// @ts-ignore: decorator
@inline function klRow(pr: usize, or: usize, A: i32, simd: bool): f64 {
  let sum = 0.0;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    const inf = f64x2.splat(Infinity);
    let acc = zero;
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      const q = v128.load(pr + off);
      const p = v128.load(or + off);
      const r = f64x2.div(p, q);
      if (v128.any_true(f64x2.eq(r, inf))) {
        sum += klTerm(f64x2.extract_lane(q, 0), f64x2.extract_lane(p, 0));
        sum += klTerm(f64x2.extract_lane(q, 1), f64x2.extract_lane(p, 1));
        continue;
      }
      acc = f64x2.add(acc, v128.bitselect(p, f64x2.mul(q, phiV(r)), f64x2.eq(q, zero)));
    }
    sum += hsum(acc);
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    sum += klTerm(load<f64>(pr + off), load<f64>(or + off));
  }
  return sum;
}

// @ts-ignore: decorator
@inline function trlAll(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, simd: bool): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    trlState(pi + base, adv + base, A, load<f64>(coef + (<usize>s << 3)), out + base, simd);
  }
}

/**
 * Trust-region learning step (Kuba et al. 2022; Schulman et al. 2015), per state:
 *   out_s = argmax_{p in simplex} <p, adv_s> - coef[s] KL(pi_s || p),
 * solved through the dual p(a) = c pi(a) / (lambda - adv(a)) with lambda found
 * to machine precision (see trlState for c = 0 and c = +inf).
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64 >= 0 (may be +inf).
 */
export function mirrorTrlSolveSimd(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  trlAll(pi, adv, coef, S, A, out, true);
}

/** Trust-region learning step per state, scalar twin of mirrorTrlSolveSimd. */
export function mirrorTrlSolveScalar(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  trlAll(pi, adv, coef, S, A, out, false);
}

/**
 * One state of the KL ball: the smallest penalty c >= base with
 * KL(pi || p(c)) <= delta, p(c) the trlState solution; returns c - base (the
 * ball's Lagrange multiplier) and leaves p(c) in or. The search runs on
 * log c with the Illinois variant of regula falsi, bracketed, and stops when
 * KL is within 1e-14 relative of delta or the bracket has closed; it returns
 * the feasible end (KL <= delta) of the bracket.
 */
// @ts-ignore: decorator
@inline function ballState(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  if (base == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return 0.0;
  }
  trlState(pr, qr, A, base, or, simd);
  const h0 = klRow(pr, or, A, simd);
  if (h0 <= delta) return 0.0;
  // Scale of the answer: for large c, KL ~ Var_pi(A) / (2 c^2).
  let mean = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    mean += load<f64>(pr + off) * load<f64>(qr + off);
  }
  let varA = 0.0;
  let span = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const d = load<f64>(qr + off) - mean;
    varA += load<f64>(pr + off) * d * d;
    span = max(span, abs(d));
  }
  let cHi = max(max(base, sqrt(varA / (2.0 * delta))), max(span, 1e-300));
  let hHi = 0.0;
  for (let it = 0; it < 4200; it++) {
    trlState(pr, qr, A, cHi, or, simd);
    hHi = klRow(pr, or, A, simd);
    if (hHi <= delta) break;
    cHi *= 4.0;
  }
  let cLo = base;
  let hLo = h0;
  if (cLo <= 0.0) {
    cLo = cHi;
    hLo = hHi;
    for (let it = 0; it < 4200 && hLo <= delta; it++) {
      cHi = cLo;
      hHi = hLo;
      cLo *= 0.25;
      trlState(pr, qr, A, cLo, or, simd);
      hLo = klRow(pr, or, A, simd);
    }
  }
  if (!(hLo > delta) || cLo <= 0.0) {
    // No usable lower end (KL below delta for every representable penalty): cHi is feasible.
    trlState(pr, qr, A, cHi, or, simd);
    return cHi - base;
  }
  // Bracket: hLo > delta >= hHi, cLo < cHi. Illinois on F(x) = log h(e^x) - log delta.
  const ld = Math.log(delta);
  let xLo = Math.log(cLo);
  let xHi = Math.log(cHi);
  let fLo = Math.log(hLo) - ld;
  let fHi = hHi > 0.0 ? Math.log(hHi) - ld : -Infinity;
  let side = 0;
  for (let it = 0; it < 300; it++) {
    if (hHi >= delta * (1.0 - 1e-14)) break;
    if (xHi - xLo <= 4.0 * EPS * max(abs(xHi), 1.0)) break;
    let x = fLo == Infinity || fHi == -Infinity ? 0.5 * (xLo + xHi) : (xLo * fHi - xHi * fLo) / (fHi - fLo);
    if (!(x > xLo && x < xHi)) x = 0.5 * (xLo + xHi);
    const c = Math.exp(x);
    trlState(pr, qr, A, c, or, simd);
    const h = klRow(pr, or, A, simd);
    const f = Math.log(h) - ld;
    if (h > delta) {
      xLo = x;
      fLo = f;
      if (side == -1) fHi *= 0.5;
      side = -1;
    } else {
      xHi = x;
      fHi = f;
      hHi = h;
      if (side == 1) fLo *= 0.5;
      side = 1;
    }
  }
  cHi = Math.exp(xHi);
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
