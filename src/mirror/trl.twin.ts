/**
 * Plain-TypeScript twins of assembly/mirror/trl.ts: the forward-KL
 * (trust-region learning) step per state through its dual, and the per-state
 * KL ball. Same algorithms as the kernels; see their doc comments.
 */
import { klRow } from "./kl.twin.js";

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

/** One state of the KL ball; returns the multiplier (see mirrorKlBallSolve). */
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
  const h = (c: number): number => {
    trlState(pi, adv, s, A, c, out);
    return klRow(pi, out, s, A);
  };
  const h0 = h(base);
  if (h0 <= delta) return 0;
  let mean = 0;
  for (let a = 0; a < A; a++) mean += pi[off + a] * adv[off + a];
  let varA = 0;
  let span = 0;
  for (let a = 0; a < A; a++) {
    const d = adv[off + a] - mean;
    varA += pi[off + a] * d * d;
    span = Math.max(span, Math.abs(d));
  }
  let cHi = Math.max(Math.max(base, Math.sqrt(varA / (2 * delta))), Math.max(span, 1e-300));
  let hHi = 0;
  for (let it = 0; it < 4200; it++) {
    hHi = h(cHi);
    if (hHi <= delta) break;
    cHi *= 4;
  }
  let cLo = base;
  let hLo = h0;
  if (cLo <= 0) {
    cLo = cHi;
    hLo = hHi;
    for (let it = 0; it < 4200 && hLo <= delta; it++) {
      cHi = cLo;
      hHi = hLo;
      cLo *= 0.25;
      hLo = h(cLo);
    }
  }
  if (!(hLo > delta) || cLo <= 0) {
    h(cHi);
    return cHi - base;
  }
  const ld = Math.log(delta);
  let xLo = Math.log(cLo);
  let xHi = Math.log(cHi);
  let fLo = Math.log(hLo) - ld;
  let fHi = hHi > 0 ? Math.log(hHi) - ld : -Infinity;
  let side = 0;
  for (let it = 0; it < 300; it++) {
    if (hHi >= delta * (1 - 1e-14)) break;
    if (xHi - xLo <= 4 * EPS * Math.max(Math.abs(xHi), 1)) break;
    let x = fLo === Infinity || fHi === -Infinity ? 0.5 * (xLo + xHi) : (xLo * fHi - xHi * fLo) / (fHi - fLo);
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
  cHi = Math.exp(xHi);
  h(cHi);
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
