/**
 * Generalised state-dependent exploration (gSDE; Raffin, Kober & Stulp 2022,
 * "Smooth Exploration for Robotic Reinforcement Learning", Sec. 3), with the
 * semantics of Stable-Baselines3's StateDependentNoiseDistribution.
 *
 * The exploration noise of action dimension d is a linear function of the
 * policy's last hidden layer z(s) (L values): eps_d(s) = sum_j z_j theta_jd,
 * with a noise matrix theta (L x D) drawn from N(0, s_jd^2) and kept for
 * several steps, so the noise changes smoothly with the state. For one state
 * the action a = mu(s) + eps(s) is Gaussian:
 *
 *   a_d ~ N(mu_d(s), sigma_d(s)^2),  sigma_d(s)^2 = sum_j z_j^2 s_jd^2 + epsilon
 *
 * (epsilon = 1e-6, as SB3, keeps the log-density finite where z = 0; the
 * sampled noise itself has variance sum_j z_j^2 s_jd^2). The standard
 * deviations come from a log-std parameter: L x D of them (fullStd, the
 * default) or L, one per latent unit shared by every action dimension; with
 * useExpln, s = exp(l) for l <= 0 and log(1 + l + epsilon) + 1 for l > 0
 * (the paper's expln, which grows slowly), else s = exp(l).
 *
 * Kernels (assembly/nn/sde.ts): the log-density, entropy and sigma per row,
 * and their gradients with respect to the means, the squared standard
 * deviations and the latent features. TypeScript here: the std transform and
 * its chain rule (L x D values), the noise matrices and the noisy actions.
 */
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { log } from "../core/det-math.js";
import { checkFinite } from "./check.js";
import { checkCount, checkRef, f32View, type F32Ref } from "./tensor.js";
import { expF32 } from "./mathf32.js";
import type { RowValues } from "./categorical.js";

/** Added to every variance (SB3's StateDependentNoiseDistribution epsilon). */
export const SDE_EPSILON = 1e-6;

/** The shape and parametrisation of a gSDE head. */
export interface SdeShape {
  /** L: width of the features z(s) (the policy's last hidden layer). */
  latentDim: number;
  /** D: the action dimension. */
  actionDim: number;
  /** L x D log-stds (true) or L shared by every action dimension (false). */
  fullStd: boolean;
  /** expln instead of exp for the standard deviations. */
  useExpln: boolean;
}

/** Number of log-std parameters: L x D with fullStd, else L. */
export function sdeLogStdSize(shape: Pick<SdeShape, "latentDim" | "actionDim" | "fullStd">): number {
  return shape.fullStd ? shape.latentDim * shape.actionDim : shape.latentDim;
}

function checkShape(s: SdeShape): void {
  checkCount("latentDim", s.latentDim, 1);
  checkCount("actionDim", s.actionDim, 1);
}

/** One standard deviation from its log-std: exp, or the paper's expln. */
function stdOf(l: number, useExpln: boolean): number {
  if (!useExpln || l <= 0) return expF32(l);
  // log from src/core/det-math.ts: the same bits in every JavaScript engine.
  return Math.fround(log(1 + (l + SDE_EPSILON)) + 1);
}

/** d std / d logStd at l (std = stdOf(l)). */
function stdDerivative(l: number, std: number, useExpln: boolean): number {
  return !useExpln || l <= 0 ? std : 1 / (1 + (l + SDE_EPSILON));
}

/**
 * The L x D standard deviations s_jd (row-major: latent unit j, action
 * dimension d) from the log-stds (L x D, or L with fullStd false).
 */
export function sdeStd(logStd: ArrayLike<number>, shape: SdeShape, out?: Float32Array): Float32Array {
  checkShape(shape);
  const { latentDim: L, actionDim: D, fullStd, useExpln } = shape;
  const n = sdeLogStdSize(shape);
  if (logStd.length !== n) throw new ValidationError("logStd", `must hold ${n} values (${fullStd ? "L x D" : "L"})`, logStd.length);
  const s = out ?? new Float32Array(L * D);
  if (s.length < L * D) throw new ValidationError("out", `holds ${s.length} values, ${L * D} needed`, s.length);
  for (let j = 0; j < L; j++) {
    if (fullStd) for (let d = 0; d < D; d++) s[j * D + d] = stdOf(logStd[j * D + d], useExpln);
    else s.fill(stdOf(logStd[j], useExpln), j * D, (j + 1) * D);
  }
  return s;
}

/** The kernels' variance weights: wT[d * L + j] = s_jd^2 (D x L, transposed for the kernels). */
export function sdeVarianceWeights(std: ArrayLike<number>, latentDim: number, actionDim: number, wT: Float32Array): Float32Array {
  const L = latentDim;
  const D = actionDim;
  for (let j = 0; j < L; j++) {
    for (let d = 0; d < D; d++) {
      const s = std[j * D + d];
      wT[d * L + j] = s * s;
    }
  }
  return wT;
}

/**
 * The gradient with respect to the log-stds (L x D, or L with fullStd false)
 * from the gradient with respect to the variance weights w_dj = s_jd^2
 * (dWT, D x L as the backward kernel writes it): dl = dw 2 s ds/dl, summed
 * over d when the log-std is shared. Written into `out` (or added to it).
 */
export function sdeLogStdGradient(
  dWT: ArrayLike<number>, logStd: ArrayLike<number>, std: ArrayLike<number>, shape: SdeShape, out: Float32Array, accumulate = false,
): Float32Array {
  const { latentDim: L, actionDim: D, fullStd, useExpln } = shape;
  for (let j = 0; j < L; j++) {
    let shared = 0;
    for (let d = 0; d < D; d++) {
      const k = fullStd ? j * D + d : j;
      const s = std[j * D + d];
      const g = dWT[d * L + j] * 2 * s * stdDerivative(logStd[k], s, useExpln);
      if (fullStd) out[k] = accumulate ? out[k] + g : g;
      else shared += g;
    }
    if (!fullStd) out[j] = accumulate ? out[j] + shared : shared;
  }
  return out;
}

export interface SdeLogProbArgs {
  /** rows x actionDim means mu(s). */
  mean: F32Ref;
  /** rows x latentDim features z(s). */
  latent: F32Ref;
  /** actionDim x latentDim variance weights s_jd^2, transposed (`sdeVarianceWeights`). */
  weights: F32Ref;
  /** rows x actionDim actions (must be finite). */
  actions: F32Ref;
  rows: number;
  latentDim: number;
  actionDim: number;
  /** Added to every variance; default SDE_EPSILON. */
  epsilon?: number;
}

function checkLogProbArgs(args: SdeLogProbArgs): void {
  const { mean, latent, weights, actions, rows, latentDim: L, actionDim: D } = args;
  checkCount("rows", rows);
  checkCount("latentDim", L, 1);
  checkCount("actionDim", D, 1);
  checkRef("mean", mean, "f32", rows * D);
  checkRef("latent", latent, "f32", rows * L);
  checkRef("weights", weights, "f32", D * L);
  checkRef("actions", actions, "f32", rows * D);
  checkFinite("mean", mean, rows * D, D);
  checkFinite("latent", latent, rows * L, L);
  checkFinite("weights", weights, D * L, L);
  checkFinite("actions", actions, rows * D, D);
  const e = args.epsilon ?? SDE_EPSILON;
  if (typeof e !== "number" || !(e > 0 && e < Infinity)) throw new ValidationError("epsilon", "must be a finite number > 0", e);
}

/**
 * Per row: log pi(a_r | s_r) into `logp`, the entropy into `entropy` (rows
 * each) and the standard deviations sigma_rd into `sigma` (rows x D, needed by
 * the backward); any of the three may be omitted.
 */
export function sdeLogProb(args: SdeLogProbArgs & { sigma?: F32Ref; logp?: F32Ref; entropy?: F32Ref }): void {
  checkLogProbArgs(args);
  const { mean, latent, weights, actions, rows, latentDim: L, actionDim: D, sigma, logp, entropy } = args;
  if (sigma) checkRef("sigma", sigma, "f32", rows * D);
  if (logp) checkRef("logp", logp, "f32", rows);
  if (entropy) checkRef("entropy", entropy, "f32", rows);
  kernels().nnSdeLogProbSimd(
    mean.ptr, latent.ptr, weights.ptr, actions.ptr, sigma?.ptr ?? 0, logp?.ptr ?? 0, entropy?.ptr ?? 0, rows, L, D, args.epsilon ?? SDE_EPSILON,
  );
}

export interface SdeLogProbBackwardArgs extends SdeLogProbArgs {
  /** sigma_rd from `sdeLogProb` on the same data (rows x D). */
  sigma: F32Ref;
  /** dLoss / d log pi(a_r), per row or one value for all rows. */
  g: RowValues;
  /** dLoss / dH_r, per row or one value for all rows; default 0. */
  h?: RowValues;
  /** rows x actionDim gradient with respect to the means. */
  dMean?: F32Ref;
  /** actionDim x latentDim gradient with respect to the variance weights (summed over rows). */
  dWeights?: F32Ref;
  /** rows x latentDim gradient with respect to the features (SB3's learn_features). */
  dLatent?: F32Ref;
  accumulate?: boolean;
}

function upstream(field: string, g: RowValues, rows: number): [number, number] {
  if (typeof g === "number") {
    if (!Number.isFinite(g)) throw new ValidationError(field, "must be finite", g);
    return [0, g];
  }
  checkRef(field, g, "f32", rows);
  return [g.ptr, 0];
}

/**
 * Gradients of sum_r [g_r log pi(a_r | s_r) + h_r H_r]: with
 * u = (a - mu) / sigma and q = (g (u^2 - 1) + h) / (2 sigma^2),
 * d mu_rd = g_r u / sigma, d w_dj = sum_r q_rd z_rj^2, d z_rj = 2 z_rj sum_d q_rd w_dj.
 */
export function sdeLogProbBackward(args: SdeLogProbBackwardArgs): void {
  checkLogProbArgs(args);
  const { mean, latent, weights, actions, sigma, rows, latentDim: L, actionDim: D, dMean, dWeights, dLatent } = args;
  checkRef("sigma", sigma, "f32", rows * D);
  if (dMean) checkRef("dMean", dMean, "f32", rows * D);
  if (dWeights) checkRef("dWeights", dWeights, "f32", D * L);
  if (dLatent) checkRef("dLatent", dLatent, "f32", rows * L);
  const [gp, gs] = upstream("g", args.g, rows);
  const [hp, hs] = upstream("h", args.h ?? 0, rows);
  kernels().nnSdeLogProbBackwardSimd(
    mean.ptr, latent.ptr, weights.ptr, actions.ptr, sigma.ptr, gp, gs, hp, hs,
    dMean?.ptr ?? 0, dWeights?.ptr ?? 0, dLatent?.ptr ?? 0, rows, L, D, args.accumulate ? 1 : 0,
  );
}

/**
 * `count` noise matrices of L x D standard normal draws xi (matrix m, row j,
 * column d at (m L + j) D + d). The exploration matrix is theta = s * xi
 * (elementwise, s the current standard deviations), so the matrices follow
 * the log-std when it changes without a new draw (within a rollout it does
 * not change, and theta ~ N(0, s^2) exactly as SB3 samples it).
 */
export class SdeNoise {
  readonly xi: Float32Array;

  constructor(
    /** Matrices: one per environment copy in rollouts (row r uses matrix r mod count). */
    readonly count: number,
    readonly latentDim: number,
    readonly actionDim: number,
  ) {
    checkCount("count", count, 1);
    checkCount("latentDim", latentDim, 1);
    checkCount("actionDim", actionDim, 1);
    this.xi = new Float32Array(count * latentDim * actionDim);
  }

  /** Draws every matrix afresh from `rng` (matrix by matrix, row by row). */
  sample(rng: Rng): this {
    const xi = this.xi;
    for (let i = 0; i < xi.length; i++) xi[i] = rng.normal();
    return this;
  }
}

/**
 * Noisy actions: out[r, d] = mu_rd + sum_j z_rj s_jd xi_{m j d}, m = r mod
 * noise.count (std: L x D from `sdeStd`). Summed in double precision and
 * rounded once, so every engine gives the same bits.
 */
export function sdeNoisyActions(
  mean: F32Ref, latent: F32Ref, std: ArrayLike<number>, noise: SdeNoise, rows: number, out: Float32Array,
): Float32Array {
  const L = noise.latentDim;
  const D = noise.actionDim;
  checkCount("rows", rows);
  checkRef("mean", mean, "f32", rows * D);
  checkRef("latent", latent, "f32", rows * L);
  if (out.length < rows * D) throw new ValidationError("out", `holds ${out.length} values, ${rows * D} needed`, out.length);
  const mu = f32View(mean, rows * D);
  const z = f32View(latent, rows * L);
  const xi = noise.xi;
  for (let r = 0; r < rows; r++) {
    const m = (r % noise.count) * L * D;
    for (let d = 0; d < D; d++) {
      let e = 0;
      for (let j = 0; j < L; j++) e += z[r * L + j] * (std[j * D + d] * xi[m + j * D + d]);
      out[r * D + d] = mu[r * D + d] + e;
    }
  }
  return out;
}
