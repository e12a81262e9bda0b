/** Seeded random policies for the identity tests. */
import { Rng } from "../../src/core/rng.js";

/**
 * A random policy: each state's row is one-hot (probability `deterministic`)
 * or a random point of the simplex with some exact zeros, so that both the
 * one-row and the mixed-row paths of the kernels are exercised.
 */
export function randomPolicy(rng: Rng, S: number, A: number, deterministic = 0.3): Float64Array {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    if (rng.random() < deterministic) {
      pi[s * A + rng.int(A)] = 1;
      continue;
    }
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const w = rng.random() < 0.2 ? 0 : -Math.log(1 - rng.random());
      pi[s * A + a] = w;
      sum += w;
    }
    if (sum === 0) {
      pi[s * A] = 1;
      sum = 1;
    }
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`lengths ${x.length} and ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
