import { ValidationError } from "../core/errors.js";
import { isArrayLike, kindOf } from "../core/validate.js";

/**
 * Advantage normalisation as SB3 does it per minibatch:
 *   A' = (A - mean(A)) / (std(A) + 1e-8)
 * with torch's unbiased std (divisor n - 1); a single advantage is left as is
 * (SB3 skips normalisation when the batch has one element).
 */
export function normalizeAdvantages<T extends Float32Array | Float64Array>(adv: ArrayLike<number>, out: T, n?: number): T {
  if (!isArrayLike(adv)) throw new ValidationError("adv", "must be an array of advantages", kindOf(adv));
  n ??= adv.length;
  if (!Number.isInteger(n) || n < 0 || n > adv.length) throw new ValidationError("n", `must be an integer in [0, adv.length = ${adv.length}]`, n);
  if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < n) {
    throw new ValidationError("out", `must be a Float32Array or Float64Array of at least n = ${n} values`, kindOf(out));
  }
  if (n <= 1) {
    for (let i = 0; i < n; i++) out[i] = adv[i];
    return out;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += adv[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const c = adv[i] - mean;
    ss += c * c;
  }
  const denom = Math.sqrt(ss / (n - 1)) + 1e-8;
  for (let i = 0; i < n; i++) out[i] = (adv[i] - mean) / denom;
  return out;
}
