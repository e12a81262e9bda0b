/**
 * Plain-TypeScript twin of the gSDE head (assembly/nn/sde.ts and the std
 * transform of src/nn/sde.ts) in double precision, straight from the
 * definitions: s = exp(l) or expln(l), sigma_d(s)^2 = sum_j z_j^2 s_jd^2 +
 * epsilon, log pi = sum_d log N(a_d | mu_d, sigma_d^2), H = sum_d (1/2 + log(2 pi)/2 + log sigma_d),
 * and the gradients of sum_r g_r log pi_r + h_r H_r by the chain rule.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EPSILON = 1e-6;

export interface SdeTwinShape {
  latentDim: number;
  actionDim: number;
  fullStd: boolean;
  useExpln: boolean;
}

/** L x D standard deviations from the log-stds (L x D, or L shared across d). */
export function sdeStdTwin(logStd: ArrayLike<number>, s: SdeTwinShape): Float64Array {
  const { latentDim: L, actionDim: D } = s;
  const out = new Float64Array(L * D);
  for (let j = 0; j < L; j++) {
    for (let d = 0; d < D; d++) {
      const l = logStd[s.fullStd ? j * D + d : j];
      out[j * D + d] = !s.useExpln || l <= 0 ? Math.exp(l) : Math.log1p(l + EPSILON) + 1;
    }
  }
  return out;
}

export interface SdeTwinResult {
  logp: Float64Array;
  entropy: Float64Array;
  sigma: Float64Array;
}

/** Per-row log-density, entropy and sigma (rows x D). */
export function sdeLogProbTwin(
  mean: ArrayLike<number>, latent: ArrayLike<number>, logStd: ArrayLike<number>, actions: ArrayLike<number>, rows: number, s: SdeTwinShape,
): SdeTwinResult {
  const { latentDim: L, actionDim: D } = s;
  const std = sdeStdTwin(logStd, s);
  const logp = new Float64Array(rows);
  const entropy = new Float64Array(rows);
  const sigma = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) {
      let v = EPSILON;
      for (let j = 0; j < L; j++) v += latent[r * L + j] ** 2 * std[j * D + d] ** 2;
      const sg = Math.sqrt(v);
      const u = (actions[r * D + d] - mean[r * D + d]) / sg;
      sigma[r * D + d] = sg;
      logp[r] += -0.5 * u * u - Math.log(sg) - HALF_LOG_2PI;
      entropy[r] += 0.5 + HALF_LOG_2PI + Math.log(sg);
    }
  }
  return { logp, entropy, sigma };
}

export interface SdeTwinGradients {
  dMean: Float64Array;
  dLogStd: Float64Array;
  dLatent: Float64Array;
}

/** Gradients of sum_r g_r log pi_r + h_r H_r with respect to the means, the log-stds and the features. */
export function sdeGradientsTwin(
  mean: ArrayLike<number>, latent: ArrayLike<number>, logStd: ArrayLike<number>, actions: ArrayLike<number>, rows: number, s: SdeTwinShape,
  g: ArrayLike<number>, h: ArrayLike<number>,
): SdeTwinGradients {
  const { latentDim: L, actionDim: D } = s;
  const std = sdeStdTwin(logStd, s);
  const { sigma } = sdeLogProbTwin(mean, latent, logStd, actions, rows, s);
  const dMean = new Float64Array(rows * D);
  const dStd = new Float64Array(L * D);
  const dLatent = new Float64Array(rows * L);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) {
      const sg = sigma[r * D + d];
      const u = (actions[r * D + d] - mean[r * D + d]) / sg;
      dMean[r * D + d] = (g[r] * u) / sg;
      // dL/dvar = (g (u^2 - 1) + h) / (2 var); var = sum_j z_j^2 s_jd^2 + eps.
      const q = (g[r] * (u * u - 1) + h[r]) / (2 * sg * sg);
      for (let j = 0; j < L; j++) {
        const z = latent[r * L + j];
        const sj = std[j * D + d];
        dStd[j * D + d] += q * 2 * z * z * sj;
        dLatent[r * L + j] += q * 2 * z * sj * sj;
      }
    }
  }
  const dLogStd = new Float64Array(s.fullStd ? L * D : L);
  for (let j = 0; j < L; j++) {
    for (let d = 0; d < D; d++) {
      const k = s.fullStd ? j * D + d : j;
      const l = logStd[k];
      const ds = !s.useExpln || l <= 0 ? Math.exp(l) : 1 / (1 + l + EPSILON);
      dLogStd[k] += dStd[j * D + d] * ds;
    }
  }
  return { dMean, dLogStd, dLatent };
}
