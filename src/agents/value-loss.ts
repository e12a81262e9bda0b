/**
 * The critic's loss as SB3 computes it: mean squared error between the value
 * targets R (GAE returns) and the prediction, where the prediction may be
 * clipped around the rollout's value (SB3's clip_range_vf; not CleanRL's
 * max of clipped and unclipped errors):
 *
 *   v' = vOld + clip(v - vOld, -c, c)  (or v' = v),   loss = mean((R - v')^2)
 *
 * Writes d(vfCoef * loss)/dv per row into dValues; plain arithmetic only, so
 * the bits are the same in every engine.
 */
export function valueLossInto(
  values: Float32Array, returns: ArrayLike<number>, oldValues: ArrayLike<number>, rows: number,
  clipVf: number | undefined, vfCoef: number, dValues: Float32Array,
): number {
  let sum = 0;
  const scale = (2 * vfCoef) / rows;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    let pred = v;
    let live = 1;
    if (clipVf !== undefined) {
      const dv = v - oldValues[r];
      if (dv > clipVf) { pred = oldValues[r] + clipVf; live = 0; }
      else if (dv < -clipVf) { pred = oldValues[r] - clipVf; live = 0; }
    }
    const diff = pred - returns[r];
    sum += diff * diff;
    dValues[r] = live * scale * diff;
  }
  return sum / rows;
}

/** 1 - Var(R - V) / Var(R) (SB3's explained_variance; NaN when Var(R) = 0). */
export function explainedVariance(pred: ArrayLike<number>, target: ArrayLike<number>, n = target.length): number {
  let mt = 0, md = 0;
  for (let i = 0; i < n; i++) { mt += target[i]; md += target[i] - pred[i]; }
  mt /= n; md /= n;
  let vt = 0, vd = 0;
  for (let i = 0; i < n; i++) {
    vt += (target[i] - mt) ** 2;
    const d = target[i] - pred[i] - md;
    vd += d * d;
  }
  return vt === 0 ? NaN : 1 - vd / vt;
}
