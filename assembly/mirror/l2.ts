// The squared-L2 drift's exact per-state step: a Euclidean projection onto the
// simplex. Plain-TypeScript twin: src/mirror/kernels/l2.twin.ts.
// One file over 400 lines on purpose: the pair, quad and wide SIMD paths and
// the scalar twin are one algorithm that must stay bit-identical across paths.
import { greedyRow } from "./greedy-row";
import { hsum } from "./math";

// Below this many actions the SIMD kernel solves two (A = 4: four) states per
// vector (l2Pair, l2Quad4, bit-identical to the scalar kernel l2State); from
// it on a state's actions share the lanes (l2Wide, equal to rounding).
const PAIR_BELOW = 8;

// LARGE: y = pi + A / (2c) loses the "- 1" of theta = (sum - 1) / k to
// rounding when it is large (c small against A): rows then summed to 2 or 0,
// or the passes stalled (the count fell to 0 and cycled; in exact arithmetic
// they end within A passes). So a state's result stands only when its passes
// ended and |theta| <= THETA_MAX (its output then carries an absolute error
// below A * THETA_MAX * 2^-52); otherwise it is solved again by l2Shifted,
// in the frame y - max_a A / (2c), where the kept values are of order 1.
// Kernels and twin alike.
const THETA_MAX: f64 = 256.0;

// @ts-ignore: decorator
@inline function l2State(pr: usize, qr: usize, A: i32, c: f64, or: usize): void {
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
    greedyRow(qr, A, or);
    return;
  }
  const theta = michelotTheta(or, A, total, true);
  // NaN (passes that did not end) fails the test too.
  if (!(abs(theta) <= THETA_MAX)) {
    l2Shifted(pr, qr, A, h, or);
    return;
  }
  subtractClamp(or, A, theta);
}

/**
 * Michelot (1986) on the row y at `or` (A values summing to `total`): theta =
 * (sum_{y > theta} y - 1) / |{y > theta}| rises monotonically to the
 * projection threshold; the active set only shrinks, and once it stays the
 * same theta is the answer (at the start count = A: a pass that keeps every y
 * adds them as total did, so theta stays too). At most A + 1 passes; if they
 * do not end, NaN when `strict`, else the last theta.
 */
// @ts-ignore: decorator
@inline function michelotTheta(or: usize, A: i32, total: f64, strict: bool): f64 {
  let count = A;
  let theta = (total - 1.0) / <f64>A;
  for (let it = 0; it <= A; it++) {
    let sum = 0.0;
    let k = 0;
    for (let a = 0; a < A; a++) {
      const y = load<f64>(or + (<usize>a << 3));
      if (y > theta) {
        sum += y;
        k++;
      }
    }
    if (k == count) return theta;
    count = k;
    theta = (sum - 1.0) / <f64>k;
  }
  return strict ? NaN : theta;
}

/** y <- max(y - theta, 0) over the row at `or`: the projection once theta is known. */
// @ts-ignore: decorator
@inline function subtractClamp(or: usize, A: i32, theta: f64): void {
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    store<f64>(or + off, max(load<f64>(or + off) - theta, 0.0));
  }
}

/**
 * One state in the shifted frame (see LARGE): Proj_simplex is unchanged by
 * a common shift, so it projects z = pi + h (A - max A), whose largest
 * entries are pi of the best actions, in [0, 1]. c finite, > 0, h finite.
 * Not inlined: rare, and kept out of the hot loops' code.
 */
function l2Shifted(pr: usize, qr: usize, A: i32, h: f64, or: usize): void {
  let top = -Infinity;
  for (let a = 0; a < A; a++) top = max(top, load<f64>(qr + (<usize>a << 3)));
  let total = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const z = load<f64>(pr + off) + h * (load<f64>(qr + off) - top);
    store<f64>(or + off, z);
    total += z;
  }
  subtractClamp(or, A, michelotTheta(or, A, total, false));
}

/** l2State as a call, for the vector paths' rare fallbacks (inlined there it bloated their loops). */
function l2StateOut(pr: usize, qr: usize, A: i32, c: f64, or: usize): void {
  l2State(pr, qr, A, c, or);
}

// The pair kernel's work area: the two states' y = pi + A / (2c), one vector
// per action (lane = state). Static data, not an allocation.
const PAIR_MAX_A = 64;
const YS = memory.data(PAIR_MAX_A << 4, 16);
// Vector constants in static data (V8 rebuilds a v128.const on every use in a loop).
const KL = memory.data<f64>([1.0, 1.0, 0.5, 0.5, Infinity, Infinity, 4.0, 4.0, 0.25, 0.25, THETA_MAX, THETA_MAX]);
const K_ONE = 0;
const K_HALF = 1;
const K_INF = 2;
const K_FOUR = 3;
const K_QUARTER = 4;
const K_THETA_MAX = 5;

// @ts-ignore: decorator
@inline function kl2(i: i32): v128 {
  return v128.load(KL + (<usize>i << 4));
}

/** Lane 0 from a, lane 1 from b. */
// @ts-ignore: decorator
@inline function ld2(a: usize, b: usize): v128 {
  return v128.load64_lane(b, v128.load64_zero(a), 1);
}

/**
 * Two adjacent states, one per lane, with l2State's operations in its order
 * (so bit-identical to it): y in static memory, Michelot's passes in
 * lockstep until both lanes are done.
 * Both c must be finite and > 0, and every y finite; otherwise (c = 0,
 * c = +inf, overflow) both states go through l2State.
 */
// @ts-ignore: decorator
@inline function l2Pair(pr: usize, qr: usize, c0: f64, c1: f64, A: i32, or: usize): void {
  const rowBytes = <usize>A << 3;
  const zero = f64x2.splat(0);
  const h = f64x2.div(kl2(K_HALF), f64x2.replace_lane(f64x2.splat(c0), 1, c1));
  let total = zero;
  let finite = f64x2.eq(zero, zero);
  const inf = kl2(K_INF);
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const y = f64x2.add(ld2(pr + off, pr + rowBytes + off), f64x2.mul(h, ld2(qr + off, qr + rowBytes + off)));
    v128.store(YS + (<usize>a << 4), y);
    finite = v128.and(finite, f64x2.lt(f64x2.abs(y), inf));
    total = f64x2.add(total, y);
  }
  if (!v128.all_true<i64>(finite)) {
    l2StateOut(pr, qr, A, c0, or);
    l2StateOut(pr + rowBytes, qr + rowBytes, A, c1, or + rowBytes);
    return;
  }
  const one = kl2(K_ONE);
  const n = f64x2.splat(<f64>A);
  // The counts as integers (minus the sum of the masks), as in l2Quad4.
  let count = i64x2.splat(-A);
  let theta = f64x2.div(f64x2.sub(total, one), n);
  // No per-lane masks: a lane that is done is at a fixed point (see l2Quad4).
  let it = 0;
  for (; it <= A; it++) {
    let sum = zero;
    let neg = zero;
    for (let a = 0; a < A; a++) {
      const y = v128.load(YS + (<usize>a << 4));
      const m = f64x2.gt(y, theta);
      sum = f64x2.add(sum, v128.and(y, m));
      neg = i64x2.add(neg, m);
    }
    if (!v128.any_true(v128.xor(neg, count))) break;
    count = neg;
    theta = f64x2.div(f64x2.sub(sum, one), f64x2.convert_low_i32x4_s(i32x4.neg(v128.shuffle<i32>(neg, neg, 0, 2, 0, 2))));
  }
  // Passes ended (a break) and |theta| <= THETA_MAX in both lanes, or see LARGE.
  if (it > A || v128.any_true(f64x2.gt(f64x2.abs(theta), kl2(K_THETA_MAX)))) {
    // A lane's y too large (see LARGE): l2State finds which.
    l2StateOut(pr, qr, A, c0, or);
    l2StateOut(pr + rowBytes, qr + rowBytes, A, c1, or + rowBytes);
    return;
  }
  // max(y - theta, 0) as pmax(0, x) = (0 < x ? x : +0): y - theta is never NaN here.
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const v = f64x2.pmax(zero, f64x2.sub(v128.load(YS + (<usize>a << 4)), theta));
    v128.store64_lane(or + off, v, 0);
    v128.store64_lane(or + rowBytes + off, v, 1);
  }
}

/** Lanes 0 of a and b: one action of two rows loaded two actions at a time. */
// @ts-ignore: decorator
@inline function lo2(a: v128, b: v128): v128 {
  return v128.shuffle<f64>(a, b, 0, 2);
}

/** Lanes 1 of a and b. */
// @ts-ignore: decorator
@inline function hi2(a: v128, b: v128): v128 {
  return v128.shuffle<f64>(a, b, 1, 3);
}

/** sum of y_k over the lanes where m_k is set, k = 0..3 in order (0 + y = y starts the sum). */
// @ts-ignore: decorator
@inline function sum4(y0: v128, y1: v128, y2: v128, y3: v128, m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  return f64x2.add(f64x2.add(f64x2.add(v128.and(y0, m0), v128.and(y1, m1)), v128.and(y2, m2)), v128.and(y3, m3));
}

/** max(y - theta, 0) for two rows of four actions held as four lane vectors, transposed back and stored. */
// @ts-ignore: decorator
@inline function store4(y0: v128, y1: v128, y2: v128, y3: v128, theta: v128, or: usize): void {
  const zero = f64x2.splat(0);
  let x0 = f64x2.sub(y0, theta);
  let x1 = f64x2.sub(y1, theta);
  let x2 = f64x2.sub(y2, theta);
  let x3 = f64x2.sub(y3, theta);
  // y - theta is never NaN here, so pmax(0, x) = (0 < x ? x : +0) is max(x, 0), -0 included (one instruction).
  x0 = f64x2.pmax(zero, x0);
  x1 = f64x2.pmax(zero, x1);
  x2 = f64x2.pmax(zero, x2);
  x3 = f64x2.pmax(zero, x3);
  v128.store(or, lo2(x0, x1));
  v128.store(or, lo2(x2, x3), 16);
  v128.store(or, hi2(x0, x1), 32);
  v128.store(or, hi2(x2, x3), 48);
}

/**
 * l2Quad4: four adjacent states of four actions as two pairs (s, s+1) and
 * (s+2, s+3), in registers, with l2State's operations in its order (so
 * bit-identical to it; 0 + y = y starts each sum), in two steps that the A = 4
 * loop of l2All runs one four apart (software pipelining). Michelot's passes
 * are a chain of dependent sums and divisions: two independent pairs let the
 * processor overlap them, and so does the next four's head of the chain.
 * The passes need no per-lane masks: the sets {y > theta} are nested, so a
 * pass that keeps a lane's count keeps its set, its sum and its theta, and a
 * lane that is done stays at that fixed point while the others finish.
 * l2Quad4Prep: y = pi + h A (hA, hB: 0.5 / c of the two pairs), transposed to
 * one vector per action (lane = state), and the first theta = (total - 1) / 4,
 * into slot (160 bytes); returns whether every total is finite (if not, as
 * when c = 0, the caller sends the four to l2State).
 * Measured at S = 250k, each against the one before: h divided a four ahead
 * 3%, the untested first pass 4%, the whole head a four ahead 9%; earlier, two
 * states per step instead of four -4%, always three passes slower.
 */
// @ts-ignore: decorator
@inline function l2Quad4Prep(pr: usize, qr: usize, hA: v128, hB: v128, slot: usize): bool {
  // y = pi + h A row by row (h of row s in both lanes), then transposed.
  let h0 = v128.shuffle<f64>(hA, hA, 0, 0);
  let h1 = v128.shuffle<f64>(hA, hA, 1, 1);
  let ya = f64x2.add(v128.load(pr), f64x2.mul(h0, v128.load(qr)));
  let yb = f64x2.add(v128.load(pr, 16), f64x2.mul(h0, v128.load(qr, 16)));
  let yc = f64x2.add(v128.load(pr, 32), f64x2.mul(h1, v128.load(qr, 32)));
  let yd = f64x2.add(v128.load(pr, 48), f64x2.mul(h1, v128.load(qr, 48)));
  const a0 = lo2(ya, yc);
  const a1 = hi2(ya, yc);
  const a2 = lo2(yb, yd);
  const a3 = hi2(yb, yd);
  v128.store(slot, a0);
  v128.store(slot, a1, 16);
  v128.store(slot, a2, 32);
  v128.store(slot, a3, 48);
  h0 = v128.shuffle<f64>(hB, hB, 0, 0);
  h1 = v128.shuffle<f64>(hB, hB, 1, 1);
  ya = f64x2.add(v128.load(pr, 64), f64x2.mul(h0, v128.load(qr, 64)));
  yb = f64x2.add(v128.load(pr, 80), f64x2.mul(h0, v128.load(qr, 80)));
  yc = f64x2.add(v128.load(pr, 96), f64x2.mul(h1, v128.load(qr, 96)));
  yd = f64x2.add(v128.load(pr, 112), f64x2.mul(h1, v128.load(qr, 112)));
  const b0 = lo2(ya, yc);
  const b1 = hi2(ya, yc);
  const b2 = lo2(yb, yd);
  const b3 = hi2(yb, yd);
  v128.store(slot, b0, 64);
  v128.store(slot, b1, 80);
  v128.store(slot, b2, 96);
  v128.store(slot, b3, 112);
  const totalA = f64x2.add(f64x2.add(f64x2.add(a0, a1), a2), a3);
  const totalB = f64x2.add(f64x2.add(f64x2.add(b0, b1), b2), b3);
  // (total - 1) / 4 as a product by 1/4: exact, the same double.
  const one = kl2(K_ONE);
  v128.store(slot, f64x2.mul(f64x2.sub(totalA, one), kl2(K_QUARTER)), 128);
  v128.store(slot, f64x2.mul(f64x2.sub(totalB, one), kl2(K_QUARTER)), 144);
  // A sum with an infinite or NaN term is not finite.
  const inf = kl2(K_INF);
  return v128.all_true<i64>(v128.and(f64x2.lt(f64x2.abs(totalA), inf), f64x2.lt(f64x2.abs(totalB), inf)));
}

/** l2Quad4's passes and output, from the transposed y and first theta that l2Quad4Prep left in slot (every y finite). */
// @ts-ignore: decorator
@inline function l2Quad4Solve(pr: usize, qr: usize, c: v128, d: v128, slot: usize, or: usize): void {
  const a0 = v128.load(slot);
  const a1 = v128.load(slot, 16);
  const a2 = v128.load(slot, 32);
  const a3 = v128.load(slot, 48);
  const b0 = v128.load(slot, 64);
  const b1 = v128.load(slot, 80);
  const b2 = v128.load(slot, 96);
  const b3 = v128.load(slot, 112);
  let thetaA = v128.load(slot, 128);
  let thetaB = v128.load(slot, 144);
  const one = kl2(K_ONE);
  // The counts |{y > theta}| as integers: a true mask is -1, so minus the sum
  // of a lane's four masks; both pairs' counts packed as i32 lanes (A0, A1,
  // B0, B1) for one comparison, and converted to f64 (exactly) for theta.
  // The first pass updates theta without a test (most fours move in it): a
  // lane that keeps its four actions sums them in total's order, and (total
  // - 1) / 4 is the theta it had, so it stays at its fixed point.
  let count: v128;
  {
    const ma0 = f64x2.gt(a0, thetaA);
    const ma1 = f64x2.gt(a1, thetaA);
    const ma2 = f64x2.gt(a2, thetaA);
    const ma3 = f64x2.gt(a3, thetaA);
    const mb0 = f64x2.gt(b0, thetaB);
    const mb1 = f64x2.gt(b1, thetaB);
    const mb2 = f64x2.gt(b2, thetaB);
    const mb3 = f64x2.gt(b3, thetaB);
    const negA = i64x2.add(i64x2.add(i64x2.add(ma0, ma1), ma2), ma3);
    const negB = i64x2.add(i64x2.add(i64x2.add(mb0, mb1), mb2), mb3);
    count = i32x4.neg(v128.shuffle<i32>(negA, negB, 0, 2, 4, 6));
    const sumA = sum4(a0, a1, a2, a3, ma0, ma1, ma2, ma3);
    const sumB = sum4(b0, b1, b2, b3, mb0, mb1, mb2, mb3);
    thetaA = f64x2.div(f64x2.sub(sumA, one), f64x2.convert_low_i32x4_s(count));
    thetaB = f64x2.div(f64x2.sub(sumB, one), f64x2.convert_low_i32x4_s(v128.shuffle<i32>(count, count, 2, 3, 2, 3)));
  }
  let it = 1;
  for (; it <= 4; it++) {
    const ma0 = f64x2.gt(a0, thetaA);
    const ma1 = f64x2.gt(a1, thetaA);
    const ma2 = f64x2.gt(a2, thetaA);
    const ma3 = f64x2.gt(a3, thetaA);
    const mb0 = f64x2.gt(b0, thetaB);
    const mb1 = f64x2.gt(b1, thetaB);
    const mb2 = f64x2.gt(b2, thetaB);
    const mb3 = f64x2.gt(b3, thetaB);
    const negA = i64x2.add(i64x2.add(i64x2.add(ma0, ma1), ma2), ma3);
    const negB = i64x2.add(i64x2.add(i64x2.add(mb0, mb1), mb2), mb3);
    const k = i32x4.neg(v128.shuffle<i32>(negA, negB, 0, 2, 4, 6));
    // Unchanged when no bit differs (a test on the xor: fewer instructions than all_true of an eq).
    if (!v128.any_true(v128.xor(k, count))) break;
    count = k;
    // The sums only when theta moves (the last pass needs its counts only).
    const sumA = sum4(a0, a1, a2, a3, ma0, ma1, ma2, ma3);
    const sumB = sum4(b0, b1, b2, b3, mb0, mb1, mb2, mb3);
    thetaA = f64x2.div(f64x2.sub(sumA, one), f64x2.convert_low_i32x4_s(k));
    thetaB = f64x2.div(f64x2.sub(sumB, one), f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 2, 3, 2, 3)));
  }
  // Passes ended (a break) with |theta| <= THETA_MAX in every lane, or see LARGE.
  // (theta is never NaN here: every y is finite, so a sum is at worst +-inf.)
  if (it > 4 || v128.any_true(f64x2.gt(f64x2.pmax(f64x2.abs(thetaA), f64x2.abs(thetaB)), kl2(K_THETA_MAX)))) {
    // A lane's y too large (see LARGE): l2State finds which.
    l2StateOut(pr, qr, 4, f64x2.extract_lane(c, 0), or);
    l2StateOut(pr + 32, qr + 32, 4, f64x2.extract_lane(c, 1), or + 32);
    l2StateOut(pr + 64, qr + 64, 4, f64x2.extract_lane(d, 0), or + 64);
    l2StateOut(pr + 96, qr + 96, 4, f64x2.extract_lane(d, 1), or + 96);
    return;
  }
  store4(a0, a1, a2, a3, thetaA, or);
  store4(b0, b1, b2, b3, thetaB, or + 64);
}

/**
 * One state of at least PAIR_BELOW actions for the SIMD kernel: l2State's
 * algorithm (the same cases, Michelot's passes from the whole set) with its
 * sums over two vectors of two lanes, so four chains of additions overlap
 * (l2State's one chain of A dependent additions per pass was most of its
 * time), and |{y > theta}| as integer mask counts. The sums' order differs
 * from the scalar kernel's: equal to it to rounding (the tests' 1e-13), not
 * bit for bit.
 */
// @ts-ignore: decorator
@inline function l2Wide(pr: usize, qr: usize, A: i32, c: f64, or: usize): void {
  if (c == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return;
  }
  const h = 0.5 / c;
  if (!(c > 0.0 && h < Infinity)) {
    greedyRow(qr, A, or);
    return;
  }
  // y = pi + A / (2c), written to the output row first; its total, and whether every y is finite.
  const hv = f64x2.splat(h);
  const inf = kl2(K_INF);
  const zero = f64x2.splat(0);
  let t0 = zero;
  let t1 = zero;
  let fin = f64x2.eq(zero, zero);
  let a = 0;
  for (; a + 4 <= A; a += 4) {
    const off = <usize>a << 3;
    const y0 = f64x2.add(v128.load(pr + off), f64x2.mul(hv, v128.load(qr + off)));
    const y1 = f64x2.add(v128.load(pr + off, 16), f64x2.mul(hv, v128.load(qr + off, 16)));
    v128.store(or + off, y0);
    v128.store(or + off, y1, 16);
    t0 = f64x2.add(t0, y0);
    t1 = f64x2.add(t1, y1);
    fin = v128.and(fin, v128.and(f64x2.lt(f64x2.abs(y0), inf), f64x2.lt(f64x2.abs(y1), inf)));
  }
  if (a + 2 <= A) {
    const off = <usize>a << 3;
    const y0 = f64x2.add(v128.load(pr + off), f64x2.mul(hv, v128.load(qr + off)));
    v128.store(or + off, y0);
    t0 = f64x2.add(t0, y0);
    fin = v128.and(fin, f64x2.lt(f64x2.abs(y0), inf));
    a += 2;
  }
  let total = hsum(f64x2.add(t0, t1));
  let finite = v128.all_true<i64>(fin);
  if (a < A) {
    const off = <usize>a << 3;
    const y = load<f64>(pr + off) + h * load<f64>(qr + off);
    store<f64>(or + off, y);
    total += y;
    finite = finite && abs(y) < Infinity;
  }
  if (!finite) {
    // h * A overflows: the limit is the greedy policy (as in l2State).
    greedyRow(qr, A, or);
    return;
  }
  // Michelot's passes, as in l2State.
  let count = A;
  let theta = (total - 1.0) / <f64>A;
  let done = false;
  for (let it = 0; it <= A; it++) {
    const tv = f64x2.splat(theta);
    let s0 = zero;
    let s1 = zero;
    let k0 = zero;
    let k1 = zero;
    a = 0;
    for (; a + 4 <= A; a += 4) {
      const off = <usize>a << 3;
      const y0 = v128.load(or + off);
      const y1 = v128.load(or + off, 16);
      const m0 = f64x2.gt(y0, tv);
      const m1 = f64x2.gt(y1, tv);
      s0 = f64x2.add(s0, v128.and(y0, m0));
      s1 = f64x2.add(s1, v128.and(y1, m1));
      k0 = i64x2.add(k0, m0);
      k1 = i64x2.add(k1, m1);
    }
    if (a + 2 <= A) {
      const y0 = v128.load(or + (<usize>a << 3));
      const m0 = f64x2.gt(y0, tv);
      s0 = f64x2.add(s0, v128.and(y0, m0));
      k0 = i64x2.add(k0, m0);
      a += 2;
    }
    let sum = hsum(f64x2.add(s0, s1));
    const kk = i64x2.add(k0, k1);
    let k = -<i32>(i64x2.extract_lane(kk, 0) + i64x2.extract_lane(kk, 1));
    if (a < A) {
      const y = load<f64>(or + (<usize>a << 3));
      if (y > theta) {
        sum += y;
        k++;
      }
    }
    if (k == count) {
      done = true;
      break;
    }
    count = k;
    theta = (sum - 1.0) / <f64>k;
  }
  if (!(done && abs(theta) <= THETA_MAX)) {
    l2Shifted(pr, qr, A, h, or);
    return;
  }
  const tv = f64x2.splat(theta);
  a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    // pmax(0, x) = (0 < x ? x : +0): max(x, 0) for x not NaN, -0 included.
    v128.store(or + off, f64x2.pmax(zero, f64x2.sub(v128.load(or + off), tv)));
  }
  if (a < A) {
    const off = <usize>a << 3;
    store<f64>(or + off, max(load<f64>(or + off) - theta, 0.0));
  }
}

// Two slots of l2Quad4Prep's output (eight transposed y vectors and two
// first thetas), for the software-pipelined A = 4 loop. Static data.
const QUAD_BYTES: usize = 256;
const QUADS = memory.data(2 * <i32>QUAD_BYTES, 16);

// @ts-ignore: decorator
@inline function l2All(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, simd: bool): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  if (simd && A == 4 && S >= 4) {
    // The next four's y = pi + A / (2c) (transposed, into the other slot of
    // QUADS) and first theta are computed before this four's passes
    // (software pipelining): that head of each four's chain of dependent
    // operations overlaps the previous four's passes, as V8 issues wasm
    // close to program order.
    const half = kl2(K_HALF);
    let fin = l2Quad4Prep(pi, adv, f64x2.div(half, v128.load(coef)), f64x2.div(half, v128.load(coef, 16)), QUADS);
    let slot: usize = 0;
    for (; s + 4 <= S; s += 4) {
      const base = <usize>s * rowBytes;
      let finNext = false;
      if (s + 8 <= S) {
        const nb = <usize>(s + 4) << 3;
        const hA = f64x2.div(half, v128.load(coef + nb));
        const hB = f64x2.div(half, v128.load(coef + nb, 16));
        finNext = l2Quad4Prep(pi + base + 128, adv + base + 128, hA, hB, QUADS + (slot ^ QUAD_BYTES));
      }
      const c = v128.load(coef + (<usize>s << 3));
      const d = v128.load(coef + (<usize>s << 3), 16);
      // c = +inf keeps pi: the four go through l2State; so do fours with a y
      // that is not finite (c = 0, or h A overflows).
      const inf = kl2(K_INF);
      if (fin && !v128.any_true(v128.or(f64x2.eq(c, inf), f64x2.eq(d, inf)))) {
        l2Quad4Solve(pi + base, adv + base, c, d, QUADS + slot, out + base);
      } else {
        for (let j = 0; j < 4; j++) {
          const b = base + <usize>j * rowBytes;
          l2StateOut(pi + b, adv + b, A, load<f64>(coef + (<usize>(s + j) << 3)), out + b);
        }
      }
      fin = finNext;
      slot ^= QUAD_BYTES;
    }
  }
  if (simd && A < PAIR_BELOW) {
    for (; s + 2 <= S; s += 2) {
      const base = <usize>s * rowBytes;
      const c0 = load<f64>(coef + (<usize>s << 3));
      const c1 = load<f64>(coef + (<usize>s << 3), 8);
      if (c0 > 0.0 && c0 < Infinity && c1 > 0.0 && c1 < Infinity) {
        l2Pair(pi + base, adv + base, c0, c1, A, out + base);
      } else {
        l2StateOut(pi + base, adv + base, A, c0, out + base);
        l2StateOut(pi + base + rowBytes, adv + base + rowBytes, A, c1, out + base + rowBytes);
      }
    }
  }
  if (simd && A >= PAIR_BELOW) {
    for (; s < S; s++) {
      const base = <usize>s * rowBytes;
      l2Wide(pi + base, adv + base, A, load<f64>(coef + (<usize>s << 3)), out + base);
    }
  }
  // A last odd state below PAIR_BELOW goes the scalar way, as in l2Pair.
  for (; s < S; s++) {
    const base = <usize>s * rowBytes;
    l2State(pi + base, adv + base, A, load<f64>(coef + (<usize>s << 3)), out + base);
  }
}

/**
 * Squared-L2 drift step per state:
 *   out_s = argmax_{p in simplex} <p, A_s> - c ||p - pi_s||^2 = Proj_simplex(pi_s + A_s / (2c)),
 * c = coef[s] >= 0; c = +inf keeps pi, c = 0 (or c so small that some y
 * overflows) gives the greedy policy (lowest index). Exact to rounding for
 * every other c, however small (see LARGE: large y are projected in a
 * shifted frame). pi, adv, out: S*A f64 (s*A + a); coef: S f64.
 */
export function mirrorL2SolveSimd(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  l2All(pi, adv, coef, S, A, out, true);
}

/** Squared-L2 drift step per state, scalar twin of mirrorL2SolveSimd. */
export function mirrorL2SolveScalar(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  l2All(pi, adv, coef, S, A, out, false);
}
