/**
 * Plain-TypeScript twins of assembly/mirror/kl.ts, and the accurate per-action
 * KL term used across the mirror module.
 */

const SQRT2 = Math.SQRT2;
const SQRT1_2 = Math.SQRT1_2;

/**
 * phi(r) = r - 1 - log r >= 0, the per-action term of KL: near r = 1 through
 * u v - 2 v^3 (1/3 + v^2/5 + ...), u = r - 1, v = u / (2 + u) (the series of
 * 2 atanh v), which avoids the cancellation of the direct formula.
 */
export function phi(r: number): number {
  const u = r - 1;
  if (r >= SQRT1_2 && r <= SQRT2) {
    const v = u / (u + 2);
    const w = v * v;
    let q = 1 / 21;
    for (let k = 19; k >= 3; k -= 2) q = q * w + 1 / k;
    return u * v - 2 * v * w * q;
  }
  return u - Math.log(r);
}

/**
 * One action's term of KL(q || p) in the generalised form q log(q/p) - q + p:
 * q phi(p/q) for q > 0, p for q = 0 (and +inf for p = 0 < q).
 */
export function klTerm(q: number, p: number): number {
  if (q === 0) return p;
  const r = p / q;
  if (r === Infinity) return p - q - q * (Math.log(p) - Math.log(q));
  return q * phi(r);
}

/** KL(first_s || second_s) of one state s, rows at offset s*A (generalised form, non-negative terms). */
export function klRow(first: ArrayLike<number>, second: ArrayLike<number>, s: number, A: number): number {
  let sum = 0;
  const base = s * A;
  for (let a = 0; a < A; a++) sum += klTerm(first[base + a], second[base + a]);
  return sum;
}

/** TV(p_s, q_s) = 1/2 sum_a |p - q| of one state. */
export function tvRow(p: ArrayLike<number>, q: ArrayLike<number>, s: number, A: number): number {
  let sum = 0;
  const base = s * A;
  for (let a = 0; a < A; a++) sum += Math.abs(p[base + a] - q[base + a]);
  return 0.5 * sum;
}

/** Twin of mirrorKl{Simd,Scalar}: out[s] = KL(first_s || second_s). */
export function perStateKlTwin(first: Float64Array, second: Float64Array, S: number, A: number, out = new Float64Array(S)): Float64Array {
  for (let s = 0; s < S; s++) out[s] = klRow(first, second, s, A);
  return out;
}

/** Twin of mirrorTv{Simd,Scalar}: out[s] = TV(p_s, q_s). */
export function perStateTvTwin(p: Float64Array, q: Float64Array, S: number, A: number, out = new Float64Array(S)): Float64Array {
  for (let s = 0; s < S; s++) out[s] = tvRow(p, q, s, A);
  return out;
}
