// Total-variation steps per state: the squared-TV drift and the TV ball, both
// exact by moving mass from the worst actions to the best one.
// Plain-TypeScript twin: src/mirror/kernels/tv.twin.ts. One kernel: per state (any A,
// its sort ranks with vectors), and for A = 4 (FrozenLake, garnets) two states
// per vector, bit-identical to the per-state path (tvPair4).
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
 * With A = 4 and cap > 0, pairs of states without c = +inf go through
 * tvPair4: the per-state path's sort and drain cost 36 ns a state in
 * mispredicted branches; the branch-free pair costs about 11.
 * pi, adv, out: S*A f64 (s*A + a); coef: S f64; scratch: 4*A bytes (A i32), 4-aligned.
 */
export function mirrorTvSolve(
  pi: usize, adv: usize, coef: usize, cap: f64, S: i32, A: i32, out: usize, scratch: usize,
): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  if (A == 4 && cap > 0.0) {
    const capV = f64x2.splat(cap);
    for (; s + 2 <= S; s += 2) {
      const base = <usize>s << 5;
      const c = v128.load(coef + (<usize>s << 3));
      // c = +inf keeps pi (the per-state path's early exit): rare, so a branch.
      if (v128.any_true(f64x2.eq(c, tk(K_INF)))) {
        tvState(pi + base, adv + base, out + base, load<f64>(coef + (<usize>s << 3)), cap, 4, scratch);
        tvState(pi + base + 32, adv + base + 32, out + base + 32, load<f64>(coef + (<usize>s << 3), 8), cap, 4, scratch);
        continue;
      }
      tvPair4(pi + base, adv + base, c, capV, out + base);
    }
  }
  for (; s < S; s++) {
    const base = <usize>s * rowBytes;
    tvState(pi + base, adv + base, out + base, load<f64>(coef + (<usize>s << 3)), cap, A, scratch);
  }
}

/** One state of any A: copy, best action, index sort, drain (see mirrorTvSolve). */
// @ts-ignore: decorator
@inline function tvState(pr: usize, qr: usize, or: usize, c: f64, cap: f64, A: i32, idx: usize): void {
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
  if (c == Infinity || !(cap > 0.0)) return;
  // b: the first action with the largest advantage (downwards, conditional moves).
  let b = 0;
  for (a = A - 1; a >= 0; a--) b = select<i32>(a, b, load<f64>(qr + (<usize>a << 3)) == best);
  sortIndices(idx, qr, A);
  const tau = drain(pr, qr, or, idx, A, c, cap, best);
  const ob = or + (<usize>b << 3);
  store<f64>(ob, load<f64>(ob) + tau);
}

// Vector constants in static data (V8 rebuilds a v128.const on every use in a loop).
const TK = memory.data<f64>([1.0, 1.0, 2.0, 2.0, 3.0, 3.0, Infinity, Infinity], 16);
const K_ONE = 0;
const K_TWO = 1;
const K_THREE = 2;
const K_INF = 3;

// @ts-ignore: decorator
@inline function tk(i: i32): v128 {
  return v128.load(TK + (<usize>i << 4));
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

/**
 * Two adjacent states of four actions, one per lane, bit-identical to
 * tvState: the four (advantage, mass, index) triples sorted by a 5-comparator
 * network (ties by index, as sortIndices), drained in lockstep without
 * branches, tau added to the first best position, and the network undone
 * with its recorded swaps. The largest key is the best advantage (g = 0), so
 * only positions 0..2 can drain. c: the two coefficients, neither +inf.
 */
// @ts-ignore: decorator
@inline function tvPair4(pr: usize, qr: usize, c: v128, capV: v128, or: usize): void {
  let p = v128.load(pr);
  let q = v128.load(pr, 32);
  let m0 = lo2(p, q);
  let m1 = hi2(p, q);
  p = v128.load(pr, 16);
  q = v128.load(pr, 48);
  let m2 = lo2(p, q);
  let m3 = hi2(p, q);
  p = v128.load(qr);
  q = v128.load(qr, 32);
  let k0 = lo2(p, q);
  let k1 = hi2(p, q);
  p = v128.load(qr, 16);
  q = v128.load(qr, 48);
  let k2 = lo2(p, q);
  let k3 = hi2(p, q);
  // The largest advantage (its value; only a signed zero may differ from tvState's, which changes nothing below).
  const best = f64x2.pmax(f64x2.pmax(k0, k1), f64x2.pmax(k2, k3));
  const zero = f64x2.splat(0);
  // rate = c > 0 ? 1 / (2c) : +inf, as in drain().
  const rate = v128.bitselect(f64x2.div(tk(K_ONE), f64x2.mul(tk(K_TWO), c)), tk(K_INF), f64x2.gt(c, zero));
  // The network (0,1)(2,3) (0,2)(1,3) (1,2): a comparator swaps when the
  // right key is smaller (pmin/pmax move the keys); in the first two layers
  // the left index is always the smaller, so equal keys stay. Indices are
  // only needed for the tie rule of the last comparator.
  const w01 = f64x2.lt(k1, k0);
  let t = f64x2.pmin(k0, k1);
  k1 = f64x2.pmax(k0, k1);
  k0 = t;
  t = v128.bitselect(m1, m0, w01);
  m1 = v128.bitselect(m0, m1, w01);
  m0 = t;
  const w23 = f64x2.lt(k3, k2);
  t = f64x2.pmin(k2, k3);
  k3 = f64x2.pmax(k2, k3);
  k2 = t;
  t = v128.bitselect(m3, m2, w23);
  m3 = v128.bitselect(m2, m3, w23);
  m2 = t;
  // Indices after the first layer: position 0 holds 1 if swapped (else 0), position 1 the other; 2, 3 alike.
  const i0 = v128.and(tk(K_ONE), w01);
  const i1 = v128.andnot(tk(K_ONE), w01);
  const i2 = v128.bitselect(tk(K_THREE), tk(K_TWO), w23);
  const i3 = v128.bitselect(tk(K_TWO), tk(K_THREE), w23);
  const w02 = f64x2.lt(k2, k0);
  t = f64x2.pmin(k0, k2);
  k2 = f64x2.pmax(k0, k2);
  k0 = t;
  t = v128.bitselect(m2, m0, w02);
  m2 = v128.bitselect(m0, m2, w02);
  m0 = t;
  const j2 = v128.bitselect(i0, i2, w02);
  const w13 = f64x2.lt(k3, k1);
  t = f64x2.pmin(k1, k3);
  k3 = f64x2.pmax(k1, k3);
  k1 = t;
  t = v128.bitselect(m3, m1, w13);
  m3 = v128.bitselect(m1, m3, w13);
  m1 = t;
  const j1 = v128.bitselect(i3, i1, w13);
  const w12 = v128.or(f64x2.lt(k2, k1), v128.and(f64x2.eq(k2, k1), f64x2.lt(j2, j1)));
  t = v128.bitselect(k2, k1, w12);
  k2 = v128.bitselect(k1, k2, w12);
  k1 = t;
  t = v128.bitselect(m2, m1, w12);
  m2 = v128.bitselect(m1, m2, w12);
  m1 = t;
  // Drain positions 0..2 in order: drain()'s operations as lane masks. A
  // lane whose scalar loop would `break` clears `active`; one that would
  // `continue` (mass 0) keeps it and its tau. Written out three times (a
  // helper would have to return two vectors).
  let tau = zero;
  let active = f64x2.eq(zero, zero);
  let g: v128, target: v128, end: v128, next: v128, full: v128, nz: v128, above: v128, live: v128, run: v128;
  g = f64x2.sub(best, k0);
  target = f64x2.mul(g, rate);
  end = f64x2.add(tau, m0);
  next = f64x2.pmin(f64x2.pmin(target, end), capV);
  full = f64x2.ge(next, end);
  nz = f64x2.ne(m0, zero);
  above = f64x2.gt(target, tau);
  live = v128.and(active, f64x2.gt(g, zero));
  run = v128.and(live, v128.and(nz, above));
  let o0 = v128.bitselect(v128.andnot(f64x2.sub(m0, f64x2.sub(next, tau)), full), m0, run);
  tau = v128.bitselect(next, tau, run);
  active = v128.andnot(live, v128.andnot(nz, v128.and(above, full)));
  g = f64x2.sub(best, k1);
  target = f64x2.mul(g, rate);
  end = f64x2.add(tau, m1);
  next = f64x2.pmin(f64x2.pmin(target, end), capV);
  full = f64x2.ge(next, end);
  nz = f64x2.ne(m1, zero);
  above = f64x2.gt(target, tau);
  live = v128.and(active, f64x2.gt(g, zero));
  run = v128.and(live, v128.and(nz, above));
  let o1 = v128.bitselect(v128.andnot(f64x2.sub(m1, f64x2.sub(next, tau)), full), m1, run);
  tau = v128.bitselect(next, tau, run);
  active = v128.andnot(live, v128.andnot(nz, v128.and(above, full)));
  g = f64x2.sub(best, k2);
  target = f64x2.mul(g, rate);
  end = f64x2.add(tau, m2);
  next = f64x2.pmin(f64x2.pmin(target, end), capV);
  full = f64x2.ge(next, end);
  nz = f64x2.ne(m2, zero);
  above = f64x2.gt(target, tau);
  live = v128.and(active, f64x2.gt(g, zero));
  run = v128.and(live, v128.and(nz, above));
  let o2 = v128.bitselect(v128.andnot(f64x2.sub(m2, f64x2.sub(next, tau)), full), m2, run);
  tau = v128.bitselect(next, tau, run);
  let o3 = m3;
  // b: the first position whose key is the best (keys ascend, so the equal ones end the order).
  const e0 = f64x2.eq(k0, best);
  const e1 = f64x2.eq(k1, best);
  const e2 = f64x2.eq(k2, best);
  o0 = v128.bitselect(f64x2.add(o0, tau), o0, e0);
  o1 = v128.bitselect(f64x2.add(o1, tau), o1, v128.andnot(e1, e0));
  o2 = v128.bitselect(f64x2.add(o2, tau), o2, v128.andnot(e2, e1));
  o3 = v128.bitselect(o3, f64x2.add(o3, tau), e2);
  // Undo the network: its comparators in reverse order with the same swaps.
  t = v128.bitselect(o2, o1, w12);
  o2 = v128.bitselect(o1, o2, w12);
  o1 = t;
  t = v128.bitselect(o3, o1, w13);
  o3 = v128.bitselect(o1, o3, w13);
  o1 = t;
  t = v128.bitselect(o2, o0, w02);
  o2 = v128.bitselect(o0, o2, w02);
  o0 = t;
  t = v128.bitselect(o3, o2, w23);
  o3 = v128.bitselect(o2, o3, w23);
  o2 = t;
  t = v128.bitselect(o1, o0, w01);
  o1 = v128.bitselect(o0, o1, w01);
  o0 = t;
  v128.store(or, lo2(o0, o1));
  v128.store(or, lo2(o2, o3), 16);
  v128.store(or, hi2(o0, o1), 32);
  v128.store(or, hi2(o2, o3), 48);
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
