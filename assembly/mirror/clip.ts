// The PPO clip drift's exact per-state step: a separable concave
// piecewise-linear programme on the simplex, solved by filling slope segments
// in decreasing order. Plain-TypeScript twin: src/mirror/kernels/clip.twin.ts.
// Scalar: the sort (sort.ts) ranks with vectors; the fill walks segments in order.
import { pminF64 } from "./select";
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
 * One action pair's segments (two actions per vector): A > 0: slope A up to
 * (1+eps) pi, then A (1 - w); A < 0: |A| (w - 1) up to (1-eps) pi, then A;
 * A = 0: 0 up to pi, then 0. Keys are the negated slopes (ascending keys =
 * descending slopes). Lane masks pick the case: the sign of A is data, and
 * V8 turns a scalar f64 select into a branch. pmax(0, x) is max(0, x) with
 * max(0, -0) = +0, as in the twin.
 */
// @ts-ignore: decorator
@inline function segmentPair(
  p: v128, q: v128, w: f64, eps: f64, k1: usize, k2: usize, c1: usize, c2: usize,
): void {
  const zero = f64x2.splat(0);
  const pos = f64x2.gt(q, zero);
  const neg = f64x2.lt(q, zero);
  const wInf = w == Infinity;
  const negSlope = wInf ? f64x2.splat(Infinity) : f64x2.mul(f64x2.neg(q), f64x2.splat(w - 1.0));
  const posSlope2 = wInf ? f64x2.splat(-Infinity) : f64x2.mul(q, f64x2.splat(1.0 - w));
  const s1 = v128.bitselect(q, v128.and(negSlope, neg), pos);
  const cap1 = v128.bitselect(
    f64x2.mul(f64x2.splat(1.0 + eps), p),
    v128.bitselect(f64x2.pmax(zero, f64x2.mul(f64x2.splat(1.0 - eps), p)), p, neg),
    pos,
  );
  const s2 = v128.bitselect(posSlope2, v128.and(q, neg), pos);
  v128.store(k1, f64x2.neg(s1));
  v128.store(k2, f64x2.neg(s2));
  v128.store(c1, cap1);
  v128.store(c2, f64x2.splat(Infinity));
}

/** Every action's two segments into keys and caps (first segments at j = a, second at j = A + a); zeroes or. */
// @ts-ignore: decorator
@inline function segments(pr: usize, qr: usize, A: i32, w: f64, eps: f64, keys: usize, caps: usize, or: usize): void {
  const rowBytes = <usize>A << 3;
  let a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    segmentPair(
      v128.load(pr + off), v128.load(qr + off), w, eps,
      keys + off, keys + rowBytes + off, caps + off, caps + rowBytes + off,
    );
    v128.store(or + off, f64x2.splat(0));
  }
  if (a < A) {
    // The last of an odd row, in lane 0 (lane 1 computes on zeros and is not kept).
    const off = <usize>a << 3;
    const zero = f64x2.splat(0);
    segmentPair(
      v128.load64_zero(pr + off), v128.load64_zero(qr + off), w, eps,
      SEG_TAIL, SEG_TAIL + 16, SEG_TAIL + 32, SEG_TAIL + 48,
    );
    store<f64>(keys + off, load<f64>(SEG_TAIL));
    store<f64>(keys + rowBytes + off, load<f64>(SEG_TAIL, 16));
    store<f64>(caps + off, load<f64>(SEG_TAIL, 32));
    store<f64>(caps + rowBytes + off, load<f64>(SEG_TAIL, 48));
    v128.store64_lane(or + off, zero, 0);
  }
}
// Where segments() puts an odd row's last pair of lanes before keeping lane 0.
const SEG_TAIL = memory.data(64, 16);

/** The segment in place k of the fill order: candidate order[k]. */
// @ts-ignore: decorator
@inline function segAt(cand: usize, order: usize, k: i32): i32 {
  return load<i32>(cand + (<usize>load<i32>(order + (<usize>k << 2)) << 2));
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
 * Every second segment is unbounded, so the fill ends in the run of the best
 * second segment's slope U at the latest: only the segments with slope >= U
 * are sorted (often about half of them), the others are never reached.
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64;
 * scratch: 64*A bytes (3 x 2A f64: keys, capacities, candidate keys; 2 x 2A i32:
 * candidates, their order), 8-aligned.
 */
export function mirrorClipSolve(
  pi: usize, adv: usize, coef: usize, S: i32, A: i32, eps: f64, out: usize, scratch: usize,
): void {
  const n = 2 * A;
  const keys = scratch;
  const caps = keys + (<usize>n << 3);
  const ck = caps + (<usize>n << 3);
  const cand = ck + (<usize>n << 3);
  const order = cand + (<usize>n << 2);
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const w = load<f64>(coef + (<usize>s << 3));
    segments(pi + base, adv + base, A, w, eps, keys, caps, out + base);
    // The smallest second-segment key (largest slope U), then the candidates:
    // segments with key <= that, kept in index order (a branch-free compaction).
    let kU = Infinity;
    for (let j = A; j < n; j++) kU = pminF64(kU, load<f64>(keys + (<usize>j << 3)));
    let m = 0;
    for (let j = 0; j < n; j++) {
      const kj = load<f64>(keys + (<usize>j << 3));
      store<i32>(cand + (<usize>m << 2), j);
      store<f64>(ck + (<usize>m << 3), kj);
      m += i32(kj <= kU);
    }
    // Candidates in order of key, equal keys by index (their positions ascend with j).
    sortIndices(order, ck, m);
    let left = 1.0;
    let k = 0;
    while (k < m && left > 0.0) {
      // A run of equal slopes is a flat face of maximisers: fill it tier by tier.
      const jk = segAt(cand, order, k);
      const key = load<f64>(keys + (<usize>jk << 3));
      let end = k + 1;
      while (end < m && load<f64>(keys + (<usize>segAt(cand, order, end) << 3)) == key) end++;
      if (end == k + 1) {
        // A run of one segment (the usual case): the tiers below reduce to this.
        const off = base + (<usize>(jk < A ? jk : jk - A) << 3);
        if (jk >= A && load<f64>(adv + off) > 0.0) {
          store<f64>(out + off, load<f64>(out + off) + left);
          left = 0.0;
        } else {
          const take = min(load<f64>(caps + (<usize>jk << 3)), left);
          if (take > 0.0) {
            store<f64>(out + off, load<f64>(out + off) + take);
            left -= take;
          }
        }
        k = end;
        continue;
      }
      for (let tier = 0; tier < 4 && left > 0.0; tier++) {
        if (tier == 1) {
          // Second segments of A > 0 actions have unbounded capacity: all the rest goes to the largest advantage.
          let bestOff: usize = 0;
          let bestQ = 0.0;
          for (let r = k; r < end; r++) {
            const j = segAt(cand, order, r);
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
        for (let r = k; r < end && left > 0.0; r++) {
          const j = segAt(cand, order, r);
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
