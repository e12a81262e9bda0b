// The forward-KL (TRL) dual for many states at once: pairs of states in the
// two f64 lanes of a slot, several slots in flight so that their chains of
// dependent divisions overlap, and the module's kernels mirrorTrlSolve{Simd,
// Scalar}. The per-state solver (trlState), its constants and the algorithm's
// doc comments are in trl-dual.ts; the KL ball (trl.ts) drives slots too.
// Plain-TypeScript twin: src/mirror/kernels/trl-dual.twin.ts.
// Over 400 lines on purpose: the slots in flight are one scheduling scheme
// shared by the TRL dual and the KL ball; trl-dual.ts holds the maths.
import {
  K_HALF, K_NEG_INF, K_ONE, K_TAU, K_TINY, K_TWO_EPS, TINY, kc, startPointV, trlState,
} from "./trl-dual";
/** Lane 0 from a, lane 1 from b. */
// @ts-ignore: decorator
@inline function ld2(a: usize, b: usize): v128 {
  return v128.load64_lane(b, v128.load64_zero(a), 1);
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

// The SIMD kernel's work area: SLOTS pairs of states in flight, each pair one
// f64x2 per quantity (lane = state). Static data, not an allocation.
// Per slot, 16 bytes each: t, lo, hi, the lanes still iterating, g, the
// iteration count and output rows (i32s), the last Halley step of a lane that
// ended on a small one (0 otherwise); then per action, side by side (one
// pointer walks them), d = amax - A, c pi, the last evaluation's term, pi
// (kept by the KL ball, trl.ts, which solves one slot for many c) and 1/x.
const SLOTS = 8;
const ROUNDS = 2; // steps every slot of a batch takes before any test
export const PAIR_MAX_A = 64;
export const S_T = 0;
export const S_LO = 16;
export const S_HI = 32;
export const S_ACTIVE = 48;
export const S_G = 64;
export const S_INFO = 80;
export const S_STEP = 96;
export const S_ROWS = 112;
export const ROW = 80;
export const R_D = 0;
export const R_CP = 16;
export const R_TERM = 32;
export const R_PI = 48;
export const R_INV = 64;
export const SLOT_BYTES = S_ROWS + ROW * PAIR_MAX_A;
const WORK = memory.data(SLOTS * SLOT_BYTES, 16);

// @ts-ignore: decorator
@inline function slotAt(k: i32): usize {
  return WORK + <usize>k * SLOT_BYTES;
}

/**
 * A loaded slot's header: t from the start point (clamped into the bracket
 * [lo, c] by falling back to lo), the bracket, both lanes iterating, no small
 * step yet, iteration count 0 and the two output rows.
 */
// @ts-ignore: decorator
@inline function slotBegin(slot: usize, c: v128, lo: v128, m1: v128, m2: v128, m3: v128, o0: usize, o1: usize): void {
  const zero = f64x2.splat(0);
  const t0 = startPointV(c, m1, m2, m3);
  v128.store(slot, v128.bitselect(t0, lo, v128.and(f64x2.gt(t0, lo), f64x2.lt(t0, c))), S_T);
  v128.store(slot, lo, S_LO);
  v128.store(slot, c, S_HI);
  v128.store(slot, f64x2.eq(zero, zero), S_ACTIVE);
  v128.store(slot, zero, S_STEP);
  store<i32>(slot, 0, S_INFO);
  store<u32>(slot, <u32>o0, S_INFO + 4);
  store<u32>(slot, <u32>o1, S_INFO + 8);
}

/**
 * Loads states s0 and s1 into a slot (lane 0 and lane 1): trlState's first
 * pass, start point and bracket, lane by lane with the same operations.
 * Returns false, leaving the slot unused, when a state needs trlState's
 * special paths (an outside-support action beating the support, or c pmax
 * below TINY, which trlState scales; the slot's evaluation relies on
 * t >= c pmax >= TINY, so that x = t + d never vanishes and 1/x is finite).
 */
// @ts-ignore: decorator
@inline function slotLoad(
  slot: usize, p0: usize, q0: usize, o0: usize, c0: f64, p1: usize, q1: usize, o1: usize, c1: f64, A: i32,
): bool {
  const zero = f64x2.splat(0);
  const negInf = kc(K_NEG_INF);
  // Pass 1: transposes pi into the c pi places and A into the d places (two
  // actions per step where it can); amax over the support and the best
  // outside action. A max is the same in any order, so these need not walk
  // the actions one by one.
  let amax = negInf;
  let offMax = negInf;
  const rows = slot + S_ROWS;
  const end = rows + <usize>A * ROW;
  let r = rows;
  let off: usize = 0;
  for (; r + ROW < end; r += 2 * ROW) {
    const pa = v128.load(p0 + off);
    const pb = v128.load(p1 + off);
    const qa = v128.load(q0 + off);
    const qb = v128.load(q1 + off);
    const pl = lo2(pa, pb);
    const ph = hi2(pa, pb);
    const ql = lo2(qa, qb);
    const qh = hi2(qa, qb);
    v128.store(r, ql, R_D);
    v128.store(r, pl, R_CP);
    v128.store(r, qh, ROW + R_D);
    v128.store(r, ph, ROW + R_CP);
    const posl = f64x2.gt(pl, zero);
    const posh = f64x2.gt(ph, zero);
    amax = f64x2.pmax(amax, f64x2.pmax(v128.bitselect(ql, negInf, posl), v128.bitselect(qh, negInf, posh)));
    offMax = f64x2.pmax(offMax, f64x2.pmax(v128.bitselect(negInf, ql, posl), v128.bitselect(negInf, qh, posh)));
    off += 16;
  }
  if (r < end) {
    const p = ld2(p0 + off, p1 + off);
    const q = ld2(q0 + off, q1 + off);
    v128.store(r, q, R_D);
    v128.store(r, p, R_CP);
    const pos = f64x2.gt(p, zero);
    amax = f64x2.pmax(amax, v128.bitselect(q, negInf, pos));
    offMax = f64x2.pmax(offMax, v128.bitselect(negInf, q, pos));
  }
  if (v128.any_true(f64x2.gt(offMax, amax))) return false;
  // Pass 2: pmax (pi on the best actions, summed in action order), d, c pi,
  // and the moments of d under pi.
  const c = f64x2.replace_lane(f64x2.splat(c0), 1, c1);
  let pmax = zero;
  let m1 = zero;
  let m2 = zero;
  let m3 = zero;
  for (r = rows; r < end; r += ROW) {
    const p = v128.load(r, R_CP);
    const q = v128.load(r, R_D);
    const z = f64x2.eq(p, zero);
    pmax = f64x2.add(pmax, v128.andnot(v128.and(p, f64x2.eq(q, amax)), z));
    const d = f64x2.sub(amax, q);
    v128.store(r, d, R_D);
    v128.store(r, f64x2.mul(c, p), R_CP);
    const e = v128.andnot(d, z);
    const w = f64x2.mul(p, e);
    const w2 = f64x2.mul(w, e);
    m1 = f64x2.add(m1, w);
    m2 = f64x2.add(m2, w2);
    m3 = f64x2.add(m3, f64x2.mul(w2, e));
  }
  const lo = f64x2.mul(c, pmax);
  if (!v128.all_true<i64>(f64x2.ge(lo, kc(K_TINY)))) return false;
  slotBegin(slot, c, lo, m1, m2, m3, o0, o1);
  return true;
}

/**
 * slotLoad at A = 4 in registers: the eight input vectors of the pair
 * transposed by shuffles, amax, pmax, d, c pi, the moments and the start
 * point computed once (no second pass over the slot rows), the same
 * operations in the same order lane by lane.
 */
// @ts-ignore: decorator
@inline function slotLoad4(
  slot: usize, p0: usize, q0: usize, o0: usize, c0: f64, p1: usize, q1: usize, o1: usize, c1: f64,
): bool {
  const zero = f64x2.splat(0);
  const negInf = kc(K_NEG_INF);
  const pa = v128.load(p0);
  const pb = v128.load(p1);
  const pc = v128.load(p0, 16);
  const pd = v128.load(p1, 16);
  const qa = v128.load(q0);
  const qb = v128.load(q1);
  const qc = v128.load(q0, 16);
  const qd = v128.load(q1, 16);
  const P0 = lo2(pa, pb);
  const P1 = hi2(pa, pb);
  const P2 = lo2(pc, pd);
  const P3 = hi2(pc, pd);
  const Q0 = lo2(qa, qb);
  const Q1 = hi2(qa, qb);
  const Q2 = lo2(qc, qd);
  const Q3 = hi2(qc, qd);
  const pos0 = f64x2.gt(P0, zero);
  const pos1 = f64x2.gt(P1, zero);
  const pos2 = f64x2.gt(P2, zero);
  const pos3 = f64x2.gt(P3, zero);
  // pmax keeps its first operand on ties: the first best action, as trlState.
  const amax = f64x2.pmax(
    f64x2.pmax(v128.bitselect(Q0, negInf, pos0), v128.bitselect(Q1, negInf, pos1)),
    f64x2.pmax(v128.bitselect(Q2, negInf, pos2), v128.bitselect(Q3, negInf, pos3)),
  );
  const offMax = f64x2.pmax(
    f64x2.pmax(v128.bitselect(negInf, Q0, pos0), v128.bitselect(negInf, Q1, pos1)),
    f64x2.pmax(v128.bitselect(negInf, Q2, pos2), v128.bitselect(negInf, Q3, pos3)),
  );
  if (v128.any_true(f64x2.gt(offMax, amax))) return false;
  const c = f64x2.replace_lane(f64x2.splat(c0), 1, c1);
  const z0 = f64x2.eq(P0, zero);
  const z1 = f64x2.eq(P1, zero);
  const z2 = f64x2.eq(P2, zero);
  const z3 = f64x2.eq(P3, zero);
  let pmax = f64x2.add(zero, v128.andnot(v128.and(P0, f64x2.eq(Q0, amax)), z0));
  pmax = f64x2.add(pmax, v128.andnot(v128.and(P1, f64x2.eq(Q1, amax)), z1));
  pmax = f64x2.add(pmax, v128.andnot(v128.and(P2, f64x2.eq(Q2, amax)), z2));
  pmax = f64x2.add(pmax, v128.andnot(v128.and(P3, f64x2.eq(Q3, amax)), z3));
  const lo = f64x2.mul(c, pmax);
  if (!v128.all_true<i64>(f64x2.ge(lo, kc(K_TINY)))) return false;
  const d0 = f64x2.sub(amax, Q0);
  const d1 = f64x2.sub(amax, Q1);
  const d2 = f64x2.sub(amax, Q2);
  const d3 = f64x2.sub(amax, Q3);
  const r = slot + S_ROWS;
  v128.store(r, d0, R_D);
  v128.store(r, d1, ROW + R_D);
  v128.store(r, d2, 2 * ROW + R_D);
  v128.store(r, d3, 3 * ROW + R_D);
  v128.store(r, f64x2.mul(c, P0), R_CP);
  v128.store(r, f64x2.mul(c, P1), ROW + R_CP);
  v128.store(r, f64x2.mul(c, P2), 2 * ROW + R_CP);
  v128.store(r, f64x2.mul(c, P3), 3 * ROW + R_CP);
  const e0 = v128.andnot(d0, z0);
  const e1 = v128.andnot(d1, z1);
  const e2 = v128.andnot(d2, z2);
  const e3 = v128.andnot(d3, z3);
  const w0 = f64x2.mul(P0, e0);
  const w1 = f64x2.mul(P1, e1);
  const w2 = f64x2.mul(P2, e2);
  const w3 = f64x2.mul(P3, e3);
  const v0 = f64x2.mul(w0, e0);
  const v1 = f64x2.mul(w1, e1);
  const v2 = f64x2.mul(w2, e2);
  const v3 = f64x2.mul(w3, e3);
  const m1 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(zero, w0), w1), w2), w3);
  const m2 = f64x2.add(f64x2.add(f64x2.add(f64x2.add(zero, v0), v1), v2), v3);
  const m3 = f64x2.add(
    f64x2.add(f64x2.add(f64x2.add(zero, f64x2.mul(v0, e0)), f64x2.mul(v1, e1)), f64x2.mul(v2, e2)),
    f64x2.mul(v3, e3),
  );
  slotBegin(slot, c, lo, m1, m2, m3, o0, o1);
  return true;
}

/**
 * One evaluation and Halley step of trlState for both lanes of a slot; a lane
 * that is done keeps its t (and so recomputes the same terms and g). Returns
 * true while a lane is still iterating. With t > 0 and d >= 0 on regular
 * states every x is positive, so a zero c pi gives a zero term exactly as the
 * scalar skip does.
 */
// @ts-ignore: decorator
@inline export function slotStep(slot: usize, A: i32): bool {
  const zero = f64x2.splat(0);
  const one = kc(K_ONE);
  const t = v128.load(slot, S_T);
  let g = zero;
  let s1 = zero;
  let s2 = zero;
  if (A == 4) {
    // The common four actions unrolled: fixed offsets, no loop (0 + x = x starts each sum).
    const r = slot + S_ROWS;
    const i0 = f64x2.div(one, f64x2.add(t, v128.load(r, R_D)));
    const i1 = f64x2.div(one, f64x2.add(t, v128.load(r, ROW + R_D)));
    const i2 = f64x2.div(one, f64x2.add(t, v128.load(r, 2 * ROW + R_D)));
    const i3 = f64x2.div(one, f64x2.add(t, v128.load(r, 3 * ROW + R_D)));
    const e0 = f64x2.mul(v128.load(r, R_CP), i0);
    const e1 = f64x2.mul(v128.load(r, ROW + R_CP), i1);
    const e2 = f64x2.mul(v128.load(r, 2 * ROW + R_CP), i2);
    const e3 = f64x2.mul(v128.load(r, 3 * ROW + R_CP), i3);
    v128.store(r, e0, R_TERM);
    v128.store(r, e1, ROW + R_TERM);
    v128.store(r, e2, 2 * ROW + R_TERM);
    v128.store(r, e3, 3 * ROW + R_TERM);
    v128.store(r, i0, R_INV);
    v128.store(r, i1, ROW + R_INV);
    v128.store(r, i2, 2 * ROW + R_INV);
    v128.store(r, i3, 3 * ROW + R_INV);
    const u0 = f64x2.mul(e0, i0);
    const u1 = f64x2.mul(e1, i1);
    const u2 = f64x2.mul(e2, i2);
    const u3 = f64x2.mul(e3, i3);
    g = f64x2.add(f64x2.add(f64x2.add(e0, e1), e2), e3);
    s1 = f64x2.add(f64x2.add(f64x2.add(u0, u1), u2), u3);
    s2 = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(u0, i0), f64x2.mul(u1, i1)), f64x2.mul(u2, i2)), f64x2.mul(u3, i3));
  } else {
    const end = slot + S_ROWS + <usize>A * ROW;
    for (let r = slot + S_ROWS; r < end; r += ROW) {
      const inv = f64x2.div(one, f64x2.add(t, v128.load(r, R_D)));
      const term = f64x2.mul(v128.load(r, R_CP), inv);
      v128.store(r, term, R_TERM);
      v128.store(r, inv, R_INV);
      g = f64x2.add(g, term);
      const u = f64x2.mul(term, inv);
      s1 = f64x2.add(s1, u);
      s2 = f64x2.add(s2, f64x2.mul(u, inv));
    }
  }
  v128.store(slot, g, S_G);
  const f = f64x2.sub(g, one);
  const right = f64x2.gt(f, zero);
  const lo = v128.bitselect(t, v128.load(slot, S_LO), right);
  const hi = v128.bitselect(v128.load(slot, S_HI), t, right);
  v128.store(slot, lo, S_LO);
  v128.store(slot, hi, S_HI);
  const th = f64x2.add(t, f64x2.div(f64x2.mul(f, s1), f64x2.sub(f64x2.mul(s1, s1), f64x2.mul(f, s2))));
  const half = kc(K_HALF);
  const halley = v128.and(f64x2.gt(th, lo), f64x2.lt(th, hi));
  const tn = v128.bitselect(th, f64x2.add(f64x2.mul(half, lo), f64x2.mul(half, hi)), halley);
  const step = f64x2.sub(th, t);
  const small = v128.and(halley, f64x2.le(f64x2.abs(step), f64x2.mul(kc(K_TAU), t)));
  const twoEps = kc(K_TWO_EPS);
  const done = v128.or(
    v128.or(f64x2.eq(f, zero), small),
    v128.or(
      f64x2.le(f64x2.abs(f64x2.sub(tn, t)), f64x2.mul(twoEps, t)),
      f64x2.le(f64x2.sub(hi, lo), f64x2.mul(twoEps, hi)),
    ),
  );
  const was = v128.load(slot, S_ACTIVE);
  const active = v128.andnot(was, done);
  v128.store(slot, active, S_ACTIVE);
  // The step that ends a lane is kept (a lane that is done keeps its t, its step too).
  v128.store(slot, v128.bitselect(v128.and(step, small), v128.load(slot, S_STEP), was), S_STEP);
  v128.store(slot, v128.bitselect(tn, t, active), S_T);
  const it = load<i32>(slot, S_INFO) + 1;
  store<i32>(slot, it, S_INFO);
  return v128.any_true(active) && it < 200;
}

/**
 * Moves a finished slot's terms from t to t + step (trlState's series, with
 * the inverses of the last evaluation) and sums them into g, lane by lane in
 * action order; a lane with step 0 keeps its terms and g bit for bit.
 */
// @ts-ignore: decorator
@inline export function slotFinish(slot: usize, A: i32): void {
  const one = kc(K_ONE);
  const step = v128.load(slot, S_STEP);
  let g = f64x2.splat(0);
  const end = slot + S_ROWS + <usize>A * ROW;
  for (let r = slot + S_ROWS; r < end; r += ROW) {
    const q = f64x2.mul(step, v128.load(r, R_INV));
    const e = f64x2.mul(v128.load(r, R_TERM), f64x2.sub(one, f64x2.mul(q, f64x2.sub(one, q))));
    v128.store(r, e, R_TERM);
    g = f64x2.add(g, e);
  }
  v128.store(slot, g, S_G);
}

/** Writes a finished slot's answer: the last terms divided by their sum g, lane by lane. */
// @ts-ignore: decorator
@inline function slotStore(slot: usize, A: i32): void {
  let o0 = <usize>load<u32>(slot, S_INFO + 4);
  let o1 = <usize>load<u32>(slot, S_INFO + 8);
  const inv = f64x2.div(kc(K_ONE), v128.load(slot, S_G));
  const end = slot + S_ROWS + <usize>A * ROW;
  let r = slot + S_ROWS;
  for (; r + ROW < end; r += 2 * ROW) {
    const va = f64x2.mul(v128.load(r, R_TERM), inv);
    const vb = f64x2.mul(v128.load(r, ROW + R_TERM), inv);
    v128.store(o0, lo2(va, vb));
    v128.store(o1, hi2(va, vb));
    o0 += 16;
    o1 += 16;
  }
  if (r < end) {
    const v = f64x2.mul(v128.load(r, R_TERM), inv);
    v128.store64_lane(o0, v, 0);
    v128.store64_lane(o1, v, 1);
  }
}

/** slotFinish and slotStore at A = 4 in registers, the same operations. */
// @ts-ignore: decorator
@inline function slotStore4(slot: usize): void {
  const one = kc(K_ONE);
  const step = v128.load(slot, S_STEP);
  const r = slot + S_ROWS;
  const x0 = f64x2.mul(step, v128.load(r, R_INV));
  const x1 = f64x2.mul(step, v128.load(r, ROW + R_INV));
  const x2 = f64x2.mul(step, v128.load(r, 2 * ROW + R_INV));
  const x3 = f64x2.mul(step, v128.load(r, 3 * ROW + R_INV));
  const e0 = f64x2.mul(v128.load(r, R_TERM), f64x2.sub(one, f64x2.mul(x0, f64x2.sub(one, x0))));
  const e1 = f64x2.mul(v128.load(r, ROW + R_TERM), f64x2.sub(one, f64x2.mul(x1, f64x2.sub(one, x1))));
  const e2 = f64x2.mul(v128.load(r, 2 * ROW + R_TERM), f64x2.sub(one, f64x2.mul(x2, f64x2.sub(one, x2))));
  const e3 = f64x2.mul(v128.load(r, 3 * ROW + R_TERM), f64x2.sub(one, f64x2.mul(x3, f64x2.sub(one, x3))));
  const g = f64x2.add(f64x2.add(f64x2.add(f64x2.add(f64x2.splat(0), e0), e1), e2), e3);
  const inv = f64x2.div(one, g);
  const va = f64x2.mul(e0, inv);
  const vb = f64x2.mul(e1, inv);
  const vc = f64x2.mul(e2, inv);
  const vd = f64x2.mul(e3, inv);
  const o0 = <usize>load<u32>(slot, S_INFO + 4);
  const o1 = <usize>load<u32>(slot, S_INFO + 8);
  v128.store(o0, lo2(va, vb));
  v128.store(o0, lo2(vc, vd), 16);
  v128.store(o1, hi2(va, vb));
  v128.store(o1, hi2(vc, vd), 16);
}

/**
 * The SIMD kernel for A <= PAIR_MAX_A: states two by two in the lanes of a
 * slot, batches of SLOTS slots (half as many above 8 actions). Most states
 * need two evaluations (the start and one Halley step, which is then below
 * TAU t), so every slot of a batch takes ROUNDS = 2 steps side by side with no
 * branch on the data; the slots not done then go on side by side until they
 * are. The slots' chains of dependent divisions are independent, so the
 * processor overlaps them (one step is a chain of about 70 cycles and 30 of
 * arithmetic). Refilling each slot as soon as it is done (no batches) was
 * measured slower: its branches on the data cost more than the tail. A lane
 * that is done keeps its t, so extra steps change nothing. States that need
 * trlState's special paths go through it directly. Results equal the scalar
 * kernel bit for bit.
 */
// @ts-ignore: decorator
@inline function trlStream(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  // Short rows: more slots in flight (measured: 8 at A = 4; at A = 40, 4).
  const slots = A <= 8 ? SLOTS : SLOTS >> 1;
  let next = 0;
  while (next < S) {
    let n = 0;
    for (; n < slots; n++) {
      if (A == 4 && next + 2 <= S) {
        // The common case inline; slotFill takes whatever it refuses.
        const b0 = <usize>next * rowBytes;
        const b1 = b0 + rowBytes;
        const c0 = load<f64>(coef + (<usize>next << 3));
        const c1 = load<f64>(coef + (<usize>next << 3), 8);
        if (
          c0 > 0.0 && c0 < Infinity && c1 > 0.0 && c1 < Infinity &&
          slotLoad4(slotAt(n), pi + b0, adv + b0, out + b0, c0, pi + b1, adv + b1, out + b1, c1)
        ) {
          next += 2;
          continue;
        }
      }
      next = slotFill(slotAt(n), pi, adv, coef, S, A, out, rowBytes, next);
      if (next < 0) {
        next = S;
        break;
      }
    }
    let busy = 0;
    for (let r = 0; r < ROUNDS; r++) {
      busy = 0;
      for (let k = 0; k < n; k++) busy |= i32(slotStep(slotAt(k), A)) << k;
    }
    // The slots not done yet go on side by side (their chains overlap).
    while (busy != 0) {
      let still = 0;
      // Only the busy slots, by their bits: one loop exit to predict, not a branch per slot.
      for (let b = busy; b != 0; b &= b - 1) {
        const k = ctz(b);
        still |= i32(slotStep(slotAt(k), A)) << k;
      }
      busy = still;
    }
    for (let k = 0; k < n; k++) {
      const slot = slotAt(k);
      if (A == 4) slotStore4(slot);
      else {
        slotFinish(slot, A);
        slotStore(slot, A);
      }
    }
  }
}

/**
 * Puts the next pair of states from `next` on into a slot and returns the
 * state after it, or -1 (slot left empty) when fewer than two states remain;
 * states that cannot go into a slot (and a last odd one) are solved on the
 * way by trlState.
 */
function slotFill(
  slot: usize, pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, rowBytes: usize, next: i32,
): i32 {
  let s = next;
  while (s + 2 <= S) {
    const b0 = <usize>s * rowBytes;
    const b1 = b0 + rowBytes;
    const c0 = load<f64>(coef + (<usize>s << 3));
    const c1 = load<f64>(coef + (<usize>s << 3), 8);
    if (
      c0 > 0.0 && c0 < Infinity && c1 > 0.0 && c1 < Infinity &&
      (A == 4
        ? slotLoad4(slot, pi + b0, adv + b0, out + b0, c0, pi + b1, adv + b1, out + b1, c1)
        : slotLoad(slot, pi + b0, adv + b0, out + b0, c0, pi + b1, adv + b1, out + b1, c1, A))
    ) {
      return s + 2;
    }
    trlState(pi + b0, adv + b0, A, c0, out + b0, false);
    trlState(pi + b1, adv + b1, A, c1, out + b1, false);
    s += 2;
  }
  if (s < S) {
    const b = <usize>s * rowBytes;
    trlState(pi + b, adv + b, A, load<f64>(coef + (<usize>s << 3)), out + b, false);
  }
  return -1;
}

// @ts-ignore: decorator
@inline function trlAll(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, simd: bool): void {
  if (simd && A <= PAIR_MAX_A) {
    trlStream(pi, adv, coef, S, A, out);
    return;
  }
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    trlState(pi + base, adv + base, A, load<f64>(coef + (<usize>s << 3)), out + base, simd);
  }
}

/**
 * Trust-region learning step (Kuba et al. 2022; Schulman et al. 2015), per state:
 *   out_s = argmax_{p in simplex} <p, adv_s> - coef[s] KL(pi_s || p),
 * solved through the dual p(a) = c pi(a) / (lambda - adv(a)) with lambda found
 * to machine precision (see trlState for c = 0 and c = +inf). Up to
 * PAIR_MAX_A actions the SIMD kernel solves two states per vector and several
 * vectors at once (trlStream) and equals the scalar kernel bit for bit; with
 * more, the lanes split each state's actions (sums in another order: equal
 * to about 1e-16).
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64 >= 0 (may be +inf).
 */
export function mirrorTrlSolveSimd(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  trlAll(pi, adv, coef, S, A, out, true);
}

/** Trust-region learning step per state, scalar twin of mirrorTrlSolveSimd. */
export function mirrorTrlSolveScalar(pi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize): void {
  trlAll(pi, adv, coef, S, A, out, false);
}
