// The PPO clip drift's exact per-state step: a separable concave
// piecewise-linear programme on the simplex, solved by filling slope segments
// in decreasing order. Plain-TypeScript twin: src/mirror/clip.twin.ts.
// Sorting has no SIMD form worth having: this kernel is scalar only.
import { sortIndices } from "./sort";

/**
 * Per state s, with w = coef[s] >= 0 (+inf allowed), eps > 0:
 *   out_s = argmax_{p in simplex} sum_a p_a A_a - w sum_a pi_a ReLU((r_a - clip(r_a, 1-eps, 1+eps)) A_a),
 * r_a = p_a / pi_a (Schulman et al. 2017's clip as a drift, Kuba et al. 2022).
 * Each action's term is concave piecewise linear in p_a with one kink:
 *   A_a > 0: slope A_a up to (1+eps) pi_a, then A_a (1 - w);
 *   A_a < 0: slope |A_a| (w - 1) up to (1-eps) pi_a, then A_a;
 *   A_a = 0: slope 0.
 * (pi_a = 0 puts the kink at 0, the limit of the ratio form.) A separable
 * concave maximisation under sum p = 1 is solved exactly by giving the unit
 * of mass to the segments in decreasing slope order (ties: lower action,
 * then first segment): the greedy fill is the water level of the KKT
 * conditions. w = +inf forbids the drift (slopes -inf / +inf): the best point
 * of {p : drift = 0}.
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
        c1 = Infinity;
        s2 = -Infinity;
        c2 = 0.0;
      }
      const j = <usize>(2 * a) << 3;
      // Ascending keys = descending slopes.
      store<f64>(keys + j, -s1);
      store<f64>(keys + j + 8, -s2);
      store<f64>(caps + j, c1);
      store<f64>(caps + j + 8, c2);
      store<f64>(out + off, 0.0);
    }
    sortIndices(idx, keys, n);
    let left = 1.0;
    for (let k = 0; k < n && left > 0.0; k++) {
      const j = load<i32>(idx + (<usize>k << 2));
      const take = min(load<f64>(caps + (<usize>j << 3)), left);
      if (take <= 0.0) continue;
      const off = base + (<usize>(j >> 1) << 3);
      store<f64>(out + off, load<f64>(out + off) + take);
      left -= take;
    }
  }
}
