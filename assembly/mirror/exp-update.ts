// The exponential (mirror-descent / NPG) policy update, per state, in log space.
// Plain-TypeScript twin: src/mirror/exp-update.twin.ts.
import { expNegS, expNegV, hmax, hsum, logS, logV, negInfV } from "./math";

// Second result of expRowA (the row's max logit): a global keeps it allocation-free.
let rowMax: f64 = 0;

/**
 * First half of one state's update: z = logPi + k adv into lo, e = exp(z - max z)
 * into o; returns sum e (>= 1) and leaves max z in rowMax.
 */
// @ts-ignore: decorator
@inline function expRowA(l: usize, q: usize, lo: usize, o: usize, k: f64, A: i32): f64 {
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
  let m = hmax(mv);
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const z = load<f64>(l + off) + k * load<f64>(q + off);
    store<f64>(lo + off, z);
    if (z > m) m = z;
  }
  const mm = f64x2.splat(m);
  let sv = f64x2.splat(0);
  a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    const e = expNegV(f64x2.sub(v128.load(lo + off), mm));
    v128.store(o + off, e);
    sv = f64x2.add(sv, e);
  }
  let sum = hsum(sv);
  for (; a < A; a++) {
    const off = <usize>a << 3;
    const e = expNegS(load<f64>(lo + off) - m);
    store<f64>(o + off, e);
    sum += e;
  }
  rowMax = m;
  return sum;
}

/**
 * Second half: logOut = (z - m) - log sum, out = e / sum (as e * (1/sum): one
 * division per state). Not z - (m + log sum): with |m| large (eta A ~ 1e8)
 * m + log sum rounds to m's ulp (~1e-8), and the row's exp would miss 1 by that.
 */
// @ts-ignore: decorator
@inline function expRowB(lo: usize, o: usize, m: f64, ls: f64, inv: f64, A: i32): void {
  const mv = f64x2.splat(m);
  const lsv = f64x2.splat(ls);
  const iv = f64x2.splat(inv);
  let a = 0;
  for (; a + 2 <= A; a += 2) {
    const off = <usize>a << 3;
    v128.store(lo + off, f64x2.sub(f64x2.sub(v128.load(lo + off), mv), lsv));
    v128.store(o + off, f64x2.mul(v128.load(o + off), iv));
  }
  for (; a < A; a++) {
    const off = <usize>a << 3;
    store<f64>(lo + off, load<f64>(lo + off) - m - ls);
    store<f64>(o + off, load<f64>(o + off) * inv);
  }
}

/**
 * Exponential update of every state, computed in log space:
 *   z[s,a] = logPi[s,a] + coef[s] * adv[s,a],
 *   logOut[s,a] = z[s,a] - log sum_b exp z[s,b],   out[s,a] = exp logOut[s,a].
 * This is the closed-form argmax of <p, adv_s> - KL(p || pi_s) / coef[s]
 * (policy mirror descent with the negative-entropy map; Xiao 2022, Alfano et
 * al. 2023). logOut never underflows: probabilities below the smallest normal
 * double (2.2e-308) flush to 0, their logs stay finite. logPi may hold -inf (actions outside the support stay there).
 * States go in pairs so that their two log-sum-exp logarithms share one
 * vector log (the per-state scalar log was a third of the time at A = 4).
 * logPi, adv, out, logOut: S*A f64 (index s*A + a); coef: S f64, finite.
 * Each row of logPi must have a finite entry. out/logOut may alias nothing else.
 */
export function mirrorExpUpdateSimd(
  logPi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, logOut: usize,
): void {
  const rowBytes = <usize>A << 3;
  let s = 0;
  for (; s + 2 <= S; s += 2) {
    const b0 = <usize>s * rowBytes;
    const b1 = b0 + rowBytes;
    const sum0 = expRowA(logPi + b0, adv + b0, logOut + b0, out + b0, load<f64>(coef + (<usize>s << 3)), A);
    const m0 = rowMax;
    const sum1 = expRowA(logPi + b1, adv + b1, logOut + b1, out + b1, load<f64>(coef + (<usize>s << 3), 8), A);
    const m1 = rowMax;
    const lv = logV(f64x2.replace_lane(f64x2.splat(sum0), 1, sum1));
    expRowB(logOut + b0, out + b0, m0, f64x2.extract_lane(lv, 0), 1.0 / sum0, A);
    expRowB(logOut + b1, out + b1, m1, f64x2.extract_lane(lv, 1), 1.0 / sum1, A);
  }
  if (s < S) {
    const b0 = <usize>s * rowBytes;
    const sum0 = expRowA(logPi + b0, adv + b0, logOut + b0, out + b0, load<f64>(coef + (<usize>s << 3)), A);
    expRowB(logOut + b0, out + b0, rowMax, logS(sum0), 1.0 / sum0, A);
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
    const ls = logS(sum);
    const inv = 1.0 / sum;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      store<f64>(logOut + off, load<f64>(logOut + off) - m - ls);
      store<f64>(out + off, load<f64>(out + off) * inv);
    }
  }
}

/** out[i] = log x[i] for x[i] >= 0 (log 0 = -inf); n >= 0 entries. */
export function mirrorLogSimd(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, logV(v128.load(x + off)));
  }
  for (; i < n; i++) {
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
 * The check of a log-policy against its policy, in one pass:
 *   rowSum[s] = sum_a exp logPi[s,a],   returns max_{s,a} |exp logPi[s,a] - pi[s,a]|.
 * logPi: S*A f64, each <= 0 or -inf (checked by the caller; exp(-inf) = 0);
 * pi: S*A f64; rowSum: S f64.
 */
export function mirrorLogPolicyCheckSimd(logPi: usize, pi: usize, S: i32, A: i32, rowSum: usize): f64 {
  const rowBytes = <usize>A << 3;
  let worst = f64x2.splat(0);
  let worstTail = 0.0;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let sv = f64x2.splat(0);
    let a = 0;
    for (; a + 2 <= A; a += 2) {
      const off = base + (<usize>a << 3);
      const e = expNegV(v128.load(logPi + off));
      sv = f64x2.add(sv, e);
      worst = f64x2.pmax(worst, f64x2.abs(f64x2.sub(e, v128.load(pi + off))));
    }
    let sum = hsum(sv);
    for (; a < A; a++) {
      const off = base + (<usize>a << 3);
      const e = expNegS(load<f64>(logPi + off));
      sum += e;
      worstTail = max(worstTail, abs(e - load<f64>(pi + off)));
    }
    store<f64>(rowSum + (<usize>s << 3), sum);
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
      const e = expNegS(load<f64>(logPi + off));
      sum += e;
      worst = max(worst, abs(e - load<f64>(pi + off)));
    }
    store<f64>(rowSum + (<usize>s << 3), sum);
  }
  return worst;
}
