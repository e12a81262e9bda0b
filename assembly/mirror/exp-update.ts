// The exponential (mirror-descent / NPG) policy update, per state, in log space.
// Plain-TypeScript twin: src/mirror/kernels/exp-update.twin.ts.
// Over 400 lines on purpose: the exponential step, its log-policy check and
// their scalar twins share the row helpers that keep them bit-identical.
import { expCheckS, expCheckV, expNegS, expNegV, hmax, hsum, logPipelinedV, normalV, logNormS, logNormV, logS, logV, negInfV } from "./math";

/** z = logPi + k adv of one row into lo; returns the row's maximum per lane (an odd last action in both). */
// @ts-ignore: decorator
@inline function logitsRow(l: usize, q: usize, lo: usize, k: f64, A: i32): v128 {
  const kv = f64x2.splat(k);
  // pmax: z is finite or -inf, never NaN, so the cheap max is exact.
  let mv = negInfV();
  let a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    const z = f64x2.add(v128.load(l + off), f64x2.mul(kv, v128.load(q + off)));
    v128.store(lo + off, z);
    mv = f64x2.pmax(mv, z);
  }
  if (A & 1) {
    const off = <usize>a << 3;
    const z = load<f64>(l + off) + k * load<f64>(q + off);
    store<f64>(lo + off, z);
    mv = f64x2.pmax(mv, f64x2.splat(z));
  }
  return mv;
}

/** e = exp(z - m) of one row into o (m in both lanes of mv); returns the sum per lane. */
// @ts-ignore: decorator
@inline function expRow(lo: usize, o: usize, mv: v128, A: i32): v128 {
  let sv = f64x2.splat(0);
  let a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    const e = expNegV(f64x2.sub(v128.load(lo + off), mv));
    v128.store(o + off, e);
    sv = f64x2.add(sv, e);
  }
  if (A & 1) {
    const off = <usize>a << 3;
    const e = expNegS(load<f64>(lo + off) - f64x2.extract_lane(mv, 0));
    store<f64>(o + off, e);
    sv = f64x2.add(sv, f64x2.replace_lane(f64x2.splat(0), 0, e));
  }
  return sv;
}

/**
 * logOut = (z - m) - log sum, out = e / sum (as e * (1/sum)); m, log sum and
 * 1/sum in both lanes. Not z - (m + log sum): with |m| large (eta A ~ 1e8)
 * m + log sum rounds to m's ulp (~1e-8), and the row's exp would miss 1 by that.
 */
// @ts-ignore: decorator
@inline function normaliseRow(lo: usize, o: usize, mv: v128, lsv: v128, iv: v128, A: i32): void {
  let a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    v128.store(lo + off, f64x2.sub(f64x2.sub(v128.load(lo + off), mv), lsv));
    v128.store(o + off, f64x2.mul(v128.load(o + off), iv));
  }
  if (A & 1) {
    const off = <usize>a << 3;
    store<f64>(lo + off, load<f64>(lo + off) - f64x2.extract_lane(mv, 0) - f64x2.extract_lane(lsv, 0));
    store<f64>(o + off, load<f64>(o + off) * f64x2.extract_lane(iv, 0));
  }
}

/** Every one of the 16 entries at x is a positive normal finite double (x >= 0, never NaN: least and largest tested). */
// @ts-ignore: decorator
@inline function allNormal16(x: usize): bool {
  let mn = v128.load(x);
  let mx = mn;
  for (let j: usize = 16; j < 128; j += 16) {
    const v = v128.load(x + j);
    mn = f64x2.pmin(mn, v);
    mx = f64x2.pmax(mx, v);
  }
  return i64x2.all_true(v128.and(normalV(mn), normalV(mx)));
}

/** Lane i of x in both lanes. */
// @ts-ignore: decorator
@inline function lane0(x: v128): v128 {
  return v128.shuffle<u64>(x, x, 0, 0);
}

// @ts-ignore: decorator
@inline function lane1(x: v128): v128 {
  return v128.shuffle<u64>(x, x, 1, 1);
}

/** States s, s+1 of four actions: d = z - m into logOut (z = logPi + coef adv, m the row's max). */
// @ts-ignore: decorator
@inline function shiftPair4(logPi: usize, adv: usize, coef: usize, s: i32, logOut: usize): void {
  const b = <usize>s << 5;
  const k0 = f64x2.splat(load<f64>(coef + (<usize>s << 3)));
  const k1 = f64x2.splat(load<f64>(coef + (<usize>s << 3), 8));
  const z00 = f64x2.add(v128.load(logPi + b), f64x2.mul(k0, v128.load(adv + b)));
  const z01 = f64x2.add(v128.load(logPi + b, 16), f64x2.mul(k0, v128.load(adv + b, 16)));
  const z10 = f64x2.add(v128.load(logPi + b, 32), f64x2.mul(k1, v128.load(adv + b, 32)));
  const z11 = f64x2.add(v128.load(logPi + b, 48), f64x2.mul(k1, v128.load(adv + b, 48)));
  const m0 = f64x2.pmax(z00, z01);
  const m1 = f64x2.pmax(z10, z11);
  const m = f64x2.pmax(v128.shuffle<u64>(m0, m1, 0, 2), v128.shuffle<u64>(m0, m1, 1, 3));
  const mv0 = lane0(m);
  const mv1 = lane1(m);
  v128.store(logOut + b, f64x2.sub(z00, mv0));
  v128.store(logOut + b, f64x2.sub(z01, mv0), 16);
  v128.store(logOut + b, f64x2.sub(z10, mv1), 32);
  v128.store(logOut + b, f64x2.sub(z11, mv1), 48);
}

/** e = exp(d) of the pair at byte offset b (d in logOut) into out; returns the row sums. */
// @ts-ignore: decorator
@inline function expsPair4(b: usize, out: usize, logOut: usize): v128 {
  const e00 = expNegV(v128.load(logOut + b));
  const e01 = expNegV(v128.load(logOut + b, 16));
  const e10 = expNegV(v128.load(logOut + b, 32));
  const e11 = expNegV(v128.load(logOut + b, 48));
  v128.store(out + b, e00);
  v128.store(out + b, e01, 16);
  v128.store(out + b, e10, 32);
  v128.store(out + b, e11, 48);
  const r0 = f64x2.add(e00, e01);
  const r1 = f64x2.add(e10, e11);
  return f64x2.add(v128.shuffle<u64>(r0, r1, 0, 2), v128.shuffle<u64>(r0, r1, 1, 3));
}

/** The pair at byte offset b after shiftPair4 and expsPair4: logOut = d - log sum, out = e * (1/sum). */
// @ts-ignore: decorator
@inline function finishPair4(b: usize, sum: v128, one: v128, out: usize, logOut: usize): void {
  const ls = logNormV(sum);
  const inv = f64x2.div(one, sum);
  const ls0 = lane0(ls);
  const ls1 = lane1(ls);
  v128.store(logOut + b, f64x2.sub(v128.load(logOut + b), ls0));
  v128.store(logOut + b, f64x2.sub(v128.load(logOut + b, 16), ls0), 16);
  v128.store(logOut + b, f64x2.sub(v128.load(logOut + b, 32), ls1), 32);
  v128.store(logOut + b, f64x2.sub(v128.load(logOut + b, 48), ls1), 48);
  const i0 = lane0(inv);
  const i1 = lane1(inv);
  v128.store(out + b, f64x2.mul(v128.load(out + b), i0));
  v128.store(out + b, f64x2.mul(v128.load(out + b, 16), i0), 16);
  v128.store(out + b, f64x2.mul(v128.load(out + b, 32), i1), 32);
  v128.store(out + b, f64x2.mul(v128.load(out + b, 48), i1), 48);
}

/** z rows of states s, s+1 (at byte offset b, b + rowBytes) into logOut; returns their maxima (lane = state). */
// @ts-ignore: decorator
@inline function logitsPair(logPi: usize, adv: usize, coef: usize, b: usize, rowBytes: usize, s: i32, A: i32, logOut: usize): v128 {
  const b1 = b + rowBytes;
  const m0 = logitsRow(logPi + b, adv + b, logOut + b, load<f64>(coef + (<usize>s << 3)), A);
  const m1 = logitsRow(logPi + b1, adv + b1, logOut + b1, load<f64>(coef + (<usize>s << 3), 8), A);
  return f64x2.pmax(v128.shuffle<u64>(m0, m1, 0, 2), v128.shuffle<u64>(m0, m1, 1, 3));
}

/** e = exp(z - m) of the pair's rows into out; returns their sums (lane = state). */
// @ts-ignore: decorator
@inline function expPair(b: usize, rowBytes: usize, m: v128, A: i32, out: usize, logOut: usize): v128 {
  const b1 = b + rowBytes;
  const e0 = expRow(logOut + b, out + b, lane0(m), A);
  const e1 = expRow(logOut + b1, out + b1, lane1(m), A);
  return f64x2.add(v128.shuffle<u64>(e0, e1, 0, 2), v128.shuffle<u64>(e0, e1, 1, 3));
}

/** The pair's final rows: logOut = (z - m) - log sum, out = e * (1/sum). */
// @ts-ignore: decorator
@inline function finishPair(b: usize, rowBytes: usize, m: v128, sum: v128, one: v128, A: i32, out: usize, logOut: usize): void {
  const b1 = b + rowBytes;
  const ls = logNormV(sum); // sum >= 1: a normal double
  const inv = f64x2.div(one, sum);
  normaliseRow(logOut + b, out + b, lane0(m), lane0(ls), lane0(inv), A);
  normaliseRow(logOut + b1, out + b1, lane1(m), lane1(ls), lane1(inv), A);
}

/**
 * Exponential update of every state, computed in log space:
 *   z[s,a] = logPi[s,a] + coef[s] * adv[s,a],
 *   logOut[s,a] = z[s,a] - log sum_b exp z[s,b],   out[s,a] = exp logOut[s,a].
 * This is the closed-form argmax of <p, adv_s> - KL(p || pi_s) / coef[s]
 * (policy mirror descent with the negative-entropy map; Xiao 2022, Alfano et
 * al. 2023). logOut never underflows: probabilities below the smallest normal
 * double (2.2e-308) flush to 0, their logs stay finite. logPi may hold -inf (actions outside the support stay there).
 * States go in pairs, one per lane of their maxima, sums, logs and inverses:
 * no horizontal reduction or scalar log per state (those were a third of the
 * time at A = 4), one vector log and one vector division per two states.
 * logPi, adv, out, logOut: S*A f64 (index s*A + a); coef: S f64, finite.
 * Each row of logPi must have a finite entry. out/logOut may alias nothing else.
 */
export function mirrorExpUpdateSimd(
  logPi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, logOut: usize,
): void {
  const rowBytes = <usize>A << 3;
  const one = f64x2.splat(1.0);
  let s = 0;
  if (A == 4 && S >= 2) {
    // Two states per step, software-pipelined: this pair's z - m goes to
    // logOut, then the previous pair's log sum, 1/sum and final rows run,
    // then this pair's exps (into out, its row sums carried): two independent
    // chains per step, in the order V8 keeps (the log after the exps was a
    // long dependent tail per pair). Measured against no pipelining: 9%
    // faster in this order, 5% with the finish after the exps, 2% slower
    // with it before everything.
    shiftPair4(logPi, adv, coef, 0, logOut);
    let sum = expsPair4(0, out, logOut);
    for (s = 2; s + 2 <= S; s += 2) {
      shiftPair4(logPi, adv, coef, s, logOut);
      finishPair4(<usize>(s - 2) << 5, sum, one, out, logOut);
      sum = expsPair4(<usize>s << 5, out, logOut);
    }
    finishPair4(<usize>(s - 2) << 5, sum, one, out, logOut);
  }
  if (s + 2 <= S) {
    // Other A: pairs software-pipelined as above (this pair's logits, the
    // previous pair's log sum, 1/sum and normalisation, this pair's exps;
    // 4-6% at A = 40).
    let mPrev = logitsPair(logPi, adv, coef, <usize>s * rowBytes, rowBytes, s, A, logOut);
    let sumPrev = expPair(<usize>s * rowBytes, rowBytes, mPrev, A, out, logOut);
    for (s += 2; s + 2 <= S; s += 2) {
      const b = <usize>s * rowBytes;
      const m = logitsPair(logPi, adv, coef, b, rowBytes, s, A, logOut);
      finishPair(b - 2 * rowBytes, rowBytes, mPrev, sumPrev, one, A, out, logOut);
      sumPrev = expPair(b, rowBytes, m, A, out, logOut);
      mPrev = m;
    }
    finishPair(<usize>(s - 2) * rowBytes, rowBytes, mPrev, sumPrev, one, A, out, logOut);
  }
  if (s < S) {
    const b0 = <usize>s * rowBytes;
    const m0 = logitsRow(logPi + b0, adv + b0, logOut + b0, load<f64>(coef + (<usize>s << 3)), A);
    const mv = f64x2.pmax(m0, v128.shuffle<u64>(m0, m0, 1, 0));
    const e0 = expRow(logOut + b0, out + b0, mv, A);
    const sum = f64x2.add(e0, v128.shuffle<u64>(e0, e0, 1, 0));
    normaliseRow(logOut + b0, out + b0, mv, logNormV(sum), f64x2.div(one, sum), A);
  }
}

/** Exponential update in log space, scalar twin of mirrorExpUpdateSimd. */
export function mirrorExpUpdateScalar(
  logPi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, logOut: usize,
): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const k = load<f64>(coef + (<usize>s << 3));
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      const z = load<f64>(logPi + off) + k * load<f64>(adv + off);
      store<f64>(logOut + off, z);
      if (z > m) m = z;
    }
    let sum = 0.0;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      const e = expNegS(load<f64>(logOut + off) - m);
      store<f64>(out + off, e);
      sum += e;
    }
    const ls = logNormS(sum);
    const inv = 1.0 / sum;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      store<f64>(logOut + off, load<f64>(logOut + off) - m - ls);
      store<f64>(out + off, load<f64>(out + off) * inv);
    }
  }
}

/**
 * out[i] = log x[i] for x[i] >= 0 (log 0 = -inf, log +inf = +inf); n >= 0
 * entries; out may be x itself. Blocks of 16 entries pass one range test (their
 * least and largest entries) and go through the software-pipelined logPipelinedV;
 * a block holding 0, a subnormal or +inf takes logV's per-lane path, pair by pair.
 */
export function mirrorLogSimd(x: usize, n: i32, out: usize): void {
  // In place is safe: each pair is stored after its own load and before no later pair's.
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const off = <usize>i << 3;
    if (allNormal16(x + off)) {
      logPipelinedV(x + off, out + off, 8);
    } else {
      for (let j = 0; j < 16; j += 2) v128.store(out + off + (<usize>j << 3), logV(v128.load(x + off + (<usize>j << 3))));
    }
  }
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, logV(v128.load(x + off)));
  }
  if (i < n) {
    const off = <usize>i << 3;
    store<f64>(out + off, logS(load<f64>(x + off)));
  }
}

/** out[i] = log x[i], scalar twin of mirrorLogSimd. */
export function mirrorLogScalar(x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, logS(load<f64>(x + off)));
  }
}

/**
 * out[i] = exp x[i] for x[i] <= 0 or -inf (probabilities from log-probabilities;
 * the inverse of mirrorLogSimd), with the exp of mirrorExpUpdateSimd (expNegV,
 * within 0.51 ulp; below e^-708.39 flushed to 0). n >= 0 entries; out may be x itself.
 */
export function mirrorExpSimd(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, expNegV(v128.load(x + off)));
  }
  if (i < n) {
    const off = <usize>i << 3;
    store<f64>(out + off, expNegS(load<f64>(x + off)));
  }
}

/** out[i] = exp x[i], scalar twin of mirrorExpSimd. */
export function mirrorExpScalar(x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, expNegS(load<f64>(x + off)));
  }
}

/**
 * The check of a log-policy against its policy, in one pass:
 *   rowSum[s] = sum_a exp logPi[s,a],   returns max_{s,a} |exp logPi[s,a] - pi[s,a]|.
 * exp is the check's short one (expCheckV, relative error < 2.5e-12): the caller
 * compares both to 1e-9, so it decides as exact exps would except within 2.5e-12
 * of that tolerance, and the exps were the kernel's time (1.4x faster than with
 * expNegV's 0.51 ulp).
 * logPi: S*A f64, each <= 0 or -inf (checked by the caller; exp(-inf) = 0);
 * pi: S*A f64; rowSum: S f64. States go in pairs, one per lane of the row sums
 * (for A = 4 two whole states per step, 10% faster there). Unrolling the row
 * loop or hoisting the exp constants out of it did not help at A = 40: V8
 * spills the extra vectors.
 */
export function mirrorLogPolicyCheckSimd(logPi: usize, pi: usize, S: i32, A: i32, rowSum: usize): f64 {
  const rowBytes = <usize>A << 3;
  const even = <usize>(A & ~1) << 3;
  let worst = f64x2.splat(0);
  let worstTail = 0.0;
  let s = 0;
  if (A == 4) {
    // Two states in registers per step: no inner loop, one store of both sums.
    for (; s + 2 <= S; s += 2) {
      const b = <usize>s << 5;
      const e00 = expCheckV(v128.load(logPi + b));
      const e01 = expCheckV(v128.load(logPi + b, 16));
      const e10 = expCheckV(v128.load(logPi + b, 32));
      const e11 = expCheckV(v128.load(logPi + b, 48));
      const d0 = f64x2.pmax(f64x2.abs(f64x2.sub(e00, v128.load(pi + b))), f64x2.abs(f64x2.sub(e01, v128.load(pi + b, 16))));
      const d1 = f64x2.pmax(f64x2.abs(f64x2.sub(e10, v128.load(pi + b, 32))), f64x2.abs(f64x2.sub(e11, v128.load(pi + b, 48))));
      worst = f64x2.pmax(worst, f64x2.pmax(d0, d1));
      const r0 = f64x2.add(e00, e01);
      const r1 = f64x2.add(e10, e11);
      v128.store(rowSum + (<usize>s << 3), f64x2.add(v128.shuffle<u64>(r0, r1, 0, 2), v128.shuffle<u64>(r0, r1, 1, 3)));
    }
  }
  let sv = f64x2.splat(0);
  let tail0 = 0.0;
  for (; s < S; s++) {
    // Row s into a vector sum; every odd row completes a pair of row sums.
    const base = <usize>s * rowBytes;
    let rv = f64x2.splat(0);
    for (let off: usize = 0; off < even; off += 16) {
      const e = expCheckV(v128.load(logPi + base + off));
      rv = f64x2.add(rv, e);
      worst = f64x2.pmax(worst, f64x2.abs(f64x2.sub(e, v128.load(pi + base + off))));
    }
    let tail = 0.0;
    if (A & 1) {
      tail = expCheckS(load<f64>(logPi + base + even));
      worstTail = max(worstTail, abs(tail - load<f64>(pi + base + even)));
    }
    if (s & 1) {
      let sums = f64x2.add(v128.shuffle<u64>(sv, rv, 0, 2), v128.shuffle<u64>(sv, rv, 1, 3));
      if (A & 1) sums = f64x2.add(sums, f64x2.replace_lane(f64x2.splat(tail0), 1, tail));
      v128.store(rowSum + (<usize>(s - 1) << 3), sums);
    } else if (s + 1 < S) {
      sv = rv;
      tail0 = tail;
    } else {
      store<f64>(rowSum + (<usize>s << 3), (f64x2.extract_lane(rv, 0) + f64x2.extract_lane(rv, 1)) + tail);
    }
  }
  return max(hmax(worst), worstTail);
}

/** Scalar twin of mirrorLogPolicyCheckSimd. */
export function mirrorLogPolicyCheckScalar(logPi: usize, pi: usize, S: i32, A: i32, rowSum: usize): f64 {
  const rowBytes = <usize>A << 3;
  let worst = 0.0;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let sum = 0.0;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      const e = expCheckS(load<f64>(logPi + off));
      sum += e;
      worst = max(worst, abs(e - load<f64>(pi + off)));
    }
    store<f64>(rowSum + (<usize>s << 3), sum);
  }
  return worst;
}
