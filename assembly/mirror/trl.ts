// The per-state KL ball (max-KL neighbourhood) by a search on the penalty of
// the trust-region step (trl-dual.ts). Plain-TypeScript twin: src/mirror/trl.twin.ts.
import { hsum, logS, phiS, phiV } from "./math";
import { trlState } from "./trl-dual";

const EPS: f64 = 2.220446049250313e-16;

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
