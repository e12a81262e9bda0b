// Total-variation steps per state: the squared-TV drift and the TV ball, both
// exact by moving mass from the worst actions to the best one.
// Plain-TypeScript twin: src/mirror/tv.twin.ts. Scalar only (it sorts).
import { sortIndices } from "./sort";

/**
 * Per state s, with c = coef[s] >= 0 (+inf keeps pi) and cap >= 0 (+inf allowed):
 *   out_s = argmax_{p: TV(p, pi_s) <= cap} <p, A_s> - c TV(p, pi_s)^2,
 * TV(p, q) = 1/2 sum_a |p_a - q_a|. For a budget tau the best <p, A> moves
 * tau of mass from the lowest-advantage actions (drained in ascending order)
 * to b = argmax_a A_a (lowest index), so the gain G(tau) is concave piecewise
 * linear with slopes A_b - A_a; maximising G(tau) - c tau^2 over tau <= cap
 * stops where the slope meets 2 c tau (inside a segment) or at a kink.
 * Mass tied with A_b is never moved (no gain).
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64; scratch: 12*A bytes (A f64, A i32), 8-aligned.
 */
export function mirrorTvSolve(
  pi: usize, adv: usize, coef: usize, cap: f64, S: i32, A: i32, out: usize, scratch: usize,
): void {
  const idx = scratch + (<usize>A << 3);
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const c = load<f64>(coef + (<usize>s << 3));
    memory.copy(out + base, pi + base, rowBytes);
    if (c == Infinity || !(cap > 0.0)) continue;
    let b = 0;
    let best = -Infinity;
    for (let a = 0; a < A; a++) {
      const q = load<f64>(adv + base + (<usize>a << 3));
      if (q > best) {
        best = q;
        b = a;
      }
    }
    memory.copy(scratch, adv + base, rowBytes);
    sortIndices(idx, scratch, A);
    let tau = 0.0;
    for (let k = 0; k < A; k++) {
      const a = load<i32>(idx + (<usize>k << 2));
      const off = base + (<usize>a << 3);
      const g = best - load<f64>(adv + off);
      if (!(g > 0.0)) break;
      const mass = load<f64>(pi + off);
      if (mass == 0.0) continue;
      const target = c > 0.0 ? g / (2.0 * c) : Infinity;
      if (target <= tau) break;
      const end = tau + mass;
      const next = min(min(target, end), cap);
      if (next >= end) store<f64>(out + off, 0.0);
      else store<f64>(out + off, mass - (next - tau));
      tau = next;
      if (next < end) break;
    }
    const ob = out + base + (<usize>b << 3);
    store<f64>(ob, load<f64>(ob) + tau);
  }
}
