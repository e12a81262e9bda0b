// Per-state divergences between two policies over S x A tables: the KL
// divergence KL(p_s || q_s) and the total variation TV(p_s, q_s).
// Plain-TypeScript twin: src/mirror/kl.twin.ts.
import { hsum, logS, phiS, phiV } from "./math";

// One action's KL term q phi(r), r = p'/q, written out for the rare lanes
// where the ratio overflows (q subnormal): p' - q - q (log p' - log q).
// @ts-ignore: decorator
@inline function klTermS(q: f64, p: f64): f64 {
  if (q == 0.0) return p;
  const r = p / q;
  if (r == Infinity) return p - q - q * (logS(p) - logS(q));
  return q * phiS(r);
}

/**
 * Per-state KL divergence out[s] = KL(first_s || second_s)
 *   = sum_a first(a) log(first(a) / second(a)),
 * evaluated in the generalised form sum_a [first log(first/second) - first + second],
 * equal to it when both rows sum to 1:
 *   out[s] = sum_{a: first(a) > 0} first(a) phi(second(a) / first(a)) + sum_{a: first(a) = 0} second(a),
 * phi(r) = r - 1 - log r >= 0. Every term is non-negative, so tiny divergences
 * (policies close together, as in a trust region) keep full relative accuracy.
 * +inf when second(a) = 0 < first(a). first, second: S*A f64 (s*A + a); out: S f64.
 */
export function mirrorKlSimd(first: usize, second: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  const zero = f64x2.splat(0);
  const inf = f64x2.splat(Infinity);
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let acc = zero;
    let tail = 0.0;
    let a = 0;
    for (; a + 2 <= A; a += 2) {
      const off = base + (<usize>a << 3);
      const q = v128.load(first + off);
      const p = v128.load(second + off);
      const r = f64x2.div(p, q);
      if (v128.any_true(f64x2.eq(r, inf))) {
        // A ratio overflowed (q subnormal, or q = 0 < p): do these two by hand.
        tail += klTermS(f64x2.extract_lane(q, 0), f64x2.extract_lane(p, 0));
        tail += klTermS(f64x2.extract_lane(q, 1), f64x2.extract_lane(p, 1));
        continue;
      }
      const t = f64x2.mul(q, phiV(r));
      // Where q = 0 the term is p (0 * phi(.) would be NaN or 0).
      acc = f64x2.add(acc, v128.bitselect(p, t, f64x2.eq(q, zero)));
    }
    let sum = hsum(acc) + tail;
    for (; a < A; a++) {
      const off = base + (<usize>a << 3);
      sum += klTermS(load<f64>(first + off), load<f64>(second + off));
    }
    store<f64>(out + (<usize>s << 3), sum);
  }
}

/** Per-state KL(first_s || second_s), scalar twin of mirrorKlSimd. */
export function mirrorKlScalar(first: usize, second: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let sum = 0.0;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      sum += klTermS(load<f64>(first + off), load<f64>(second + off));
    }
    store<f64>(out + (<usize>s << 3), sum);
  }
}

/** Per-state total variation out[s] = 1/2 sum_a |p(a) - q(a)|. p, q: S*A f64; out: S f64. */
export function mirrorTvSimd(p: usize, q: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let acc = f64x2.splat(0);
    let a = 0;
    for (; a + 2 <= A; a += 2) {
      const off = base + (<usize>a << 3);
      acc = f64x2.add(acc, f64x2.abs(f64x2.sub(v128.load(p + off), v128.load(q + off))));
    }
    let sum = hsum(acc);
    for (; a < A; a++) {
      const off = base + (<usize>a << 3);
      sum += abs(load<f64>(p + off) - load<f64>(q + off));
    }
    store<f64>(out + (<usize>s << 3), 0.5 * sum);
  }
}

/** Per-state total variation, scalar twin of mirrorTvSimd. */
export function mirrorTvScalar(p: usize, q: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let sum = 0.0;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      sum += abs(load<f64>(p + off) - load<f64>(q + off));
    }
    store<f64>(out + (<usize>s << 3), 0.5 * sum);
  }
}
