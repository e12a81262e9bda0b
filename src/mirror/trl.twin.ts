/**
 * Plain-TypeScript twin of assembly/mirror/trl.ts: the per-state KL ball.
 * Same algorithm as the kernel; see its doc comments. The trust-region step
 * itself is in trl-dual.twin.ts (re-exported here).
 */
import { klRow } from "./kl.twin.js";
import { trlState } from "./trl-dual.twin.js";

export { trlSolveTwin, trlState } from "./trl-dual.twin.js";

const EPS = 2.220446049250313e-16;

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
