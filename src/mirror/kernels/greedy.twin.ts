/** Plain-TypeScript twin of assembly/mirror/greedy.ts. */

/** One-hot rows at argmax_a adv[s*A + a], ties to the lowest index. */
export function greedyTwin(adv: ArrayLike<number>, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) greedyRowTwin(adv, s * A, A, out);
  return out;
}

/** One row of greedyTwin: one-hot at the first maximum of adv[base .. base + A). */
export function greedyRowTwin(adv: ArrayLike<number>, base: number, A: number, out: Float64Array): void {
  const b = argmaxRow(adv, base, A);
  for (let a = 0; a < A; a++) out[base + a] = a === b ? 1 : 0;
}

/** The first a with adv[base + a] maximal (0 when no entry exceeds -inf). */
export function argmaxRow(adv: ArrayLike<number>, base: number, A: number): number {
  let b = 0;
  let best = -Infinity;
  for (let a = 0; a < A; a++) {
    if (adv[base + a] > best) {
      best = adv[base + a];
      b = a;
    }
  }
  return b;
}
