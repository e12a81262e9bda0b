/** Plain-TypeScript twin of assembly/mirror/clip.ts (same slope-filling algorithm). */

/** Twin of mirrorClipSolve: exact per-state step of the PPO clip drift with weight coef[s]. */
export function clipSolveTwin(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  eps: number,
  out = new Float64Array(S * A),
): Float64Array {
  const n = 2 * A;
  const slopes = new Float64Array(n);
  const caps = new Float64Array(n);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const w = coef[s];
    for (let a = 0; a < A; a++) {
      const p = pi[base + a];
      const q = adv[base + a];
      const j = 2 * a;
      if (q > 0) {
        slopes[j] = q;
        caps[j] = (1 + eps) * p;
        slopes[j + 1] = w === Infinity ? -Infinity : q * (1 - w);
        caps[j + 1] = Infinity;
      } else if (q < 0) {
        slopes[j] = w === Infinity ? Infinity : -q * (w - 1);
        caps[j] = Math.max(0, (1 - eps) * p);
        slopes[j + 1] = q;
        caps[j + 1] = Infinity;
      } else {
        slopes[j] = 0;
        caps[j] = Infinity;
        slopes[j + 1] = -Infinity;
        caps[j + 1] = 0;
      }
      out[base + a] = 0;
    }
    order.sort((i, j) => slopes[j] - slopes[i] || i - j);
    let left = 1;
    for (let k = 0; k < n && left > 0; k++) {
      const j = order[k];
      const take = Math.min(caps[j], left);
      if (take <= 0) continue;
      out[base + (j >> 1)] += take;
      left -= take;
    }
  }
  return out;
}
