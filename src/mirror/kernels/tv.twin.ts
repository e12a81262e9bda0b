/** Plain-TypeScript twin of assembly/mirror/tv.ts (same drain-the-worst algorithm). */

import { argmaxRow } from "./greedy.twin.js";

/** Twin of mirrorTvSolve: argmax over TV(p, pi_s) <= cap of <p, A_s> - coef[s] TV^2 per state. */
export function tvSolveTwin(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  cap: number,
  S: number,
  A: number,
  out = new Float64Array(S * A),
): Float64Array {
  const order = Array.from({ length: A }, (_, a) => a);
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const c = coef[s];
    for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
    if (c === Infinity || !(cap > 0)) continue;
    const b = argmaxRow(adv, base, A);
    const best = adv[base + b];
    order.sort((i, j) => adv[base + i] - adv[base + j] || i - j);
    let tau = 0;
    const rate = c > 0 ? 1 / (2 * c) : Infinity;
    for (let k = 0; k < A; k++) {
      const a = order[k];
      const g = best - adv[base + a];
      if (!(g > 0)) break;
      const mass = pi[base + a];
      if (mass === 0) continue;
      const target = g * rate;
      if (target <= tau) break;
      const end = tau + mass;
      const next = Math.min(target, end, cap);
      out[base + a] = next >= end ? 0 : mass - (next - tau);
      tau = next;
      if (next < end) break;
    }
    out[base + b] += tau;
  }
  return out;
}
