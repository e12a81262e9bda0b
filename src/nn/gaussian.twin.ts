/** Plain-TypeScript twins of assembly/nn/gaussian.ts in double precision. */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log N(a_r | mu_r, diag(exp(2 logStd))) per row. */
export function gaussianLogProbTwin(
  mean: ArrayLike<number>, logStd: ArrayLike<number>, actions: ArrayLike<number>, rows: number,
): Float64Array {
  const D = logStd.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const z = (actions[r * D + d] - mean[r * D + d]) / Math.exp(logStd[d]);
      s += 0.5 * z * z + logStd[d];
    }
    out[r] = -s - D * HALF_LOG_2PI;
  }
  return out;
}

/** KL(P_r || Q_r) per row. */
export function gaussianKlTwin(
  meanP: ArrayLike<number>, logStdP: ArrayLike<number>, meanQ: ArrayLike<number>, logStdQ: ArrayLike<number>,
  rows: number,
): Float64Array {
  const D = logStdP.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const vp = Math.exp(2 * logStdP[d]);
      const vq = Math.exp(2 * logStdQ[d]);
      const diff = meanP[r * D + d] - meanQ[r * D + d];
      s += logStdQ[d] - logStdP[d] + (vp + diff * diff) / (2 * vq) - 0.5;
    }
    out[r] = s;
  }
  return out;
}
