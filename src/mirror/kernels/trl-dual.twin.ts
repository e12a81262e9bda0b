/**
 * Plain-TypeScript twin of assembly/mirror/trl-dual.ts and trl-slots.ts: the forward-KL
 * (trust-region learning) step per state through its dual. Same algorithm as
 * the kernel (Halley's method on 1/g - 1 from the large-c expansion, the last
 * evaluation's terms normalised); see its doc comments.
 */

const EPS = 2.220446049250313e-16;
// Below this c pmax (2^-960) the step is solved scaled by HUGE (2^900), as in the kernel.
const TINY = 2 ** -960;
const HUGE = 2 ** 900;
// A Halley step below TAU t ends the search (cubic convergence: the root is
// then within about TAU^3 t of t + step; see the kernel).
const TAU = 2 ** -20;

/**
 * Writes term_a = (c pi_a) / (t + (amax - adv_a) scale) to out (0 where pi_a = 0)
 * and returns [g, D1, D2]: g = sum term, D1 = sum term / x, D2 = sum term / x^2.
 */
function evalRow(
  pi: ArrayLike<number>,
  adv: ArrayLike<number>,
  base: number,
  A: number,
  c: number,
  amax: number,
  scale: number,
  t: number,
  out: Float64Array,
): [number, number, number] {
  let g = 0;
  let d1 = 0;
  let d2 = 0;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a];
    const inv = p === 0 ? 0 : 1 / (t + (amax - adv[base + a]) * scale);
    const term = c * p * inv;
    out[base + a] = term;
    g += term;
    const t2 = term * inv;
    d1 += t2;
    d2 += t2 * inv;
  }
  return [g, d1, d2];
}

/**
 * argmax_p <p, adv_s> - c KL(pi_s || p) for one state, written to out at s*A.
 * tStart (if inside the bracket) replaces the start point, as in the kernel.
 * Returns the last t = lambda - amax (NaN when no search ran).
 */
export function trlState(
  pi: ArrayLike<number>,
  adv: ArrayLike<number>,
  s: number,
  A: number,
  c: number,
  out: Float64Array,
  tStart = NaN,
): number {
  const base = s * A;
  let amax = -Infinity;
  let pmax = 0;
  let offMax = -Infinity;
  let offIdx = -1;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a];
    const q = adv[base + a];
    if (p > 0) {
      if (q > amax) {
        amax = q;
        pmax = p;
      } else if (q === amax) pmax += p;
    } else if (q > offMax) {
      offMax = q;
      offIdx = a;
    }
  }
  if (c === Infinity) {
    for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
    return NaN;
  }
  if (c <= 0) {
    for (let a = 0; a < A; a++) {
      let v = 0;
      if (offMax > amax) v = a === offIdx ? 1 : 0;
      else if (adv[base + a] === amax) v = pi[base + a] / pmax;
      out[base + a] = v;
    }
    return NaN;
  }
  // (s c, s adv) has the same step: a tiny c pmax is scaled up by a power of two.
  const scale = c * pmax < TINY ? HUGE : 1;
  c *= scale;
  let lo = c * pmax;
  let hi = c;
  if (offMax > amax) {
    const tOff = (offMax - amax) * scale;
    const [gOff] = evalRow(pi, adv, base, A, c, amax, scale, tOff, out);
    if (gOff <= 1) {
      out[base + offIdx] = 1 - gOff;
      return NaN;
    }
    lo = Math.max(lo, tOff);
  }
  // Start from the large-c expansion t0 = c - E[d] + (Var[d] - E[(d - E d)^3] / c) / c, d = amax - adv under pi.
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a];
    const d = p > 0 ? (amax - adv[base + a]) * scale : 0;
    const w = p * d;
    const w2 = w * d;
    m1 += w;
    m2 += w2;
    m3 += w2 * d;
  }
  const mu3 = m3 - 3 * m1 * m2 + 2 * m1 * m1 * m1;
  const ic = 1 / c;
  const t0 = c - m1 + (m2 - m1 * m1 - mu3 * ic) * ic;
  let t = t0 > lo && t0 < hi ? t0 : lo;
  const ts = tStart * scale;
  if (ts > lo && ts < hi) t = ts;
  let g = 1;
  let step = 0;
  for (let it = 0; it < 200; it++) {
    const [gt, d1, d2] = evalRow(pi, adv, base, A, c, amax, scale, t, out);
    g = gt;
    const f = g - 1;
    if (f === 0) break;
    if (f > 0) lo = t;
    else hi = t;
    // Halley on the concave increasing 1/g - 1 (see the kernel).
    let tn = t + (f * d1) / (d1 * d1 - f * d2);
    if (!(tn > lo && tn < hi)) tn = 0.5 * lo + 0.5 * hi;
    else if (Math.abs(tn - t) <= TAU * t) {
      step = tn - t;
      break;
    }
    if (Math.abs(tn - t) <= 2 * EPS * t || hi - lo <= 2 * EPS * hi) break;
    t = tn;
  }
  if (step !== 0) {
    // The terms moved to t + step: term / (1 + r), r = step / x, to r^2.
    g = 0;
    for (let a = 0; a < A; a++) {
      const p = pi[base + a];
      const inv = p === 0 ? 0 : 1 / (t + (amax - adv[base + a]) * scale);
      const r = step * inv;
      g += out[base + a] *= 1 - r * (1 - r);
    }
  }
  const inv = 1 / g;
  for (let a = 0; a < A; a++) out[base + a] *= inv;
  return t / scale;
}

/** Twin of mirrorTrlSolve{Simd,Scalar}. */
export function trlSolveTwin(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) trlState(pi, adv, s, A, coef[s], out);
  return out;
}
