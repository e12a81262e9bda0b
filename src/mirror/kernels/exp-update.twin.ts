/** Plain-TypeScript twins of assembly/mirror/exp-update.ts, for tests and benchmarks. */

/** Twin of mirrorExpUpdate{Simd,Scalar}: log-space exponential update per state. */
export function expUpdateTwin(
  logPi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  out: Float64Array,
  logOut: Float64Array,
): void {
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const k = coef[s];
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const z = logPi[base + a] + k * adv[base + a];
      logOut[base + a] = z;
      if (z > m) m = z;
    }
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const e = Math.exp(logOut[base + a] - m);
      out[base + a] = e;
      sum += e;
    }
    // (z - m) - log sum, not z - (m + log sum): see expRowB in the kernel.
    const ls = Math.log(sum);
    for (let a = 0; a < A; a++) {
      logOut[base + a] = logOut[base + a] - m - ls;
      out[base + a] /= sum;
    }
  }
}

/** Twin of mirrorLog{Simd,Scalar}. */
export function logTwin(x: Float64Array, out = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  return out;
}

/** Twin of mirrorExp{Simd,Scalar}. */
export function expTwin(x: Float64Array, out = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  return out;
}

/**
 * Twin of mirrorLogPolicyCheck{Simd,Scalar}: row sums of exp logPi, and max |exp logPi - pi|.
 * With Math.exp, as a user would write it: the kernels' short exp agrees to 2.5e-12 relative.
 */
export function logPolicyCheckTwin(logPi: Float64Array, pi: Float64Array, S: number, A: number, rowSum: Float64Array): number {
  let worst = 0;
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let i = s * A; i < s * A + A; i++) {
      const e = Math.exp(logPi[i]);
      sum += e;
      worst = Math.max(worst, Math.abs(e - pi[i]));
    }
    rowSum[s] = sum;
  }
  return worst;
}
