/** Shared data for the unit tests of the Mirror Learning instances (src/instances). */
import { Rng } from "../../src/core/rng.js";

/** A softmax policy with logits temperature * N(0, 1) (full support). */
export function softmaxRandom(rng: Rng, S: number, A: number, temperature = 1): Float64Array {
  const p = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) z += p[s * A + a] = Math.exp(temperature * rng.normal());
    for (let a = 0; a < A; a++) p[s * A + a] /= z;
  }
  return p;
}

/** pi_old exp(eta x) / Z per state, computed directly (max-shifted), as an independent reference. */
export function tiltedPolicy(pi: Float64Array, x: Float64Array, eta: number, S: number, A: number): Float64Array {
  const out = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, eta * x[s * A + a]);
    let z = 0;
    for (let a = 0; a < A; a++) z += out[s * A + a] = pi[s * A + a] * Math.exp(eta * x[s * A + a] - m);
    for (let a = 0; a < A; a++) out[s * A + a] /= z;
  }
  return out;
}

/** max_i |x_i - y_i|. */
export function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

export { Rng };
