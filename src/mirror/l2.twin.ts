/** Plain-TypeScript twin of assembly/mirror/l2.ts (Michelot's projection onto the simplex). */

/** Twin of mirrorL2Solve{Simd,Scalar}: Proj_simplex(pi_s + A_s / (2 coef[s])) per state. */
export function l2SolveTwin(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const c = coef[s];
    if (c === Infinity) {
      for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
      continue;
    }
    const h = 0.5 / c;
    let total = 0;
    let finite = c > 0 && h < Infinity;
    for (let a = 0; a < A && finite; a++) {
      const y = pi[base + a] + h * adv[base + a];
      if (!(Math.abs(y) < Infinity)) finite = false;
      out[base + a] = y;
      total += y;
    }
    if (!finite) {
      let b = 0;
      let best = -Infinity;
      for (let a = 0; a < A; a++) {
        if (adv[base + a] > best) {
          best = adv[base + a];
          b = a;
        }
      }
      for (let a = 0; a < A; a++) out[base + a] = a === b ? 1 : 0;
      continue;
    }
    let count = A;
    let theta = (total - 1) / A;
    for (let it = 0; it <= A; it++) {
      let sum = 0;
      let k = 0;
      for (let a = 0; a < A; a++) {
        const y = out[base + a];
        if (y > theta) {
          sum += y;
          k++;
        }
      }
      if (k === count) break;
      count = k;
      theta = (sum - 1) / k;
    }
    for (let a = 0; a < A; a++) out[base + a] = Math.max(out[base + a] - theta, 0);
  }
  return out;
}
