// The exponential (mirror-descent / NPG) policy update, per state, in log space.
// Plain-TypeScript twin: src/mirror/exp-update.twin.ts.
import { expS, expV, hmax, hsum, logS, logV, negInfV } from "./math";

/**
 * Exponential update of every state, computed in log space:
 *   z[s,a] = logPi[s,a] + coef[s] * adv[s,a],
 *   logOut[s,a] = z[s,a] - log sum_b exp z[s,b],   out[s,a] = exp logOut[s,a].
 * This is the closed-form argmax of <p, adv_s> - KL(p || pi_s) / coef[s]
 * (policy mirror descent with the negative-entropy map; Xiao 2022, Alfano et
 * al. 2023). logOut never underflows: probabilities may round to 0, their logs
 * stay finite. logPi may hold -inf (actions outside the support stay there).
 * logPi, adv, out, logOut: S*A f64 (index s*A + a); coef: S f64, finite.
 * Each row of logPi must have a finite entry. out/logOut may alias nothing else.
 */
export function mirrorExpUpdateSimd(
  logPi: usize, adv: usize, coef: usize, S: i32, A: i32, out: usize, logOut: usize,
): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    const l = logPi + base;
    const q = adv + base;
    const lo = logOut + base;
    const o = out + base;
    const k = load<f64>(coef + (<usize>s << 3));
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
      const e = expV(f64x2.sub(v128.load(lo + off), mm));
      v128.store(o + off, e);
      sv = f64x2.add(sv, e);
    }
    let sum = hsum(sv);
    for (; a < A; a++) {
      const off = <usize>a << 3;
      const e = expS(load<f64>(lo + off) - m);
      store<f64>(o + off, e);
      sum += e;
    }
    const lz = m + logS(sum);
    const lzv = f64x2.splat(lz);
    // One division per state; sum is in [1, A], so 1/sum loses nothing that matters.
    const inv = 1.0 / sum;
    const zv = f64x2.splat(inv);
    a = 0;
    for (; a + 2 <= A; a += 2) {
      const off = <usize>a << 3;
      v128.store(lo + off, f64x2.sub(v128.load(lo + off), lzv));
      v128.store(o + off, f64x2.mul(v128.load(o + off), zv));
    }
    for (; a < A; a++) {
      const off = <usize>a << 3;
      store<f64>(lo + off, load<f64>(lo + off) - lz);
      store<f64>(o + off, load<f64>(o + off) * inv);
    }
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
      const e = expS(load<f64>(logOut + off) - m);
      store<f64>(out + off, e);
      sum += e;
    }
    const lz = m + logS(sum);
    const inv = 1.0 / sum;
    for (let a = 0; a < A; a++) {
      const off = base + (<usize>a << 3);
      store<f64>(logOut + off, load<f64>(logOut + off) - lz);
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
