// Per-state divergences between two policies over S x A tables: the KL
// divergence KL(p_s || q_s) and the total variation TV(p_s, q_s).
// Plain-TypeScript twin: src/mirror/kernels/kl.twin.ts.
import { klTermS, normalS, normalV, phiNormV, phiRow0, phiRow1, phiRowsV, phiTmpV } from "./math";

// Second result of klPairs: whether every ratio of the row was a normal double.
let rowNormal: bool = true;

/**
 * The KL terms of one row's first (A & ~1) actions, summed per lane, for the
 * actions whose ratio p'/q is a normal double (the others, where q or p' is 0
 * or subnormal, add nothing here: see klRest). No calls inside the loop, so
 * V8 keeps its values in registers.
 */
// @ts-ignore: decorator
@inline function klPairs(f: usize, g: usize, A: i32): v128 {
  let acc = f64x2.splat(0);
  let ok = i64x2.splat(-1);
  const pairs = A >> 1;
  if (pairs > 0) {
    // Software-pipelined: the next pair's ratio, table addresses and first
    // row words are computed before this pair's phi, so the division's and the
    // loads' latency hide behind it.
    let q = v128.load(f);
    let r = f64x2.div(v128.load(g), q);
    let tmp = phiTmpV(r);
    let o0 = phiRow0(tmp);
    let o1 = phiRow1(tmp);
    let a0 = v128.load(o0);
    let a1 = v128.load(o1);
    for (let a = 1; a < pairs; a++) {
      const off = <usize>a << 4;
      const qn = v128.load(f + off);
      const rn = f64x2.div(v128.load(g + off), qn);
      const tn = phiTmpV(rn);
      const n0 = phiRow0(tn);
      const n1 = phiRow1(tn);
      const b0 = v128.load(n0);
      const b1 = v128.load(n1);
      const normal = normalV(r);
      acc = f64x2.add(acc, v128.and(f64x2.mul(q, phiRowsV(r, tmp, o0, o1, a0, a1)), normal));
      ok = v128.and(ok, normal);
      q = qn;
      r = rn;
      tmp = tn;
      o0 = n0;
      o1 = n1;
      a0 = b0;
      a1 = b1;
    }
    const normal = normalV(r);
    acc = f64x2.add(acc, v128.and(f64x2.mul(q, phiRowsV(r, tmp, o0, o1, a0, a1)), normal));
    ok = v128.and(ok, normal);
  }
  rowNormal = i64x2.all_true(ok);
  return acc;
}

/** The KL terms klPairs left out, and the last action of an odd row. */
// @ts-ignore: decorator
@inline function klRest(f: usize, g: usize, A: i32, normal: bool): f64 {
  let sum = 0.0;
  const even = A & ~1;
  if (!normal) {
    for (let a = 0; a < even; a++) {
      const off = <usize>a << 3;
      const q = load<f64>(f + off);
      const p = load<f64>(g + off);
      if (!normalS(p / q)) sum += klTermS(q, p);
    }
  }
  if (A & 1) {
    const off = <usize>even << 3;
    sum += klTermS(load<f64>(f + off), load<f64>(g + off));
  }
  return sum;
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
 * States go in pairs, one per lane of the final sums (no horizontal sum per state).
 */
export function mirrorKlSimd(first: usize, second: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  if (A == 4) {
    // Two states per step, straight-line (the same terms and sums as klPairs):
    // no inner loops and one test of the four pairs' ratios.
    for (; s + 2 <= S; s += 2) {
      const b = <usize>s << 5;
      const q00 = v128.load(first + b);
      const q01 = v128.load(first + b, 16);
      const q10 = v128.load(first + b, 32);
      const q11 = v128.load(first + b, 48);
      const r00 = f64x2.div(v128.load(second + b), q00);
      const r01 = f64x2.div(v128.load(second + b, 16), q01);
      const r10 = f64x2.div(v128.load(second + b, 32), q10);
      const r11 = f64x2.div(v128.load(second + b, 48), q11);
      const n00 = normalV(r00);
      const n01 = normalV(r01);
      const n10 = normalV(r10);
      const n11 = normalV(r11);
      const acc0 = f64x2.add(v128.and(f64x2.mul(q00, phiNormV(r00)), n00), v128.and(f64x2.mul(q01, phiNormV(r01)), n01));
      const acc1 = f64x2.add(v128.and(f64x2.mul(q10, phiNormV(r10)), n10), v128.and(f64x2.mul(q11, phiNormV(r11)), n11));
      let sums = f64x2.add(v128.shuffle<u64>(acc0, acc1, 0, 2), v128.shuffle<u64>(acc0, acc1, 1, 3));
      if (!i64x2.all_true(v128.and(v128.and(n00, n01), v128.and(n10, n11)))) {
        sums = f64x2.add(
          sums,
          f64x2.replace_lane(f64x2.splat(klRest(first + b, second + b, 4, false)), 1, klRest(first + b + 32, second + b + 32, 4, false)),
        );
      }
      v128.store(out + (<usize>s << 3), sums);
    }
  }
  for (; s + 2 <= S; s += 2) {
    const b0 = <usize>s * rowBytes;
    const b1 = b0 + rowBytes;
    const acc0 = klPairs(first + b0, second + b0, A);
    const ok0 = rowNormal;
    const acc1 = klPairs(first + b1, second + b1, A);
    const ok1 = rowNormal;
    let sums = f64x2.add(v128.shuffle<u64>(acc0, acc1, 0, 2), v128.shuffle<u64>(acc0, acc1, 1, 3));
    if (!(ok0 && ok1) || (A & 1)) {
      sums = f64x2.add(
        sums,
        f64x2.replace_lane(f64x2.splat(klRest(first + b0, second + b0, A, ok0)), 1, klRest(first + b1, second + b1, A, ok1)),
      );
    }
    v128.store(out + (<usize>s << 3), sums);
  }
  if (s < S) {
    const b0 = <usize>s * rowBytes;
    const acc = klPairs(first + b0, second + b0, A);
    const sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    store<f64>(out + (<usize>s << 3), sum + klRest(first + b0, second + b0, A, rowNormal));
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

/**
 * Sum over the pairs of one row of |p - q|, per lane; four actions per step
 * (one step for A = 4: the loop's own overhead was a third of the time there).
 * mask: the bits of |x| (see TV_K).
 */
// @ts-ignore: decorator
@inline function absDiffPairs(p: usize, q: usize, A: i32, mask: v128): v128 {
  let acc = f64x2.splat(0);
  const quads = <usize>(A & ~3) << 3;
  let off: usize = 0;
  for (; off < quads; off += 32) {
    const d0 = v128.and(f64x2.sub(v128.load(p + off), v128.load(q + off)), mask);
    const d1 = v128.and(f64x2.sub(v128.load(p + off, 16), v128.load(q + off, 16)), mask);
    acc = f64x2.add(acc, f64x2.add(d0, d1));
  }
  if (A & 2) acc = f64x2.add(acc, v128.and(f64x2.sub(v128.load(p + off), v128.load(q + off)), mask));
  return acc;
}

/**
 * absDiffPairs of two rows (p0, q0) and (p1, q1) in one loop, each with its
 * own accumulator in absDiffPairs's order (so the same sums): the two
 * chains of additions overlap. Returns each row's total, one per lane
 * (lane 0: row 0), over the first (A & ~1) actions.
 */
// @ts-ignore: decorator
@inline function absDiffRows2(p0: usize, q0: usize, p1: usize, q1: usize, A: i32, mask: v128): v128 {
  let acc0 = f64x2.splat(0);
  let acc1 = acc0;
  const quads = <usize>(A & ~3) << 3;
  let off: usize = 0;
  for (; off < quads; off += 32) {
    const d0 = v128.and(f64x2.sub(v128.load(p0 + off), v128.load(q0 + off)), mask);
    const d1 = v128.and(f64x2.sub(v128.load(p0 + off, 16), v128.load(q0 + off, 16)), mask);
    acc0 = f64x2.add(acc0, f64x2.add(d0, d1));
    const e0 = v128.and(f64x2.sub(v128.load(p1 + off), v128.load(q1 + off)), mask);
    const e1 = v128.and(f64x2.sub(v128.load(p1 + off, 16), v128.load(q1 + off, 16)), mask);
    acc1 = f64x2.add(acc1, f64x2.add(e0, e1));
  }
  if (A & 2) {
    acc0 = f64x2.add(acc0, v128.and(f64x2.sub(v128.load(p0 + off), v128.load(q0 + off)), mask));
    acc1 = f64x2.add(acc1, v128.and(f64x2.sub(v128.load(p1 + off), v128.load(q1 + off)), mask));
  }
  return f64x2.add(v128.shuffle<u64>(acc0, acc1, 0, 2), v128.shuffle<u64>(acc0, acc1, 1, 3));
}

// mirrorTvSimd's vector constants in static data (V8 rebuilds a v128.const,
// and re-reads f64x2.abs's mask, at every use in a loop): the bits of |x|,
// then 0.5, in both lanes.
const TV_K = memory.data<u64>([0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fe0000000000000, 0x3fe0000000000000], 16);

/** |p - q| of the two actions at byte offset off of p and q (abs as the and with mask). */
// @ts-ignore: decorator
@inline function absDiff(p: usize, q: usize, off: usize, mask: v128): v128 {
  return v128.and(f64x2.sub(v128.load(p + off), v128.load(q + off)), mask);
}

/** TV of two adjacent states of four actions (64 bytes of p and q) into o[0], o[1]. */
// @ts-ignore: decorator
@inline function tvPair4(p: usize, q: usize, o: usize, mask: v128, half: v128): void {
  const d0 = f64x2.add(absDiff(p, q, 0, mask), absDiff(p, q, 16, mask));
  const d1 = f64x2.add(absDiff(p, q, 32, mask), absDiff(p, q, 48, mask));
  v128.store(o, f64x2.mul(half, f64x2.add(v128.shuffle<u64>(d0, d1, 0, 2), v128.shuffle<u64>(d0, d1, 1, 3))));
}

/**
 * Per-state total variation out[s] = 1/2 sum_a |p(a) - q(a)|. p, q: S*A f64; out: S f64.
 * States go in pairs, one per lane of the final sums.
 */
export function mirrorTvSimd(p: usize, q: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  const last = <usize>(A & ~1) << 3;
  // |x| as an and with the mask held in a register.
  const mask = v128.load(TV_K);
  const half = v128.load(TV_K, 16);
  let s = 0;
  if (A == 4) {
    // Pairs of states (64 bytes of each table), straight-line, two results
    // per store.
    // Eight states per step (the loop's own instructions were a sixth of the
    // work at four). Each pair's result is stored before the next pair is
    // loaded: V8 does not move loads above a store, so at most eight loaded
    // vectors are live (sixteen spilled to the stack).
    for (; s + 8 <= S; s += 8) {
      const b = <usize>s << 5;
      const o = out + (<usize>s << 3);
      tvPair4(p + b, q + b, o, mask, half);
      tvPair4(p + b + 64, q + b + 64, o + 16, mask, half);
      tvPair4(p + b + 128, q + b + 128, o + 32, mask, half);
      tvPair4(p + b + 192, q + b + 192, o + 48, mask, half);
    }
    for (; s + 2 <= S; s += 2) tvPair4(p + (<usize>s << 5), q + (<usize>s << 5), out + (<usize>s << 3), mask, half);
  }
  for (; s + 2 <= S; s += 2) {
    const b0 = <usize>s * rowBytes;
    const b1 = b0 + rowBytes;
    let sums = absDiffRows2(p + b0, q + b0, p + b1, q + b1, A, mask);
    if (A & 1) {
      const d0 = abs(load<f64>(p + b0 + last) - load<f64>(q + b0 + last));
      sums = f64x2.add(sums, f64x2.replace_lane(f64x2.splat(d0), 1, abs(load<f64>(p + b1 + last) - load<f64>(q + b1 + last))));
    }
    v128.store(out + (<usize>s << 3), f64x2.mul(half, sums));
  }
  if (s < S) {
    const b0 = <usize>s * rowBytes;
    const acc = absDiffPairs(p + b0, q + b0, A, mask);
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (A & 1) sum += abs(load<f64>(p + b0 + last) - load<f64>(q + b0 + last));
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
