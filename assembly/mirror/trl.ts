// The per-state KL ball (max-KL neighbourhood) by a search on the penalty of
// the trust-region step (trl-dual.ts), states two by two in the SIMD lanes.
// Plain-TypeScript twin: src/mirror/trl.twin.ts.
import { hsum, klTermS, normalS, normalV, phiNormV } from "./math";
import {
  PAIR_MAX_A, R_CP, R_D, R_PI, R_TERM, ROW, S_ACTIVE, S_G, S_HI, S_INFO, S_LO, S_ROWS, S_T, SLOT_BYTES, TINY,
  slotStep, startPointV, trlLastT, trlState,
} from "./trl-dual";

const EPS: f64 = 2.220446049250313e-16;

let ballChi: f64 = 0; // sum over pi(a) > 0 of p(a)^2 / pi(a)
let ballPsi: f64 = 0; // sum over pi(a) > 0 of p(a)^3 / pi(a)^2
let ballPinned: bool = false; // an action outside pi's support has mass

/**
 * KL(pi || p) of one row (generalised form, see kl.ts), with in ballChi and
 * ballPsi the sums of p^2 / pi and p^3 / pi^2 over pi's support and in
 * ballPinned whether p puts mass outside it. The vector loop calls nothing (lanes whose ratio p/pi is not a
 * normal double are summed after it, as in kl.ts).
 */
// @ts-ignore: decorator
@inline function ballKl(pr: usize, or: usize, A: i32, simd: bool): f64 {
  let kl = 0.0;
  let chi = 0.0;
  let psi = 0.0;
  let pinned = false;
  let a = 0;
  if (simd) {
    const zero = f64x2.splat(0);
    let acc = zero;
    let chiv = zero;
    let psiv = zero;
    let ok = i64x2.splat(-1);
    let out = i64x2.splat(0);
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      const q = v128.load(pr + off);
      const p = v128.load(or + off);
      const r = f64x2.div(p, q);
      const t = f64x2.mul(q, phiNormV(r));
      const normal = normalV(r);
      acc = f64x2.add(acc, v128.and(t, normal));
      ok = v128.and(ok, normal);
      const support = f64x2.gt(q, zero);
      const rs = v128.and(r, support); // p/0 off the support: zeroed
      const pr = f64x2.mul(p, rs);
      chiv = f64x2.add(chiv, pr);
      psiv = f64x2.add(psiv, f64x2.mul(pr, rs));
      out = v128.or(out, v128.andnot(f64x2.gt(p, zero), support));
    }
    kl = hsum(acc);
    chi = hsum(chiv);
    psi = hsum(psiv);
    pinned = v128.any_true(out);
    if (!i64x2.all_true(ok)) {
      for (let b = 0; b < a; b++) {
        const off = <usize>b << 3;
        const q = load<f64>(pr + off);
        const p = load<f64>(or + off);
        if (!normalS(p / q)) kl += klTermS(q, p);
      }
    }
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const q = load<f64>(pr + off);
    const p = load<f64>(or + off);
    kl += klTermS(q, p);
    if (q > 0.0) {
      const r = p / q;
      const pr = p * r;
      chi += pr;
      psi += pr * r;
    }
    else if (p > 0.0) pinned = true;
  }
  ballChi = chi;
  ballPsi = psi;
  ballPinned = pinned;
  return kl;
}

/**
 * One step of the search on the penalty c: Halley's method on
 * y(c) = h(c)^(-1/2) = target (cubic convergence where Newton's is
 * quadratic; h = KL(pi || p(c))), from the analytic derivatives
 *   h' = (lambda' - 1) / c,  h'' = (lambda'' - h') / c,
 *   lambda' = 1 / chi,  lambda'' = (2 lambda' / c) (psi lambda'^2 - 1),
 * chi = sum p^2/pi and psi = sum p^3/pi^2 (differentiate sum c pi / (lambda - A) = 1
 * twice; lambda' = lambda'' = 0 when an action outside pi's support holds the
 * multiplier: lp = 0). With g1 = c h' / h = (lp - 1) / h and
 * g2 = c^2 h'' / h = (c lambda'' - c h') / h (c lambda'' = 2 lp (psi lp^2 - 1): no
 * division by c, two divisions in all on the chain of dependent operations),
 * the step is
 *   c (1 + 2 f g1 / (y g1^2 - f (1.5 g1^2 - g2))),  y = h^(-1/2), f = y - target,
 * and Newton's, c (1 + 2 f / (y g1)), where that denominator is not positive.
 */
// @ts-ignore: decorator
@inline function ballHalley(c: f64, h: f64, lp: f64, psi: f64, target: f64): f64 {
  const u = lp - 1.0;
  const v = (2.0 * lp) * (psi * lp * lp - 1.0);
  const ih = 1.0 / h;
  const g1 = u * ih;
  const g2 = (v - u) * ih;
  const y = sqrt(ih);
  const f = y - target;
  const gg = g1 * g1;
  const den = y * gg - f * (1.5 * gg - g2);
  return den > 0.0 ? c + c * ((2.0 * f * g1) / den) : c + c * ((2.0 * f) / (y * g1));
}

/** ballHalley lane by lane, the same operations. */
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

/**
 * pi puts mass on an action worse than its best: then the step at c = 0 (the
 * greedy policy on pi's best actions) leaves that action empty and has
 * KL(pi || p) = +inf, so the ball binds without solving it.
 */
// @ts-ignore: decorator
@inline function spreadS(pr: usize, qr: usize, A: i32): bool {
  let hi = -Infinity;
  let lo = Infinity;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    if (load<f64>(pr + off) > 0.0) {
      // Compare and select, not f64.max / f64.min (their NaN and -0 rules cost V8 a branchy sequence).
      const q = load<f64>(qr + off);
      if (q > hi) hi = q;
      if (q < lo) lo = q;
    }
  }
  return lo < hi;
}

/**
 * The start of one state of the KL ball: keeps pi (base = +inf) or the
 * trust-region step at c = base when its KL is within delta, writing it to or
 * and returning -1 (multiplier 0; base = 0 with spreadS binds without a
 * solve); otherwise returns the first penalty of the search (ballFirst).
 */
// @ts-ignore: decorator
@inline function ballStart(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  if (base == Infinity) {
    memory.copy(or, pr, <usize>A << 3);
    return -1.0;
  }
  if (!(base == 0.0 && spreadS(pr, qr, A))) {
    trlState(pr, qr, A, base, or, simd);
    if (ballKl(pr, or, A, simd) <= delta) return -1.0;
  }
  return ballFirst(pr, qr, A, base, delta);
}

/**
 * The first penalty of the search (> base, > 0): the root of
 * KL = m2 / (2 c^2) + 2 m3 / (3 c^3) to second order, m_k the central moments
 * of A under pi (see ballState).
 */
// @ts-ignore: decorator
@inline function ballFirst(pr: usize, qr: usize, A: i32, base: f64, delta: f64): f64 {
  let mean = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    mean += load<f64>(pr + off) * load<f64>(qr + off);
  }
  let varA = 0.0;
  let m3 = 0.0;
  let span = 0.0;
  for (let a = 0; a < A; a++) {
    const off = <usize>a << 3;
    const d = load<f64>(qr + off) - mean;
    const pd2 = load<f64>(pr + off) * d * d;
    varA += pd2;
    m3 += pd2 * d;
    const ad = abs(d);
    if (ad > span) span = ad; // as max (ad is never -0), without f64.max's branchy sequence
  }
  // c = sqrt(m2 / (2 delta)) + 2 m3 / (3 m2) to second order.
  let c = span;
  if (varA > 0.0) {
    c = sqrt(varA / (2.0 * delta));
    const c1 = c + (2.0 * m3) / (3.0 * varA);
    if (c1 > 0.5 * c) c = c1;
  }
  if (!(c > base)) c = base > 0.0 ? 2.0 * base : max(c, 1e-300);
  return c;
}

/**
 * One state of the KL ball: the smallest penalty c >= base with
 * h(c) = KL(pi || p(c)) <= delta, p(c) the trlState solution; returns c - base
 * (the ball's Lagrange multiplier) and leaves p(c) in or.
 * h decreases in c with slope h'(c) = (lambda'(c) - 1) / c, lambda' = 1 / sum p^2/pi
 * (differentiate sum c pi / (lambda - A) = 1; lambda' = 0 when an action
 * outside pi's support holds the multiplier). Halley's method (ballHalley, with
 * the analytic h'') runs on y(c) = h^(-1/2), nearly linear (h ~ m2 / (2 c^2) +
 * 2 m3 / (3 c^3) for large c, m_k the central moments of A under pi; the
 * search starts from that expansion's root to second order, ballStart), inside
 * the bracket h(cLo) > delta >= h(cHi), falling back to its geometric middle.
 * It stops when KL is within 1e-14 relative below delta or the bracket has
 * closed, and returns the feasible end (KL <= delta). About 3 KL evaluations
 * per state at delta = 0.01 (Newton's method: 3.6; the Illinois search on
 * log KL: 15 to 18). Each trust-region solve after the first starts from the
 * last one's t = lambda - amax moved by lambda'(c) dc (first order: its error
 * shrinks with dc^2 as the search converges), which cuts its evaluations from
 * about 3 to about 1.6.
 */
// @ts-ignore: decorator
@inline function ballState(pr: usize, qr: usize, A: i32, base: f64, delta: f64, or: usize, simd: bool): f64 {
  let c = ballStart(pr, qr, A, base, delta, or, simd);
  if (c < 0.0) return 0.0;
  let cLo = base;
  let cHi = Infinity;
  // The search aims just inside the ball so that it lands on the feasible side.
  const target = 1.0 / sqrt(delta * (1.0 - 5e-15));
  const tight = delta * (1.0 - 1e-14);
  let tp = NaN; // the inner solve's warm start (none for the first c)
  for (let it = 0; it < 1000; it++) {
    trlState(pr, qr, A, c, or, simd, tp);
    const tl = trlLastT();
    const h = ballKl(pr, or, A, simd);
    if (h <= delta) {
      cHi = c;
      if (h >= tight) return c - base;
    } else cLo = c;
    if (cHi != Infinity && cHi - cLo <= 4.0 * EPS * cHi) break;
    let cn = ballHalley(c, h, ballPinned ? 0.0 : 1.0 / ballChi, ballPsi, target);
    const lp = ballPinned ? 0.0 : 1.0 / ballChi; // lambda'(c)
    if (!(cn > cLo && cn < cHi)) cn = cHi == Infinity ? 4.0 * c : cLo > 0.0 ? sqrt(cLo * cHi) : 0.25 * cHi;
    if (!(cn > cLo && cn < cHi)) cn = 0.5 * (cLo + cHi);
    // lambda moves with c by lambda' (amax fixed): the next solve starts there.
    tp = tl + (cn - c) * lp;
    c = cn;
  }
  trlState(pr, qr, A, cHi, or, simd);
  return cHi - base;
}

// The SIMD kernel's work area: BALL_SLOTS slots of trl-dual.ts (each two
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
        if (busy & (1 << j) && !slotStep(BALL + <usize>j * BALL_BYTES, A)) busy &= ~(1 << j);
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
