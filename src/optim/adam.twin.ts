/** A hand-written f64 Adam step in PyTorch's formulation: the reference for tests and benchmarks. */

export interface AdamTwinHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  gradScale: number;
}

/** One step t (>= 1) over params, grads, m, v in place (arrays of equal length). */
export function adamStepTwin(
  params: Float64Array | Float32Array, grads: ArrayLike<number>, m: Float64Array | Float32Array,
  v: Float64Array | Float32Array, t: number, h: AdamTwinHyper,
): void {
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = 1 - h.beta2 ** t;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] * h.gradScale + h.weightDecay * params[i];
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g;
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
    const mHat = m[i] / bc1;
    const vHat = v[i] / bc2;
    params[i] -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
  }
}
