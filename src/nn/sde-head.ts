/**
 * The gSDE policy head (Raffin, Kober & Stulp 2022; see src/nn/sde.ts for the
 * distribution): given the actor's means mu(s) and its last hidden layer
 * z(s), it owns the WebAssembly buffers of the state-dependent Gaussian
 * (variance weights, per-row sigma, gradients) and gives log-probabilities,
 * entropies, their gradients (means, log-stds, and with learnFeatures the
 * features) and noisy actions.
 *
 * Call `prepare(logStd)` whenever the log-std parameter may have changed
 * (before `logProb`, `backward` and `sample`); it costs L x D exponentials.
 */
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { checkOptions } from "../core/validate.js";
import type { RowValues } from "./categorical.js";
import {
  sdeLogProb, sdeLogProbBackward, sdeLogStdGradient, sdeLogStdSize, sdeNoisyActions, sdeStd, sdeVarianceWeights, SdeNoise, type SdeShape,
} from "./sde.js";
import { F32Matrix, f32View, type F32Ref } from "./tensor.js";

export interface SdeHeadOptions {
  latentDim: number;
  actionDim: number;
  /** L x D log-stds (default) or L shared across action dimensions. */
  fullStd?: boolean;
  /** expln instead of exp (default false). */
  useExpln?: boolean;
  /** Let the log-density's gradient flow into the features z(s) (default false, as SB3). */
  learnFeatures?: boolean;
}

const SDE_HEAD_OPTIONS = ["latentDim", "actionDim", "fullStd", "useExpln", "learnFeatures"] as const;

export class SdeHead {
  readonly shape: SdeShape;
  readonly learnFeatures: boolean;
  /** The current L x D standard deviations (from the last `prepare`). */
  readonly std: Float32Array;
  private capacity = 0;
  /** [weights (D x L), dWeights (D x L), sigma (rows x D), dLatent (rows x L)]; shared with the finaliser. */
  private readonly blocks: Block<"f32">[] = [];
  private readonly dLatentMatrix: F32Matrix;
  private logStd: Float32Array;

  constructor(o: SdeHeadOptions) {
    checkOptions("options", o, SDE_HEAD_OPTIONS, "SdeHead");
    for (const key of ["fullStd", "useExpln", "learnFeatures"] as const) {
      if (o[key] !== undefined && typeof o[key] !== "boolean") throw new ValidationError(key, "must be true or false", o[key]);
    }
    this.shape = { latentDim: o.latentDim, actionDim: o.actionDim, fullStd: o.fullStd ?? true, useExpln: o.useExpln ?? false };
    this.learnFeatures = o.learnFeatures ?? false;
    const { latentDim: L, actionDim: D } = this.shape;
    this.std = sdeStd(new Float32Array(sdeLogStdSize(this.shape)), this.shape);
    this.logStd = new Float32Array(sdeLogStdSize(this.shape));
    this.blocks.push(f32Block(D * L), f32Block(D * L));
    own(this, this.blocks);
    this.dLatentMatrix = new F32Matrix(this.blocks[1], 0, L);
    this.prepare(this.logStd);
  }

  /** Number of log-std parameters (L x D, or L without fullStd). */
  get logStdSize(): number {
    return sdeLogStdSize(this.shape);
  }

  /** Makes the per-row buffers hold `rows` rows. */
  private ensure(rows: number): void {
    if (rows <= this.capacity) return;
    const { latentDim: L, actionDim: D } = this.shape;
    for (const b of this.blocks.splice(2)) b.free();
    this.blocks.push(f32Block(rows * D), f32Block(rows * L));
    this.dLatentMatrix.block = this.blocks[3];
    this.capacity = rows;
  }

  get weights(): Block<"f32"> { return this.blocks[0]; }
  get dWeights(): Block<"f32"> { return this.blocks[1]; }
  /** sigma_rd of the last `logProb` (rows x D). */
  get sigma(): Block<"f32"> { return this.blocks[2]; }

  /** Recomputes the standard deviations and variance weights from the log-stds (L x D, or L). */
  prepare(logStd: ArrayLike<number>): void {
    const { latentDim: L, actionDim: D } = this.shape;
    sdeStd(logStd, this.shape, this.std);
    this.logStd.set(logStd);
    sdeVarianceWeights(this.std, L, D, this.weights.view);
  }

  /** log pi(a_r | s_r) into logp and the entropies into entropy (either may be omitted); keeps sigma for `backward`. */
  logProb(mean: F32Ref, latent: F32Ref, actions: F32Ref, rows: number, logp?: F32Ref, entropy?: F32Ref): void {
    this.ensure(rows);
    const { latentDim, actionDim } = this.shape;
    sdeLogProb({ mean, latent, weights: this.weights, actions, rows, latentDim, actionDim, sigma: this.sigma, logp, entropy });
  }

  /**
   * After `logProb` on the same rows: gradients of sum_r [g_r log pi_r + h_r H_r]
   * into dMean (rows x D, overwritten) and dLogStd (overwritten); returns the
   * gradient with respect to the features (rows x L, valid until the next
   * call) when learnFeatures is on, else undefined (the features then get
   * gradient from the means only).
   */
  backward(mean: F32Ref, latent: F32Ref, actions: F32Ref, rows: number, g: RowValues, h: RowValues, dMean: F32Ref, dLogStd: F32Ref): F32Matrix | undefined {
    this.ensure(rows);
    const { latentDim, actionDim } = this.shape;
    const dLatent = this.learnFeatures ? this.blocks[3] : undefined;
    sdeLogProbBackward({
      mean, latent, weights: this.weights, actions, rows, latentDim, actionDim, sigma: this.sigma, g, h,
      dMean, dWeights: this.dWeights, dLatent,
    });
    const n = this.logStdSize;
    if (dLogStd.length < n) throw new ValidationError("dLogStd", `holds ${dLogStd.length} values, ${n} needed`, dLogStd.length);
    sdeLogStdGradient(this.dWeights.view, this.logStd, this.std, this.shape, f32View(dLogStd, n));
    if (!dLatent) return undefined;
    this.dLatentMatrix.rows = rows;
    return this.dLatentMatrix;
  }

  /**
   * Actions for `rows` rows into out (rows x D): with an SdeNoise,
   * mu + z^T (s * xi_m) (row r uses matrix r mod count: smooth in the state);
   * with an Rng, an independent draw mu + sigma(s) N(0, 1) per row and
   * dimension (the same distribution, without the noise matrix's memory).
   */
  sample(mean: F32Ref, latent: F32Ref, rows: number, sampler: Rng | SdeNoise, out: Float32Array): Float32Array {
    const { latentDim: L, actionDim: D } = this.shape;
    if (sampler instanceof SdeNoise) {
      if (sampler.latentDim !== L || sampler.actionDim !== D) {
        throw new ValidationError("noise", `must hold ${L} x ${D} matrices`, `${sampler.latentDim} x ${sampler.actionDim}`);
      }
      return sdeNoisyActions(mean, latent, this.std, sampler, rows, out);
    }
    if (!(sampler instanceof Rng)) throw new ValidationError("rng", "must be an Rng or an SdeNoise", sampler);
    this.logProb(mean, latent, mean, rows);
    const mu = f32View(mean, rows * D);
    const sigma = this.sigma.view;
    for (let i = 0; i < rows * D; i++) out[i] = mu[i] + sigma[i] * sampler.normal();
    return out;
  }

  dispose(): void {
    disown(this, this.blocks);
  }
}
