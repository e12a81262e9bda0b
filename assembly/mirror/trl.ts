// The per-state KL ball (max-KL neighbourhood): the SIMD kernel runs the
// search of trl-ball.ts for two states at once, one per lane; both kernels'
// entry points. Plain-TypeScript twin: src/mirror/kernels/trl.twin.ts.
// Over 400 lines on purpose: the KL ball's SIMD and scalar kernels drive the
// same per-state search (trl-ball.ts) and must stay bit-identical.
import { normalV, phiNormV } from "./math";
import { ballFirst, ballStart, ballState } from "./trl-ball";
import { TINY, startPointV } from "./trl-dual";
import {
  PAIR_MAX_A, R_CP, R_D, R_PI, R_TERM, ROW, S_ACTIVE, S_G, S_HI, S_INFO, S_LO, S_ROWS, S_STEP, S_T, SLOT_BYTES,
  slotFinish, slotStep,
} from "./trl-slots";

const EPS: f64 = 2.220446049250313e-16;

// The SIMD kernel's work area: BALL_SLOTS slots of trl-slots.ts (each two
// states side by side, lane = state) and, 16 bytes each, the search's c, bracket ends cLo and
// cHi, base, pi on the best actions (pmax), the raw moments of d = amax - A
// under pi (trlState's start point), the lanes whose c is the last (the
// solve at cHi after the bracket closed), the warm start, the lanes checking
// c = base and their first c, then per lane the state and its
// iteration count (i32s). Static data, not an allocation.
const BALL_SLOTS = 2;
const BALL_BYTES = SLOT_BYTES + 224;
const BALL = memory.data(BALL_SLOTS * BALL_BYTES, 16);
const B_C = SLOT_BYTES;
const B_LO = B_C + 16;
const B_HI = B_C + 32;
const B_BASE = B_C + 48;
const B_PMAX = B_C + 64;
const B_M1 = B_C + 80;
const B_M2 = B_C + 96;
const B_M3 = B_C + 112;
const B_FINAL = B_C + 128;
const B_TP = B_C + 144; // the warm start of the next solve (NaN: none)
const B_CHECK = B_C + 160; // lanes solving at c = base (is the ball binding?)
const B_FIRST = B_C + 176; // their search's first c, if it binds
const B_STATE = B_C + 192;
const B_IT = B_C + 200;
const B_LIVE = B_C + 208; // i32: bit k set while lane k holds a state not yet done
const B_SCALAR = B_C + 212; // i32: lanes to hand to the scalar kernel this round

// Vector constants (see math.ts: a load, not a v128.const rebuilt in the loop).
const BC = memory.data<f64>([
  1.0, 1.0, // 0
  0.0, 0.0, // 1: unused
  4.0 * EPS, 4.0 * EPS, // 2
  Infinity, Infinity, // 3
  2.0, 2.0, // 4
  4.0, 4.0, // 5
  0.25, 0.25, // 6
  0.5, 0.5, // 7
  TINY, TINY, // 8
  NaN, NaN, // 9
  1.5, 1.5, // 10
]);
const BK_ONE = 0;
const BK_FOUR_EPS = 2;
const BK_INF = 3;
const BK_TWO = 4;
const BK_FOUR = 5;
const BK_QUARTER = 6;
const BK_HALF = 7;
const BK_TINY = 8;
const BK_NAN = 9;
const BK_THREE_HALVES = 10;

// @ts-ignore: decorator
@inline function bc(i: i32): v128 {
  return v128.load(BC + (<usize>i << 4));
}

/** ballHalley (trl-ball.ts) lane by lane, the same operations. */
// @ts-ignore: decorator
@inline function ballHalleyV(c: v128, h: v128, lp: v128, psi: v128, target: v128): v128 {
  const one = bc(BK_ONE);
  const two = bc(BK_TWO);
  const u = f64x2.sub(lp, one);
  const v = f64x2.mul(f64x2.mul(two, lp), f64x2.sub(f64x2.mul(f64x2.mul(psi, lp), lp), one));
  const ih = f64x2.div(one, h);
  const g1 = f64x2.mul(u, ih);
  const g2 = f64x2.mul(f64x2.sub(v, u), ih);
  const y = f64x2.sqrt(ih);
  const f = f64x2.sub(y, target);
  const gg = f64x2.mul(g1, g1);
  const den = f64x2.sub(f64x2.mul(y, gg), f64x2.mul(f, f64x2.sub(f64x2.mul(bc(BK_THREE_HALVES), gg), g2)));
  const twoF = f64x2.mul(two, f);
  const halley = f64x2.add(c, f64x2.mul(c, f64x2.div(f64x2.mul(twoF, g1), den)));
  const newton = f64x2.add(c, f64x2.mul(c, f64x2.div(twoF, f64x2.mul(y, g1))));
  return v128.bitselect(halley, newton, f64x2.gt(den, f64x2.splat(0)));
}

/** Lane 0 or 1 of a vector (extract_lane wants a constant lane). */
// @ts-ignore: decorator
@inline function laneOf(v: v128, lane: i32): f64 {
  return lane == 0 ? f64x2.extract_lane(v, 0) : f64x2.extract_lane(v, 1);
}

/** Stores x into lane `lane` of the f64x2 at `at` (lane 0 is the lower address). */
// @ts-ignore: decorator
@inline function setLane(at: usize, lane: i32, x: f64): void {
  store<f64>(at + (<usize>lane << 3), x);
}

/**
 * Puts state s, whose search starts at penalty c, into lane `lane`: trlState's
 * first pass (amax, pmax, the moments of d) with the same operations in the
 * same order, and pi and d per action. With first > 0, c is base and the lane
 * first checks whether the ball binds (ballStart's solve at c = base), its
 * search then starting at first. Returns false when the state needs
 * trlState's pinned path (an action outside pi's support beating it).
 */
// @ts-ignore: decorator
@inline function laneLoad(
  bs: usize, pr: usize, qr: usize, A: i32, c: f64, base: f64, first: f64, s: i32, lane: i32,
): bool {
  let amax = -Infinity;
  let pmax = 0.0;
  let offMax = -Infinity;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const q = load<f64>(qr + off);
    if (p > 0.0) {
      if (q > amax) {
        amax = q;
        pmax = p;
      } else if (q == amax) pmax += p;
    } else if (q > offMax) offMax = q;
  }
  if (offMax > amax) return false;
  let m1 = 0.0;
  let m2 = 0.0;
  let m3 = 0.0;
  let r = bs + S_ROWS;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const p = load<f64>(pr + off);
    const dq = amax - load<f64>(qr + off);
    setLane(r + R_PI, lane, p);
    setLane(r + R_D, lane, dq);
    const d = p > 0.0 ? dq : 0.0;
    const w = p * d;
    const w2 = w * d;
    m1 += w;
    m2 += w2;
    m3 += w2 * d;
    r += ROW;
  }
  setLane(bs + B_PMAX, lane, pmax);
  setLane(bs + B_M1, lane, m1);
  setLane(bs + B_M2, lane, m2);
  setLane(bs + B_M3, lane, m3);
  setLane(bs + B_C, lane, c);
  setLane(bs + B_LO, lane, base);
  setLane(bs + B_HI, lane, Infinity);
  setLane(bs + B_BASE, lane, base);
  store<i64>(bs + B_FINAL + (<usize>lane << 3), 0);
  setLane(bs + B_TP, lane, NaN);
  // c = base first (ballStart's check) when the search's first c is given.
  store<i64>(bs + B_CHECK + (<usize>lane << 3), first > 0.0 ? -1 : 0);
  setLane(bs + B_FIRST, lane, first);
  store<i32>(bs + B_STATE + (<usize>lane << 2), s);
  store<i32>(bs + B_IT + (<usize>lane << 2), 0);
  return true;
}

/**
 * Fills lane `lane` with the next state from `next` on that needs the search
 * and returns it, or -1 (lane left as it is) when none is left. States on the
 * way that need no search (multiplier 0) or the scalar kernel's special paths
 * are solved here by ballStart and ballState.
 */
function laneFill(
  bs: usize, pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize, next: i32, lane: i32,
): i32 {
  const rowBytes = <usize>A << 3;
  for (let s = next; s < S; s++) {
    const off = <usize>s * rowBytes;
    const so = <usize>s << 3;
    const b = load<f64>(base + so);
    // base > 0: the check at c = base runs in the lane too.
    const inLane = b > 0.0 && b < Infinity;
    const c = inLane ? b : ballStart(pi + off, adv + off, A, b, delta, out + off, false);
    if (c < 0.0) {
      store<f64>(mult + so, 0.0);
      continue;
    }
    const first = inLane ? ballFirst(pi + off, adv + off, A, b, delta) : 0.0;
    if (laneLoad(bs, pi + off, adv + off, A, c, b, first, s, lane)) return s;
    store<f64>(mult + so, ballState(pi + off, adv + off, A, b, delta, out + off, false));
  }
  return -1;
}

/**
 * Copies lane `from` into the other lane, which then repeats its work: a lane
 * with no state left keeps computing something finite (its results unused).
 */
// @ts-ignore: decorator
@inline function laneDup(bs: usize, A: i32, from: i32): void {
  const end = bs + S_ROWS + <usize>A * ROW;
  for (let r = bs + S_ROWS; r < end; r += 16) {
    const v = v128.load(r);
    v128.store(r, from == 0 ? v128.shuffle<f64>(v, v, 0, 0) : v128.shuffle<f64>(v, v, 1, 1));
  }
  for (let f = bs + B_C; f < bs + B_STATE; f += 16) {
    const v = v128.load(f);
    v128.store(f, from == 0 ? v128.shuffle<f64>(v, v, 0, 0) : v128.shuffle<f64>(v, v, 1, 1));
  }
}

/**
 * Starts the trust-region step of both lanes at their c (trlState's start
 * point and bracket; slotStep then iterates); returns a lane mask of the
 * lanes whose c pmax is below TINY (trlState scales those: they go to the
 * scalar kernel).
 */
// @ts-ignore: decorator
@inline function laneStart(bs: usize, A: i32): i32 {
  const c = v128.load(bs + B_C);
  const end = bs + S_ROWS + <usize>A * ROW;
  for (let r = bs + S_ROWS; r < end; r += ROW) v128.store(r, f64x2.mul(c, v128.load(r, R_PI)), R_CP);
  const lo = f64x2.mul(c, v128.load(bs + B_PMAX));
  const t0 = startPointV(c, v128.load(bs + B_M1), v128.load(bs + B_M2), v128.load(bs + B_M3));
  const t = v128.bitselect(t0, lo, v128.and(f64x2.gt(t0, lo), f64x2.lt(t0, c)));
  const tp = v128.load(bs + B_TP);
  v128.store(bs, v128.bitselect(tp, t, v128.and(f64x2.gt(tp, lo), f64x2.lt(tp, c))), S_T);
  v128.store(bs, lo, S_LO);
  v128.store(bs, c, S_HI);
  v128.store(bs, i64x2.splat(-1), S_ACTIVE);
  v128.store(bs, f64x2.splat(0), S_STEP);
  store<i32>(bs, 0, S_INFO);
  return i64x2.bitmask(v128.not(f64x2.ge(lo, bc(BK_TINY))));
}

/** Writes lane `lane`'s policy (the last terms over their sum, as trlState) to o. */
// @ts-ignore: decorator
@inline function laneStore(bs: usize, A: i32, lane: i32, o: usize): void {
  const inv = 1.0 / laneOf(v128.load(bs, S_G), lane);
  let r = bs + S_ROWS;
  for (let a = 0; a < A; a++) {
    store<f64>(o + (<usize>a << 3), laneOf(v128.load(r, R_TERM), lane) * inv);
    r += ROW;
  }
}

/**
 * The KL of both lanes' solution and ballState's step on c (as vectors, lane
 * by lane the scalar operations). Returns the lanes done (bits 2, 3: the KL is
 * tight, or this was the last solve, at cHi) and the lanes to hand to the
 * scalar kernel (bits 0, 1: a ratio p/pi outside the normal doubles, or a
 * last solve at cHi = +inf).
 */
// @ts-ignore: decorator
@inline function laneUpdate(bs: usize, A: i32, live: i32, deltaV: v128, tightV: v128, targetV: v128): i32 {
  const final = v128.load(bs + B_FINAL);
  // KL(pi || p) and sum p^2 / pi per lane (ballKl; pinned is impossible here).
  const inv = f64x2.div(bc(BK_ONE), v128.load(bs, S_G));
  const zero = f64x2.splat(0);
  let kl = zero;
  let chi = zero;
  let psi = zero;
  let ok = i64x2.splat(-1);
  const end = bs + S_ROWS + <usize>A * ROW;
  for (let r = bs + S_ROWS; r < end; r += ROW) {
    const q = v128.load(r, R_PI);
    const p = f64x2.mul(v128.load(r, R_TERM), inv);
    const x = f64x2.div(p, q);
    const pos = f64x2.gt(q, zero);
    kl = f64x2.add(kl, v128.and(f64x2.mul(q, phiNormV(x)), pos));
    // x = 0/0 off the support: zeroed, so that these sums add exact zeros there.
    const xs = v128.and(x, pos);
    const px = f64x2.mul(p, xs);
    chi = f64x2.add(chi, px);
    psi = f64x2.add(psi, f64x2.mul(px, xs));
    ok = v128.and(ok, v128.or(normalV(x), v128.not(pos)));
  }
  // A lane on its last solve (at cHi) needs no KL.
  const scalar = i64x2.bitmask(v128.andnot(v128.not(ok), final)) & live;
  if (scalar != 0) return scalar;
  const c = v128.load(bs + B_C);
  let cLo = v128.load(bs + B_LO);
  let cHi = v128.load(bs + B_HI);
  const feas = f64x2.le(kl, deltaV);
  cHi = v128.bitselect(c, cHi, feas);
  cLo = v128.bitselect(cLo, c, feas);
  const ret = v128.and(feas, f64x2.ge(kl, tightV));
  const inf = bc(BK_INF);
  const closed = v128.and(f64x2.ne(cHi, inf), f64x2.le(f64x2.sub(cHi, cLo), f64x2.mul(bc(BK_FOUR_EPS), cHi)));
  const one = bc(BK_ONE);
  const lp = f64x2.div(one, chi);
  let cn = ballHalleyV(c, kl, lp, psi, targetV);
  const alt = v128.bitselect(
    f64x2.mul(bc(BK_FOUR), c),
    v128.bitselect(f64x2.sqrt(f64x2.mul(cLo, cHi)), f64x2.mul(bc(BK_QUARTER), cHi), f64x2.gt(cLo, zero)),
    f64x2.eq(cHi, inf),
  );
  cn = v128.bitselect(cn, alt, v128.and(f64x2.gt(cn, cLo), f64x2.lt(cn, cHi)));
  const mid = f64x2.mul(bc(BK_HALF), f64x2.add(cLo, cHi));
  cn = v128.bitselect(cn, mid, v128.and(f64x2.gt(cn, cLo), f64x2.lt(cn, cHi)));
  // Done now: the last solve, or KL tight, or within delta at c = base
  // (multiplier c - base = 0); c kept: its policy is read next. A closed
  // bracket (or 1000 steps) asks for one more solve, at cHi.
  const check = v128.load(bs + B_CHECK);
  const checked = i64x2.bitmask(check);
  let keep = v128.or(final, ret);
  if (checked != 0) keep = v128.or(keep, v128.and(check, feas));
  const done = i64x2.bitmask(keep);
  // The check is not one of the search's steps (its count starts after it).
  const it0 = checked & 1 ? 0 : load<i32>(bs + B_IT) + 1;
  const it1 = checked & 2 ? 0 : load<i32>(bs + B_IT, 4) + 1;
  store<i32>(bs + B_IT, it0);
  store<i32>(bs + B_IT, it1, 4);
  let last = i64x2.bitmask(v128.andnot(closed, keep)); // (never a checking lane: its cHi is +inf)
  if (it0 >= 1000) last |= 1 & ~done;
  if (it1 >= 1000) last |= 2 & ~done;
  const lastMask = i64x2.replace_lane(i64x2.splat(-<i64>(last & 1)), 1, -<i64>((last >> 1) & 1));
  // A lane past its check starts the search at its first c, bracket [base, +inf).
  if (checked != 0) cn = v128.bitselect(v128.load(bs + B_FIRST), cn, check);
  v128.store(bs + B_C, v128.bitselect(c, v128.bitselect(cHi, cn, lastMask), keep));
  v128.store(bs + B_LO, cLo);
  v128.store(bs + B_HI, cHi);
  v128.store(bs + B_FINAL, lastMask);
  // The next solve's warm start (ballState's tp; none for the last solve, at cHi).
  const tp = f64x2.add(v128.load(bs, S_T), f64x2.mul(f64x2.sub(cn, c), lp));
  v128.store(bs + B_TP, v128.bitselect(bc(BK_NAN), tp, v128.or(lastMask, check)));
  if (checked != 0) v128.store(bs + B_CHECK, f64x2.splat(0));
  // A last solve at cHi = +inf (never feasible in 1000 steps) is trlState's c = +inf path.
  let toScalar = 0;
  if (last & 1 && f64x2.extract_lane(cHi, 0) == Infinity) toScalar |= 1;
  if (last & 2 && f64x2.extract_lane(cHi, 1) == Infinity) toScalar |= 2;
  return toScalar | (done << 2);
}

/**
 * Writes the answers of the lanes in `done` (their policy and multiplier),
 * solves the states of the lanes in `scalar` with the scalar kernel, and
 * refills those lanes from `next` on; a lane left with no state copies the
 * other. Returns the new `next`; B_LIVE is updated.
 */
function laneFinish(
  bs: usize, pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize,
  scalar: i32, done: i32, next: i32,
): i32 {
  const rowBytes = <usize>A << 3;
  let live = load<i32>(bs + B_LIVE);
  for (let k = 0; k < 2; k++) {
    const bit = 1 << k;
    if (!((scalar | done) & bit & live)) continue;
    const s = load<i32>(bs + B_STATE + (<usize>k << 2));
    const off = <usize>s * rowBytes;
    const so = <usize>s << 3;
    if (scalar & bit) {
      store<f64>(mult + so, ballState(pi + off, adv + off, A, load<f64>(base + so), delta, out + off, false));
    } else {
      laneStore(bs, A, k, out + off);
      store<f64>(mult + so, laneOf(v128.load(bs + B_C), k) - laneOf(v128.load(bs + B_BASE), k));
    }
    const t = next < S ? laneFill(bs, pi, adv, base, S, A, delta, out, mult, next, k) : -1;
    if (t < 0) {
      next = S;
      live &= ~bit;
    } else next = t + 1;
  }
  // A lane with no state repeats the other's work exactly (so never trips a check of its own).
  if (live == 1) laneDup(bs, A, 0);
  else if (live == 2) laneDup(bs, A, 1);
  store<i32>(bs + B_LIVE, live);
  return next;
}

/**
 * The SIMD kernel for A <= PAIR_MAX_A: ballState for two states at once in
 * the lanes of a slot, BALL_SLOTS slots side by side (their trust-region
 * solves interleaved: independent chains of divisions the processor
 * overlaps), each lane refilled with the next state as soon as its own is
 * done (no lane waits for the other). Every step of a lane is the scalar
 * kernel's operation on that state (the trust-region solve as slotStep, the
 * KL terms through phiNormV, the same sums in the same action order), so the
 * results equal the scalar kernel bit for bit; a state whose ratio p/pi
 * leaves the normal doubles, or whose c pmax falls below TINY, is handed to
 * the scalar kernel whole.
 */
function ballLanes(pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize): void {
  let next = 0;
  let anyLive = 0;
  for (let j = 0; j < BALL_SLOTS; j++) {
    const bs = BALL + <usize>j * BALL_BYTES;
    let live = 0;
    for (let k = 0; k < 2; k++) {
      const s = next < S ? laneFill(bs, pi, adv, base, S, A, delta, out, mult, next, k) : -1;
      if (s < 0) {
        next = S;
        break;
      }
      live |= 1 << k;
      next = s + 1;
    }
    if (live == 1) laneDup(bs, A, 0);
    store<i32>(bs + B_LIVE, live);
    anyLive |= live;
  }
  const deltaV = f64x2.splat(delta);
  const tightV = f64x2.splat(delta * (1.0 - 1e-14));
  const targetV = f64x2.splat(1.0 / sqrt(delta * (1.0 - 5e-15)));
  while (anyLive != 0) {
    let busy = 0;
    for (let j = 0; j < BALL_SLOTS; j++) {
      const bs = BALL + <usize>j * BALL_BYTES;
      const live = load<i32>(bs + B_LIVE);
      if (live == 0) continue;
      const scalar = laneStart(bs, A) & live;
      store<i32>(bs + B_SCALAR, scalar);
      if (scalar == 0) busy |= 1 << j;
    }
    while (busy != 0) {
      for (let j = 0; j < BALL_SLOTS; j++) {
        if (busy & (1 << j) && !slotStep(BALL + <usize>j * BALL_BYTES, A)) {
          busy &= ~(1 << j);
          slotFinish(BALL + <usize>j * BALL_BYTES, A);
        }
      }
    }
    anyLive = 0;
    for (let j = 0; j < BALL_SLOTS; j++) {
      const bs = BALL + <usize>j * BALL_BYTES;
      const live = load<i32>(bs + B_LIVE);
      if (live == 0) continue;
      let scalar = load<i32>(bs + B_SCALAR);
      let done = 0;
      if (scalar == 0) {
        const r = laneUpdate(bs, A, live, deltaV, tightV, targetV);
        scalar = r & 3;
        done = r >> 2;
      }
      if ((scalar | done) & live) next = laneFinish(bs, pi, adv, base, S, A, delta, out, mult, scalar, done, next);
      anyLive |= load<i32>(bs + B_LIVE);
    }
  }
}

// @ts-ignore: decorator
@inline function ballAll(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize, simd: bool,
): void {
  if (simd && A <= PAIR_MAX_A) {
    ballLanes(pi, adv, base, S, A, delta, out, mult);
    return;
  }
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const off = <usize>s * rowBytes;
    const so = <usize>s << 3;
    store<f64>(mult + so, ballState(pi + off, adv + off, A, load<f64>(base + so), delta, out + off, simd));
  }
}

/**
 * Per-state KL ball (the max-KL neighbourhood of TRL / TRPO's constraint taken
 * state by state), with an optional forward-KL drift of weight base[s]:
 *   out_s = argmax_{p: KL(pi_s || p) <= delta} <p, adv_s> - base[s] KL(pi_s || p),
 * the constraint tight to 1e-14 relative wherever it binds; mult[s] receives its
 * Lagrange multiplier (0 where it does not bind). Up to PAIR_MAX_A actions
 * the SIMD kernel solves two states per vector, two vectors at once
 * (ballLanes), and equals the scalar kernel bit for bit; with more, the lanes
 * split each state's actions (sums in another order: equal to about 1e-16).
 * pi, adv, out: S*A f64; base, mult: S f64, base >= 0 (+inf keeps pi); delta > 0.
 */
export function mirrorKlBallSolveSimd(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize,
): void {
  ballAll(pi, adv, base, S, A, delta, out, mult, true);
}

/** Per-state KL ball, scalar twin of mirrorKlBallSolveSimd. */
export function mirrorKlBallSolveScalar(
  pi: usize, adv: usize, base: usize, S: i32, A: i32, delta: f64, out: usize, mult: usize,
): void {
  ballAll(pi, adv, base, S, A, delta, out, mult, false);
}
