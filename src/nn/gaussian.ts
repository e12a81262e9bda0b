/**
 * Diagonal Gaussian policy head with a state-independent log standard
 * deviation (SB3's and CleanRL's default for continuous actions), on f32 data
 * in WebAssembly memory (kernels in assembly/nn/gaussian.ts). Means and
 * actions are rows x D row-major; logStd is one D-vector (a parameter).
 *
 *   log pi(a) = -sum_d [ (a_d - mu_d)^2 / (2 sigma_d^2) + log sigma_d ] - D log(2 pi) / 2
 *   H = sum_d log sigma_d + D (1 + log 2 pi) / 2
 *   KL(P || Q) = sum_d [ log(sigmaQ/sigmaP) + (sigmaP^2 + (muP - muQ)^2) / (2 sigmaQ^2) - 1/2 ]
 */
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { checkFinite } from "./check.js";
import { checkCount, checkRef, f32View, type F32Ref } from "./tensor.js";
import { expF32 } from "./mathf32.js";
import type { RowValues } from "./categorical.js";

/** log(2 pi) / 2, as a literal: Math.log may differ between engines in the last bit. */
const HALF_LOG_2PI = 0.9189385332046727;

function checkRows(rows: number, actionDim: number): void {
  checkCount("rows", rows);
  checkCount("actionDim", actionDim, 1);
}

function upstream(field: string, g: RowValues, rows: number): [number, number] {
  if (typeof g === "number") {
    if (!Number.isFinite(g)) throw new ValidationError(field, "must be finite", g);
    return [0, g];
  }
  checkRef(field, g, "f32", rows);
  return [g.ptr, 0];
}

export interface GaussianLogProbArgs {
  /** rows x actionDim means. */
  mean: F32Ref;
  /** actionDim log standard deviations. */
  logStd: F32Ref;
  /** rows x actionDim actions (must be finite). */
  actions: F32Ref;
  rows: number;
  actionDim: number;
}

function checkLogProbArgs(args: GaussianLogProbArgs): void {
  const { mean, logStd, actions, rows, actionDim: D } = args;
  checkRows(rows, D);
  checkRef("mean", mean, "f32", rows * D);
  checkRef("logStd", logStd, "f32", D);
  checkRef("actions", actions, "f32", rows * D);
  checkFinite("mean", mean, rows * D, D);
  checkFinite("logStd", logStd, D);
  checkFinite("actions", actions, rows * D, D);
}

/** out[r] = log N(actions[r] | mean[r], diag(exp(2 logStd))). */
export function gaussianLogProb(args: GaussianLogProbArgs & { out: F32Ref }): void {
  checkLogProbArgs(args);
  checkRef("out", args.out, "f32", args.rows);
  const { mean, logStd, actions, out, rows, actionDim } = args;
  kernels().nnGaussianLogProbSimd(mean.ptr, logStd.ptr, actions.ptr, out.ptr, rows, actionDim);
}

export interface GaussianLogProbBackwardArgs extends GaussianLogProbArgs {
  /** dLoss / d log pi(a_r), per row or one value for all rows. */
  g: RowValues;
  /** rows x actionDim gradient with respect to the means. */
  dMean?: F32Ref;
  /** actionDim gradient with respect to logStd (summed over rows). */
  dLogStd?: F32Ref;
  accumulate?: boolean;
}

/**
 * Gradients of sum_r g_r log pi(a_r | r): d mu = g (a - mu) / sigma^2,
 * d logStd_d = sum_r g_r ((a - mu)^2 / sigma^2 - 1).
 */
export function gaussianLogProbBackward(args: GaussianLogProbBackwardArgs): void {
  checkLogProbArgs(args);
  const { mean, logStd, actions, rows, actionDim: D, dMean, dLogStd } = args;
  if (dMean) checkRef("dMean", dMean, "f32", rows * D);
  if (dLogStd) checkRef("dLogStd", dLogStd, "f32", D);
  const [gp, gs] = upstream("g", args.g, rows);
  kernels().nnGaussianLogProbBackwardSimd(
    mean.ptr, logStd.ptr, actions.ptr, gp, gs, dMean?.ptr ?? 0, dLogStd?.ptr ?? 0, rows, D, args.accumulate ? 1 : 0,
  );
}

export interface GaussianKlArgs {
  meanP: F32Ref;
  logStdP: F32Ref;
  meanQ: F32Ref;
  logStdQ: F32Ref;
  rows: number;
  actionDim: number;
}

function checkKlArgs(args: GaussianKlArgs): void {
  const { meanP, logStdP, meanQ, logStdQ, rows, actionDim: D } = args;
  checkRows(rows, D);
  checkRef("meanP", meanP, "f32", rows * D);
  checkRef("logStdP", logStdP, "f32", D);
  checkRef("meanQ", meanQ, "f32", rows * D);
  checkRef("logStdQ", logStdQ, "f32", D);
  checkFinite("logStdP", logStdP, D);
  checkFinite("logStdQ", logStdQ, D);
}

/** out[r] = KL(P_r || Q_r) between diagonal Gaussians. */
export function gaussianKl(args: GaussianKlArgs & { out: F32Ref }): void {
  checkKlArgs(args);
  checkRef("out", args.out, "f32", args.rows);
  const { meanP, logStdP, meanQ, logStdQ, out, rows, actionDim } = args;
  kernels().nnGaussianKlSimd(meanP.ptr, logStdP.ptr, meanQ.ptr, logStdQ.ptr, out.ptr, rows, actionDim);
}

export interface GaussianKlBackwardArgs extends GaussianKlArgs {
  /** dLoss / dKL_r, per row or one value for all rows. */
  g: RowValues;
  dMeanP?: F32Ref;
  dLogStdP?: F32Ref;
  dMeanQ?: F32Ref;
  dLogStdQ?: F32Ref;
  accumulate?: boolean;
}

/**
 * Gradients of sum_r g_r KL(P_r || Q_r): d muP = g (muP - muQ) / sigmaQ^2 = -d muQ,
 * d logStdP = sum_r g (sigmaP^2/sigmaQ^2 - 1), d logStdQ = sum_r g (1 - (sigmaP^2 + (muP - muQ)^2) / sigmaQ^2).
 */
export function gaussianKlBackward(args: GaussianKlBackwardArgs): void {
  checkKlArgs(args);
  const { meanP, logStdP, meanQ, logStdQ, rows, actionDim: D, dMeanP, dLogStdP, dMeanQ, dLogStdQ } = args;
  if (dMeanP) checkRef("dMeanP", dMeanP, "f32", rows * D);
  if (dMeanQ) checkRef("dMeanQ", dMeanQ, "f32", rows * D);
  if (dLogStdP) checkRef("dLogStdP", dLogStdP, "f32", D);
  if (dLogStdQ) checkRef("dLogStdQ", dLogStdQ, "f32", D);
  const [gp, gs] = upstream("g", args.g, rows);
  kernels().nnGaussianKlBackwardSimd(
    meanP.ptr, logStdP.ptr, meanQ.ptr, logStdQ.ptr, gp, gs,
    dMeanP?.ptr ?? 0, dLogStdP?.ptr ?? 0, dMeanQ?.ptr ?? 0, dLogStdQ?.ptr ?? 0, rows, D, args.accumulate ? 1 : 0,
  );
}

/**
 * Entropy of the diagonal Gaussian, the same for every state:
 * H = sum_d logStd_d + D (1 + log 2 pi) / 2. Its gradient with respect to each
 * logStd_d is 1.
 */
export function gaussianEntropy(logStd: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < logStd.length; d++) s += logStd[d];
  return s + logStd.length * (0.5 + HALF_LOG_2PI);
}

/**
 * Draws actions[r, d] = mean[r, d] + exp(logStd[d]) * N(0, 1) from `rng`
 * (row by row, dimension by dimension) into `out` (rows x actionDim). exp is
 * the kernels' f32 exponential, so a seed gives the same actions in every
 * JavaScript engine.
 */
export function gaussianSample(
  mean: F32Ref, logStd: ArrayLike<number>, rows: number, rng: Rng, out: Float32Array | Float64Array,
): Float32Array | Float64Array {
  const D = logStd.length;
  checkRows(rows, D);
  checkRef("mean", mean, "f32", rows * D);
  if (out.length < rows * D) throw new ValidationError("out", `holds ${out.length} values, ${rows * D} needed`, out.length);
  const mu = f32View(mean, rows * D);
  const sigma = Array.from(logStd, expF32);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) out[r * D + d] = mu[r * D + d] + sigma[d] * rng.normal();
  }
  return out;
}
