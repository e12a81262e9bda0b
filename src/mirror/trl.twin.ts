/**
 * Plain-TypeScript twins of assembly/mirror/trl.ts: the forward-KL
 * (trust-region learning) step per state through its dual, and the per-state
 * KL ball. Same algorithms as the kernels; see their doc comments.
 */
import { klTerm } from "./kl.twin.js";

const EPS = 2.220446049250313e-16;

function dualAt(pi: ArrayLike<number>, adv: ArrayLike<number>, base: number, A: number, c: number, amax: number, t: number): [number, number] {
  let g = 0;
  let dg = 0;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a];
    if (p === 0) continue;
    const inv = 1 / (t + (amax - adv[base + a]));
    const term = c * p * inv;
    g += term;
    dg += term * inv;
  }
  return [g, -dg];
}

/** argmax_p <p, adv_s> - c KL(pi_s || p) for one state, written to out at s*A. */
export function trlState(pi: ArrayLike<number>, adv: ArrayLike<number>, s: number, A: number, c: number, out: Float64Array): void {
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
    return;
  }
  if (c <= 0) {
    for (let a = 0; a < A; a++) {
      let v = 0;
      if (offMax > amax) v = a === offIdx ? 1 : 0;
      else if (adv[base + a] === amax) v = pi[base + a] / pmax;
      out[base + a] = v;
    }
    return;
  }
  let lo = c * pmax;
  let hi = c;
  if (offMax > amax) {
    const tOff = offMax - amax;
    const [gOff] = dualAt(pi, adv, base, A, c, amax, tOff);
    if (gOff <= 1) {
      for (let a = 0; a < A; a++) {
        const p = pi[base + a];
        out[base + a] = p > 0 ? (c * p) / (tOff + (amax - adv[base + a])) : 0;
      }
      out[base + offIdx] = 1 - gOff;
      return;
    }
    lo = Math.max(lo, tOff);
  }
  let t = lo;
  for (let it = 0; it < 200; it++) {
    const [g, slope] = dualAt(pi, adv, base, A, c, amax, t);
    const f = g - 1;
    if (f === 0) break;
    if (f > 0) lo = t;
    else hi = t;
    // Newton on the concave increasing 1/g - 1 (see the kernel).
    let tn = t + (g - g * g) / slope;
    if (!(tn > lo && tn < hi)) tn = 0.5 * (lo + hi);
    if (Math.abs(tn - t) <= 2 * EPS * t || hi - lo <= 2 * EPS * hi) {
      t = tn;
      break;
    }
    t = tn;
  }
  let sum = 0;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a];
    const v = p > 0 ? (c * p) / (t + (amax - adv[base + a])) : 0;
    out[base + a] = v;
    sum += v;
  }
  const inv = 1 / sum;
  for (let a = 0; a < A; a++) out[base + a] *= inv;
}

/** Twin of mirrorTrlSolve{Simd,Scalar}. */
export function trlSolveTwin(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) trlState(pi, adv, s, A, coef[s], out);
  return out;
}

/**
 * KL(pi_s || p_s) (generalised form), sum of p^2/pi over pi's support, and
 * whether p has mass outside it: ballKl of the kernel.
 */
function ballKl(pi: ArrayLike<number>, p: ArrayLike<number>, off: number, A: number): { kl: number; chi: number; pinned: boolean } {
  let kl = 0;
  let chi = 0;
  let pinned = false;
  for (let a = 0; a < A; a++) {
    const q = pi[off + a];
    const x = p[off + a];
    kl += klTerm(q, x);
    if (q > 0) chi += x * (x / q);
    else if (x > 0) pinned = true;
  }
  return { kl, chi, pinned };
}

/** One state of the KL ball; returns the multiplier (safeguarded Newton on KL^-1/2, see mirrorKlBallSolve). */
export function klBallState(
  pi: ArrayLike<number>,
  adv: ArrayLike<number>,
  s: number,
  A: number,
  base: number,
  delta: number,
  out: Float64Array,
): number {
  const off = s * A;
  if (base === Infinity) {
    for (let a = 0; a < A; a++) out[off + a] = pi[off + a];
    return 0;
  }
  trlState(pi, adv, s, A, base, out);
  if (ballKl(pi, out, off, A).kl <= delta) return 0;
  let mean = 0;
  for (let a = 0; a < A; a++) mean += pi[off + a] * adv[off + a];
  let varA = 0;
  let m3 = 0;
  let span = 0;
  for (let a = 0; a < A; a++) {
    const d = adv[off + a] - mean;
    const pd2 = pi[off + a] * d * d;
    varA += pd2;
    m3 += pd2 * d;
    span = Math.max(span, Math.abs(d));
  }
  // KL = m2 / (2 c^2) + 2 m3 / (3 c^3) + O(c^-4): c to second order.
  let c = span;
  if (varA > 0) {
    c = Math.sqrt(varA / (2 * delta));
    const c1 = c + (2 * m3) / (3 * varA);
    if (c1 > 0.5 * c) c = c1;
  }
  if (!(c > base)) c = base > 0 ? 2 * base : Math.max(c, 1e-300);
  let cLo = base;
  let cHi = Infinity;
  const target = 1 / Math.sqrt(delta * (1 - 5e-15));
  for (let it = 0; it < 1000; it++) {
    trlState(pi, adv, s, A, c, out);
    const { kl: h, chi, pinned } = ballKl(pi, out, off, A);
    if (h <= delta) {
      cHi = c;
      if (h >= delta * (1 - 1e-14)) return c - base;
    } else cLo = c;
    if (cHi !== Infinity && cHi - cLo <= 4 * EPS * cHi) break;
    // h'(c) = (lambda' - 1) / c, lambda' = 1 / sum p^2/pi (0 when pinned outside the support).
    const slope = ((pinned ? 0 : 1 / chi) - 1) / c;
    let cn = c - 2 * (h / slope) * (Math.sqrt(h) * target - 1);
    if (!(cn > cLo && cn < cHi)) cn = cHi === Infinity ? 4 * c : cLo > 0 ? Math.sqrt(cLo * cHi) : 0.25 * cHi;
    if (!(cn > cLo && cn < cHi)) cn = 0.5 * (cLo + cHi);
    c = cn;
  }
  trlState(pi, adv, s, A, cHi, out);
  return cHi - base;
}

/** Twin of mirrorKlBallSolve{Simd,Scalar}. */
export function klBallSolveTwin(
  pi: Float64Array,
  adv: Float64Array,
  base: Float64Array,
  S: number,
  A: number,
  delta: number,
  out = new Float64Array(S * A),
  mult = new Float64Array(S),
): { policy: Float64Array; multipliers: Float64Array } {
  for (let s = 0; s < S; s++) mult[s] = klBallState(pi, adv, s, A, base[s], delta, out);
  return { policy: out, multipliers: mult };
}
