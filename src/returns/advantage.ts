/**
 * Advantage normalisation as SB3 does it per minibatch:
 *   A' = (A - mean(A)) / (std(A) + 1e-8)
 * with torch's unbiased std (divisor n - 1); a single advantage is left as is
 * (SB3 skips normalisation when the batch has one element).
 */
export function normalizeAdvantages<T extends Float32Array | Float64Array>(adv: ArrayLike<number>, out: T, n = adv.length): T {
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
