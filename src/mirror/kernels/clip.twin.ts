/** Plain-TypeScript twin of assembly/mirror/clip.ts (same slope-filling algorithm). */

/** Twin of clipTier: fill priority inside a run of equal slopes. */
function clipTierTwin(first: boolean, q: number): number {
  if (first) return q < 0 ? 0 : q === 0 ? 2 : 3;
  return q > 0 ? 1 : 3;
}

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
  const order: number[] = [];
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const w = coef[s];
    for (let a = 0; a < A; a++) {
      const p = pi[base + a];
      const q = adv[base + a];
      const j = a;
      const k = A + a;
      if (q > 0) {
        slopes[j] = q;
        caps[j] = (1 + eps) * p;
        slopes[k] = w === Infinity ? -Infinity : q * (1 - w);
        caps[k] = Infinity;
      } else if (q < 0) {
        slopes[j] = w === Infinity ? Infinity : -q * (w - 1);
        caps[j] = Math.max(0, (1 - eps) * p);
        slopes[k] = q;
        caps[k] = Infinity;
      } else {
        // Split at r = 1 so that ties keep the ratio at 1.
        slopes[j] = 0;
        caps[j] = p;
        slopes[k] = 0;
        caps[k] = Infinity;
      }
      out[base + a] = 0;
    }
    // The fill ends in the run of the largest second-segment slope U at the
    // latest (second segments are unbounded): sort only the slopes >= U.
    let top = -Infinity;
    for (let j = A; j < n; j++) if (slopes[j] > top) top = slopes[j];
    order.length = 0;
    for (let j = 0; j < n; j++) if (slopes[j] >= top) order.push(j);
    // Decreasing slope, ties by index (the kernel's sortIndices order).
    order.sort((i, j) => (slopes[j] === slopes[i] ? i - j : slopes[j] - slopes[i]));
    const m = order.length;
    let left = 1;
    let k = 0;
    while (k < m && left > 0) {
      // A run of equal slopes: fill it tier by tier, as the kernel does.
      let end = k + 1;
      while (end < m && slopes[order[end]] === slopes[order[k]]) end++;
      for (let tier = 0; tier < 4 && left > 0; tier++) {
        if (tier === 1) {
          // Unbounded segments: the largest advantage (first in index order on ties) takes the rest.
          let best = -1;
          for (let m = k; m < end; m++) {
            const j = order[m];
            if (j >= A && adv[base + j - A] > (best < 0 ? 0 : adv[base + best])) best = j - A;
          }
          if (best >= 0) {
            out[base + best] += left;
            left = 0;
          }
          continue;
        }
        for (let m = k; m < end && left > 0; m++) {
          const j = order[m];
          const a = j < A ? j : j - A;
          if (clipTierTwin(j < A, adv[base + a]) !== tier) continue;
          const take = Math.min(caps[j], left);
          if (take <= 0) continue;
          out[base + a] += take;
          left -= take;
        }
      }
      k = end;
    }
  }
  return out;
}
