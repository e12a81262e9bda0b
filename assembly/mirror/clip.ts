// The PPO clip drift's exact per-state step: a separable concave
// piecewise-linear programme on the simplex, solved by filling slope segments
// in decreasing order. Plain-TypeScript twin: src/mirror/clip.twin.ts.
// Sorting has no SIMD form worth having: this kernel is scalar only.
import { sortIndices } from "./sort";

/**
 * Fill priority of a segment inside a run of equal slopes (lower first):
 * 0 an A < 0 action's first segment (keeps r at 1-eps, so the action is not
 * zeroed for nothing), 1 an A > 0 action's second segment (mass to actions
 * the advantage favours: the only way an action with pi = 0 can come back;
 * these are unbounded, so the largest advantage takes all that is left),
 * 2 an A = 0 action's first segment (r up to 1), 3 the rest.
 */
// @ts-ignore: decorator
@inline function clipTier(first: bool, q: f64): i32 {
  if (first) return q < 0.0 ? 0 : q == 0.0 ? 2 : 3;
  return q > 0.0 ? 1 : 3;
}

/**
 * Per state s, with w = coef[s] >= 0 (+inf allowed), eps > 0:
 *   out_s = argmax_{p in simplex} sum_a p_a A_a - w sum_a pi_a ReLU((r_a - clip(r_a, 1-eps, 1+eps)) A_a),
 * r_a = p_a / pi_a (Schulman et al. 2017's clip as a drift, Kuba et al. 2022).
 * Each action's term is concave piecewise linear in p_a with one kink:
 *   A_a > 0: slope A_a up to (1+eps) pi_a, then A_a (1 - w);
 *   A_a < 0: slope |A_a| (w - 1) up to (1-eps) pi_a, then A_a;
 *   A_a = 0: slope 0, split at pi_a (r = 1) into two segments.
 * (pi_a = 0 puts the kink at 0, the limit of the ratio form.) A separable
 * concave maximisation under sum p = 1 is solved exactly by giving the unit
 * of mass to the segments in decreasing slope order: the greedy fill is the
 * water level of the KKT conditions. A run of equal slopes is a flat face
 * of maximisers (at w = 1 every segment past a kink has slope 0), and any
 * split of the mass within it is exact; the split goes by clipTier, then
 * by lower action: an action with A_a < 0 keeps r_a = 1-eps rather than
 * being dropped to 0 for nothing, and an action with A_a > 0 but pi_a = 0
 * can still receive mass (with w = 1 its only segment is flat, and a
 * split that never fed it would stall PPO at a suboptimal deterministic
 * policy). w = +inf forbids the drift (slopes -inf / +inf): the best point
 * of {p : drift = 0}.
 * Segment j: j < A is action j's first segment, j >= A action j-A's second.
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64;
 * scratch: 40*A bytes (2A f64 slopes, 2A f64 capacities, 2A i32 indices), 8-aligned.
 */
export function mirrorClipSolve(
  pi: usize, adv: usize, coef: usize, S: i32, A: i32, eps: f64, out: usize, scratch: usize,
): void {
  const n = 2 * A;
  const keys = scratch;
  const caps = scratch + (<usize>n << 3);
  const idx = caps + (<usize>n << 3);
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const w = load<f64>(coef + (<usize>s << 3));
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      const p = load<f64>(pi + off);
      const q = load<f64>(adv + off);
      let s1: f64, c1: f64, s2: f64, c2: f64;
      if (q > 0.0) {
        s1 = q;
        c1 = (1.0 + eps) * p;
        s2 = w == Infinity ? -Infinity : q * (1.0 - w);
        c2 = Infinity;
      } else if (q < 0.0) {
        s1 = w == Infinity ? Infinity : -q * (w - 1.0);
        c1 = max(0.0, (1.0 - eps) * p);
        s2 = q;
        c2 = Infinity;
      } else {
        s1 = 0.0;
        c1 = p;
        s2 = 0.0;
        c2 = Infinity;
      }
      const j = <usize>a << 3;
      // Ascending keys = descending slopes; equal keys by ascending index.
      store<f64>(keys + j, -s1);
      store<f64>(keys + rowBytes + j, -s2);
      store<f64>(caps + j, c1);
      store<f64>(caps + rowBytes + j, c2);
      store<f64>(out + off, 0.0);
    }
    sortIndices(idx, keys, n);
    let left = 1.0;
    let k = 0;
    while (k < n && left > 0.0) {
      // A run of equal slopes is a flat face of maximisers: fill it tier by tier.
      const key = load<f64>(keys + (<usize>load<i32>(idx + (<usize>k << 2)) << 3));
      let end = k + 1;
      while (end < n && load<f64>(keys + (<usize>load<i32>(idx + (<usize>end << 2)) << 3)) == key) end++;
      for (let tier = 0; tier < 4 && left > 0.0; tier++) {
        if (tier == 1) {
          // Second segments of A > 0 actions have unbounded capacity: all the rest goes to the largest advantage.
          let bestOff: usize = 0;
          let bestQ = 0.0;
          for (let m = k; m < end; m++) {
            const j = load<i32>(idx + (<usize>m << 2));
            if (j < A) continue;
            const off = base + (<usize>(j - A) << 3);
            const q = load<f64>(adv + off);
            if (q > bestQ) {
              bestQ = q;
              bestOff = off;
            }
          }
          if (bestQ > 0.0) {
            store<f64>(out + bestOff, load<f64>(out + bestOff) + left);
            left = 0.0;
          }
          continue;
        }
        for (let m = k; m < end && left > 0.0; m++) {
          const j = load<i32>(idx + (<usize>m << 2));
          const a = j < A ? j : j - A;
          const off = base + (<usize>a << 3);
          if (clipTier(j < A, load<f64>(adv + off)) != tier) continue;
          const take = min(load<f64>(caps + (<usize>j << 3)), left);
          if (take <= 0.0) continue;
          store<f64>(out + off, load<f64>(out + off) + take);
          left -= take;
        }
      }
      k = end;
    }
  }
}
