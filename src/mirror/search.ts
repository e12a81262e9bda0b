/**
 * The one-dimensional searches of the exact step: `searchMultiplier`, the
 * Lagrange multiplier of a KL ball (the smallest lambda >= 0 with
 * h(lambda) <= delta, for h decreasing: a KL constraint as its penalty grows),
 * and `goldenSectionMax`, the mixing weight of the mixture segment.
 */

const EPS = 2.220446049250313e-16;

/**
 * Returns lambda with h(lambda) <= delta, tight (h >= delta (1 - relTol)) where
 * the constraint binds, 0 if h(0) <= delta; h is called last at the returned
 * lambda, so a caller whose h writes a solution holds that solution afterwards.
 * The bracket grows geometrically from `guess`, then the Illinois variant of
 * regula falsi runs on log h against log lambda (both roughly linear for large
 * lambda, where KL ~ 1/lambda^2), with bisection as a safeguard.
 */
export function searchMultiplier(h: (lambda: number) => number, delta: number, guess: number, relTol = 1e-13): number {
  if (h(0) <= delta) return 0;
  let hi = guess > 0 && guess < Infinity ? guess : 1;
  let hHi = h(hi);
  let lo = 0;
  let hLo = Infinity;
  for (let it = 0; it < 2000 && hHi > delta; it++) {
    lo = hi;
    hLo = hHi;
    hi *= 4;
    hHi = h(hi);
  }
  if (lo === 0) {
    lo = hi;
    hLo = hHi;
    for (let it = 0; it < 2000 && hLo <= delta && lo > 1e-300; it++) {
      hi = lo;
      hHi = hLo;
      lo *= 0.25;
      hLo = h(lo);
    }
    if (!(hLo > delta)) {
      h(hi);
      return hi;
    }
  }
  const ld = Math.log(delta);
  let xLo = Math.log(lo);
  let xHi = Math.log(hi);
  let fLo = Math.log(hLo) - ld;
  let fHi = hHi > 0 ? Math.log(hHi) - ld : -Infinity;
  let side = 0;
  for (let it = 0; it < 400; it++) {
    if (hHi >= delta * (1 - relTol)) break;
    if (xHi - xLo <= 4 * EPS * Math.max(Math.abs(xHi), 1)) break;
    let x = Number.isFinite(fLo) && Number.isFinite(fHi) ? (xLo * fHi - xHi * fLo) / (fHi - fLo) : 0.5 * (xLo + xHi);
    if (!(x > xLo && x < xHi)) x = 0.5 * (xLo + xHi);
    const hx = h(Math.exp(x));
    const f = Math.log(hx) - ld;
    if (hx > delta) {
      xLo = x;
      fLo = f;
      if (side === -1) fHi *= 0.5;
      side = -1;
    } else {
      xHi = x;
      fHi = f;
      hHi = hx;
      if (side === 1) fLo *= 0.5;
      side = 1;
    }
  }
  const lambda = Math.exp(xHi);
  h(lambda);
  return lambda;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The maximiser of f on [a, b] by golden-section search (Kiefer 1953,
 * "Sequential minimax search for a maximum"): exact up to relTol (b - a) in x
 * when f is unimodal (e.g. concave), then the two ends and the bracket's
 * midpoint compared, so a monotone f gives its end exactly. A different
 * problem from `searchMultiplier` (a maximum, not a root): used by the
 * mixture segment for its weight alpha.
 */
export function goldenSectionMax(f: (x: number) => number, a: number, b: number, relTol = 1e-12): number {
  let lo = a;
  let hi = b;
  let x1 = hi - GOLDEN * (hi - lo);
  let x2 = lo + GOLDEN * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  while (hi - lo > relTol * Math.max(b - a, 1e-300)) {
    if (f1 >= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLDEN * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLDEN * (hi - lo);
      f2 = f(x2);
    }
  }
  let best = -Infinity;
  let x = a;
  for (const c of [a, b, 0.5 * (lo + hi)]) {
    const v = f(c);
    if (v > best) {
      best = v;
      x = c;
    }
  }
  return x;
}
