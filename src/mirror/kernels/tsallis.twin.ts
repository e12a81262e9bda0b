/**
 * Plain-TypeScript twin of assembly/mirror/tsallis.ts (the Tsallis Bregman
 * projection onto the simplex; the maths is in tsallis.ts's module comment):
 * the same bisection with the powers by `**`. Trusts its arguments (tsallisProjection checks them).
 */

/** Twin of mirrorTsallisProjectSimd: out_s = argmax_{p in simplex} <y_s, p> - h_q(p) per state. */
export function tsallisProjectionTwin(q: number, y: ArrayLike<number>, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  const shifted = new Float64Array(A);
  for (let s = 0; s < S; s++) {
    const base = s * A;
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, y[base + a]);
    for (let a = 0; a < A; a++) shifted[a] = y[base + a] - m;
    // t = lambda - m (q < 1) or m - lambda (q > 1); sum(t) decreases in t for q < 1, increases for q > 1.
    const sumAt = (t: number): number => {
      let total = 0;
      for (let a = 0; a < A; a++) total += weightTwin(q, shifted[a], t);
      return total;
    };
    const c = q < 1 ? q / (1 - q) : q / (q - 1);
    let lo = q < 1 ? c : c * A ** (1 - q);
    let hi = q < 1 ? c * A ** (1 - q) : c;
    if (lo > hi) [lo, hi] = [hi, lo];
    // Invariant: the root lies in [lo, hi].
    for (let it = 0; it < 2200; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      const f = sumAt(mid) - 1;
      if (f === 0) {
        lo = hi = mid;
        break;
      }
      // q < 1: the sum decreases with t, so f > 0 means the root is above mid.
      if ((f > 0) === (q < 1)) lo = mid;
      else hi = mid;
    }
    const t = 0.5 * (lo + hi);
    let total = 0;
    for (let a = 0; a < A; a++) {
      out[base + a] = weightTwin(q, shifted[a], t);
      total += out[base + a];
    }
    for (let a = 0; a < A; a++) out[base + a] /= total;
  }
  return out;
}

/** p_a at shifted y_a = u <= 0 and t (twin of weightS). */
function weightTwin(q: number, u: number, t: number): number {
  if (q < 1) {
    if (u === -Infinity) return 0;
    return (q / ((1 - q) * (t - u))) ** (1 / (1 - q));
  }
  const v = ((q - 1) * (u + t)) / q;
  return v > 0 ? v ** (1 / (q - 1)) : 0;
}
