/**
 * Plain-TypeScript twin of assembly/mirror/trl-ball.ts and trl.ts: the per-state KL ball.
 * Same algorithm as the kernel; see its doc comments. The trust-region step
 * itself is in trl-dual.twin.ts (re-exported here).
 */
import { klTerm } from "./kl.twin.js";
import { trlState } from "./trl-dual.twin.js";

export { trlSolveTwin, trlState } from "./trl-dual.twin.js";

const EPS = 2.220446049250313e-16;

/**
 * KL(pi_s || p_s) (generalised form), sums of p^2/pi and p^3/pi^2 over pi's
 * support, and whether p has mass outside it: ballKl of the kernel.
 */
function ballKl(
  pi: ArrayLike<number>,
  p: ArrayLike<number>,
  off: number,
  A: number,
): { kl: number; chi: number; psi: number; pinned: boolean } {
  let kl = 0;
  let chi = 0;
  let psi = 0;
  let pinned = false;
  for (let a = 0; a < A; a++) {
    const q = pi[off + a];
    const x = p[off + a];
    kl += klTerm(q, x);
    if (q > 0) {
      const r = x / q;
      const xr = x * r;
      chi += xr;
      psi += xr * r;
    } else if (x > 0) pinned = true;
  }
  return { kl, chi, psi, pinned };
}

/**
 * Halley's step on KL^(-1/2) = target in the penalty c, from the analytic
 * first and second derivatives (lp = lambda'(c), psi = sum p^3/pi^2; Newton's
 * step where Halley's denominator is not positive): ballHalley of the kernel.
 */
function ballHalley(c: number, h: number, lp: number, psi: number, target: number): number {
  const u = lp - 1; // c h'
  const v = 2 * lp * (psi * lp * lp - 1); // c lambda''
  const ih = 1 / h;
  const g1 = u * ih;
  const g2 = (v - u) * ih; // c^2 h'' / h
  const y = Math.sqrt(ih);
  const f = y - target;
  const gg = g1 * g1;
  const den = y * gg - f * (1.5 * gg - g2);
  return den > 0 ? c + c * ((2 * f * g1) / den) : c + c * ((2 * f) / (y * g1));
}

/**
 * One state of the KL ball; returns the multiplier (safeguarded Halley on
 * KL^-1/2, each trust-region solve warm-started from the last; see ballState
 * in assembly/mirror/trl-ball.ts).
 */
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
  // base = 0 and pi on an action worse than its best: the greedy step has KL = +inf (see the kernel).
  let hi = -Infinity;
  let lo = Infinity;
  for (let a = 0; a < A; a++) {
    if (pi[off + a] > 0) {
      hi = Math.max(hi, adv[off + a]);
      lo = Math.min(lo, adv[off + a]);
    }
  }
  if (!(base === 0 && lo < hi)) {
    trlState(pi, adv, s, A, base, out);
    if (ballKl(pi, out, off, A).kl <= delta) return 0;
  }
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
  let tp = NaN; // warm start of the trust-region solve (none for the first c)
  const tight = delta * (1 - 1e-14);
  for (let it = 0; it < 1000; it++) {
    const tl = trlState(pi, adv, s, A, c, out, tp);
    const { kl: h, chi, psi, pinned } = ballKl(pi, out, off, A);
    if (h <= delta) {
      cHi = c;
      if (h >= tight) return c - base;
    } else cLo = c;
    if (cHi !== Infinity && cHi - cLo <= 4 * EPS * cHi) break;
    // lambda' = 1 / sum p^2/pi (0 when pinned outside the support).
    const lp = pinned ? 0 : 1 / chi;
    let cn = ballHalley(c, h, lp, psi, target);
    if (!(cn > cLo && cn < cHi)) cn = cHi === Infinity ? 4 * c : cLo > 0 ? Math.sqrt(cLo * cHi) : 0.25 * cHi;
    if (!(cn > cLo && cn < cHi)) cn = 0.5 * (cLo + cHi);
    // The next solve starts from lambda moved by lambda'(c) dc (see the kernel).
    tp = tl + (cn - c) * lp;
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
