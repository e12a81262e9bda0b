// Total-variation steps per state: the squared-TV drift and the TV ball, both
// exact by moving mass from the worst actions to the best one.
// Plain-TypeScript twin: src/mirror/tv.twin.ts. Scalar (its sort ranks with vectors).
import { pminF64, selectF64 } from "./select";
import { sortIndices } from "./sort";

/**
 * Per state s, with c = coef[s] >= 0 (+inf keeps pi) and cap >= 0 (+inf allowed):
 *   out_s = argmax_{p: TV(p, pi_s) <= cap} <p, A_s> - c TV(p, pi_s)^2,
 * TV(p, q) = 1/2 sum_a |p_a - q_a|. For a budget tau the best <p, A> moves
 * tau of mass from the lowest-advantage actions (drained in ascending order)
 * to b = argmax_a A_a (lowest index), so the gain G(tau) is concave piecewise
 * linear with slopes A_b - A_a; maximising G(tau) - c tau^2 over tau <= cap
 * stops where the slope meets 2 c tau (inside a segment) or at a kink.
 * Mass tied with A_b is never moved (no gain). The level 2 c tau meets the
 * slope g at tau = g / (2c), computed as g * (1 / (2c)) with one division
 * per state (kernel and twin alike).
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64; scratch: 4*A bytes (A i32), 4-aligned.
 */
export function mirrorTvSolve(
  pi: usize, adv: usize, coef: usize, cap: f64, S: i32, A: i32, out: usize, scratch: usize,
): void {
  const idx = scratch;
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const c = load<f64>(coef + (<usize>s << 3));
    const pr = pi + base;
    const qr = adv + base;
    const or = out + base;
    // The copy as loads and stores (memory.copy is a call out of the module
    // in V8) and the largest advantage, two actions at a time.
    let bestV = f64x2.splat(-Infinity);
    let a = 0;
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      v128.store(or + off, v128.load(pr + off));
      bestV = f64x2.pmax(bestV, v128.load(qr + off));
    }
    let best = f64x2.extract_lane(f64x2.pmax(bestV, v128.shuffle<f64>(bestV, bestV, 1, 0)), 0);
    if (a < A) {
      const off = <usize>a << 3;
      store<f64>(or + off, load<f64>(pr + off));
      best = f64x2.extract_lane(f64x2.pmax(f64x2.splat(best), f64x2.splat(load<f64>(qr + off))), 0);
    }
    if (c == Infinity || !(cap > 0.0)) continue;
    // b: the first action with the largest advantage (downwards, conditional moves).
    let b = 0;
    for (a = A - 1; a >= 0; a--) b = select<i32>(a, b, load<f64>(qr + (<usize>a << 3)) == best);
    sortIndices(idx, qr, A);
    const tau = drain(pr, qr, or, idx, A, c, cap, best);
    const ob = or + (<usize>b << 3);
    store<f64>(ob, load<f64>(ob) + tau);
  }
}

/**
 * Drains the lowest-advantage actions (idx: ascending advantage) into the
 * budget: writes their new mass to or and returns the mass moved, tau.
 */
// @ts-ignore: decorator
@inline function drain(pr: usize, qr: usize, or: usize, idx: usize, A: i32, c: f64, cap: f64, best: f64): f64 {
  let tau = 0.0;
  // 1/(2c) once per state (off the chain of the drain); c = 0: no quadratic cost.
  const rate = c > 0.0 ? 1.0 / (2.0 * c) : Infinity;
  for (let k = 0; k < A; k++) {
    const a = load<i32>(idx + (<usize>k << 2));
    const off = <usize>a << 3;
    const g = best - load<f64>(qr + off);
    if (!(g > 0.0)) break;
    const mass = load<f64>(pr + off);
    if (mass == 0.0) continue;
    const target = g * rate;
    if (target <= tau) break;
    const end = tau + mass;
    // All three are > 0 here, so pmin is min; the choices below are data, not branches.
    const next = pminF64(pminF64(target, end), cap);
    store<f64>(or + off, selectF64(0.0, mass - (next - tau), next >= end));
    tau = next;
    if (next < end) break;
  }
  return tau;
}
