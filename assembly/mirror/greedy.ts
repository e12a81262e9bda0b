// The greedy (policy-iteration) step. Plain-TypeScript twin: src/mirror/kernels/greedy.twin.ts.
import { greedyRow } from "./greedy-row";

// Vector constants in static data (V8 rebuilds a v128.const on every use in a loop).
const KG = memory.data<f64>([1.0, 1.0, 0.0, 1.0, 2.0, 2.0, -Infinity, -Infinity]);
const K_ONE = 0;
// Lane indices (0, 1): the action numbers of a two-action vector.
const K_LANES = 1;
const K_TWO = 2;
const K_NEG_INF = 3;

// @ts-ignore: decorator
@inline function kg(i: i32): v128 {
  return v128.load(KG + (<usize>i << 4));
}

// Below this many actions two states share a vector (one per lane), from it
// on a state's actions fill the lanes. Measured (ns per state, pairs vs
// rows): A = 16: 8.7 vs 10.3, A = 40: 22 vs 20 (S*A = 1e5) and 22 vs 37
// (S*A = 1e6: the branch-free pairs keep the memory pipeline busy),
// A = 63: 36 vs 30.
const PAIR_BELOW = 48;

/** Lane 0 from a, lane 1 from b. */
// @ts-ignore: decorator
@inline function ld2(a: usize, b: usize): v128 {
  return v128.load64_lane(b, v128.load64_zero(a), 1);
}

/**
 * Two adjacent rows, one per lane, read two actions at a time and transposed
 * with shuffles. Two chains per lane (the first and the second action of each
 * pair) keep the best value so far and its first index, a strictly larger
 * value moving it as in the scalar scan; the chains are then merged, equal
 * values to the lower index. So ties keep the lowest index.
 */
// @ts-ignore: decorator
@inline function greedyPair(qr: usize, A: i32, or: usize): void {
  const rowBytes = <usize>A << 3;
  const one = kg(K_ONE);
  const two = kg(K_TWO);
  let bestL = kg(K_NEG_INF);
  let bestH = bestL;
  let bL = f64x2.splat(0);
  let bH = bL;
  // idx: the action number of the low chain's next action (the high chain's is idx + 1).
  let idx = bL;
  let a = 0;
  if (A & 1) {
    bestL = ld2(qr, qr + rowBytes);
    idx = one;
    a = 1;
  }
  for (; a < A; a += 2) {
    const off = <usize>a << 3;
    const x = v128.load(qr + off);
    const y = v128.load(qr + rowBytes + off);
    const ql = v128.shuffle<f64>(x, y, 0, 2);
    const qh = v128.shuffle<f64>(x, y, 1, 3);
    bL = v128.bitselect(idx, bL, f64x2.lt(bestL, ql));
    bH = v128.bitselect(f64x2.add(idx, one), bH, f64x2.lt(bestH, qh));
    bestL = f64x2.pmax(bestL, ql);
    bestH = f64x2.pmax(bestH, qh);
    idx = f64x2.add(idx, two);
  }
  const b = v128.bitselect(
    bH,
    bL,
    v128.or(f64x2.lt(bestL, bestH), v128.and(f64x2.eq(bestL, bestH), f64x2.lt(bH, bL))),
  );
  // Row s: b's lane 0 against (a, a+1); row s+1: lane 1.
  const b0 = v128.shuffle<f64>(b, b, 0, 0);
  const b1 = v128.shuffle<f64>(b, b, 1, 1);
  let lanes = kg(K_LANES);
  for (a = 0; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    v128.store(or + off, v128.and(one, f64x2.eq(b0, lanes)));
    v128.store(or + rowBytes + off, v128.and(one, f64x2.eq(b1, lanes)));
    lanes = f64x2.add(lanes, two);
  }
  if (a < A) {
    const v = v128.and(one, f64x2.eq(b, v128.shuffle<f64>(lanes, lanes, 0, 0)));
    v128.store64_lane(or + (<usize>a << 3), v, 0);
    v128.store64_lane(or + rowBytes + (<usize>a << 3), v, 1);
  }
}

/**
 * One row, lanes over actions: the maximum M first (a maximum is the same in
 * any order), then the first action equal to M: the scalar scan's choice.
 */
// @ts-ignore: decorator
@inline function greedyWide(qr: usize, A: i32, or: usize): void {
  let m0 = v128.load(qr);
  let m1 = m0;
  let a = 2;
  for (; a + 4 <= A; a += 4) {
    m0 = f64x2.pmax(m0, v128.load(qr + (<usize>a << 3)));
    m1 = f64x2.pmax(m1, v128.load(qr + (<usize>a << 3), 16));
  }
  for (; a + 2 <= A; a += 2) m0 = f64x2.pmax(m0, v128.load(qr + (<usize>a << 3)));
  m0 = f64x2.pmax(m0, m1);
  let best = max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1));
  for (; a < A; a++) best = max(best, load<f64>(qr + (<usize>a << 3)));
  const bv = f64x2.splat(best);
  let b = 0;
  for (a = 0; a + 2 <= A; a += 2) {
    const eq = f64x2.eq(v128.load(qr + (<usize>a << 3)), bv);
    if (v128.any_true(eq)) {
      b = a + (i64x2.extract_lane(eq, 0) != 0 ? 0 : 1);
      break;
    }
  }
  if (a + 2 > A) b = A - 1;
  const zero = f64x2.splat(0);
  for (a = 0; a + 2 <= A; a += 2) v128.store(or + (<usize>a << 3), zero);
  if (a < A) store<f64>(or + (<usize>a << 3), 0.0);
  store<f64>(or + (<usize>b << 3), 1.0);
}

/**
 * out_s = one-hot at argmax_a adv[s*A + a], ties to the lowest index: the
 * argmax of <p, adv_s> over the simplex (generalised policy iteration).
 * Below PAIR_BELOW actions two states share a vector (greedyPair), otherwise
 * a state's actions share the lanes (greedyWide); both pick what the scalar
 * scan picks.
 * adv, out: S*A f64, adv finite (no NaN).
 */
export function mirrorGreedySimd(adv: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  if (A < PAIR_BELOW) {
    for (; s + 2 <= S; s += 2) greedyPair(adv + <usize>s * rowBytes, A, out + <usize>s * rowBytes);
  } else {
    for (; s < S; s++) greedyWide(adv + <usize>s * rowBytes, A, out + <usize>s * rowBytes);
  }
  for (; s < S; s++) greedyRow(adv + <usize>s * rowBytes, A, out + <usize>s * rowBytes);
}

/** The greedy step, scalar twin of mirrorGreedySimd (a sequential scan per row). */
export function mirrorGreedyScalar(adv: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) greedyRow(adv + <usize>s * rowBytes, A, out + <usize>s * rowBytes);
}
