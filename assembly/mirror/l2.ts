// The squared-L2 drift's exact per-state step: a Euclidean projection onto the
// simplex. Plain-TypeScript twin: src/mirror/l2.twin.ts.
import { hsum } from "./math";

// @ts-ignore: decorator
@inline function l2State(pr: usize, qr: usize, A: i32, c: f64, or: usize, simd: bool): void {
  if (c == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return;
  }
  // y = pi + A / (2c), written to the output row first.
  const h = 0.5 / c;
  let total = 0.0;
  let finite = c > 0.0 && h < Infinity;
  for (let a = 0; a < A && finite; a++) {
    const off = <usize>a << 3;
    const y = load<f64>(pr + off) + h * load<f64>(qr + off);
    if (!(abs(y) < Infinity)) finite = false;
    store<f64>(or + off, y);
    total += y;
  }
  if (!finite) {
    // c = 0 (or so small that y overflows): the limit is the greedy policy.
    let b = 0;
    let best = -Infinity;
    for (let a = 0; a < A; a++) {
      const q = load<f64>(qr + (<usize>a << 3));
      if (q > best) {
        best = q;
        b = a;
      }
    }
    for (let a = 0; a < A; a++) store<f64>(or + (<usize>a << 3), a == b ? 1.0 : 0.0);
    return;
  }
  // Michelot (1986): theta = (sum_{y > theta} y - 1) / |{y > theta}| rises
  // monotonically to the projection threshold; the active set only shrinks.
  let count = A;
  let theta = (total - 1.0) / <f64>A;
  for (let it = 0; it <= A; it++) {
    let sum = 0.0;
    let k = 0;
    let a = 0;
    if (simd) {
      const tv = f64x2.splat(theta);
      let sv = f64x2.splat(0);
      let kv = f64x2.splat(0);
      const one = f64x2.splat(1.0);
      for (; a + 2 <= A; a += 2) {
        const y = v128.load(or + (<usize>a << 3));
        const m = f64x2.gt(y, tv);
        sv = f64x2.add(sv, v128.and(y, m));
        kv = f64x2.add(kv, v128.and(one, m));
      }
      sum = hsum(sv);
      k = <i32>hsum(kv);
    }
    for (; a < A; a++) {
      const y = load<f64>(or + (<usize>a << 3));
      if (y > theta) {
        sum += y;
        k++;
      }
    }
    if (k == count && it > 0) break;
    count = k;
    theta = (sum - 1.0) / <f64>k;
  }
  let a = 0;
  if (simd) {
    const tv = f64x2.splat(theta);
    const zero = f64x2.splat(0);
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      v128.store(or + off, f64x2.max(f64x2.sub(v128.load(or + off), tv), zero));
    }
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    store<f64>(or + off, max(load<f64>(or + off) - theta, 0.0));
  }
}

// @ts-ignore: decorator
@inline function l2All(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, simd: bool): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    l2State(pi + base, adv + base, A, load<f64>(coef + (<usize>s << 3)), out + base, simd);
  }
}

/**
 * Squared-L2 drift step per state:
 *   out_s = argmax_{p in simplex} <p, A_s> - c ||p - pi_s||^2 = Proj_simplex(pi_s + A_s / (2c)),
 * c = coef[s] >= 0; c = +inf keeps pi, c = 0 gives the greedy policy (lowest index).
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64.
 */
export function mirrorL2SolveSimd(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  // Below 8 actions the masked vector sums cost more than they save (measured at A = 4).
  if (A >= 8) l2All(pi, adv, coef, S, A, out, true);
  else l2All(pi, adv, coef, S, A, out, false);
}

/** Squared-L2 drift step per state, scalar twin of mirrorL2SolveSimd. */
export function mirrorL2SolveScalar(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  l2All(pi, adv, coef, S, A, out, false);
}
