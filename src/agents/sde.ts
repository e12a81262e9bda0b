/**
 * Generalised state-dependent exploration in the on-policy loop (Raffin,
 * Kober & Stulp 2022, "Smooth Exploration for Robotic Reinforcement
 * Learning"; Stable-Baselines3's use_sde): the settings, and the noise
 * matrices of rollouts and of `predict`.
 *
 * Rollouts: each environment copy e explores with its own noise matrix
 * theta_e (L x D, theta_e = s * xi_e with xi_e ~ N(0, 1) drawn from the
 * action stream), its action a = mu(s) + z(s)^T theta_e; the matrices are
 * drawn at the start of every rollout and, with sdeSampleFreq = n > 0, again
 * every n steps of it (steps 0, n, 2n, ... of the rollout, as SB3's
 * collect_rollouts). The rollout buffer keeps the actions and their
 * log-probabilities under N(mu(s), sigma(s)^2), which the update uses.
 *
 * predict (not deterministic): one noise matrix for every row, drawn from
 * the predict stream at the first such call and again by `resetNoise()`, and
 * saved with the agent, so a loaded agent predicts the same actions.
 * The rollout matrices are not saved: every rollout draws fresh ones from
 * the action stream, which is saved, so `learn` after `load` trains exactly
 * as the saved agent's `learn` would.
 */
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { SdeNoise } from "../nn/sde.js";
import { checkBoolean } from "./config.js";
import { decodeF32, encodeF32 } from "./agent-file.js";

/** The settings of the Gaussian head: the log-std's start and gSDE (SB3's names in camelCase). */
export interface SdeConfig {
  /** Generalised state-dependent exploration (Box action spaces); default false. */
  useSde?: boolean;
  /** With useSde: new noise matrices every n steps of a rollout (n >= 1), or only at its start (-1, the default, or 0). */
  sdeSampleFreq?: number;
  /** Initial value of every log-std, with or without gSDE (SB3's log_std_init); default 0. */
  logStdInit?: number;
  /** With useSde: one log-std per latent unit and action dimension (L x D; default true) or per latent unit (L). */
  fullStd?: boolean;
  /** With useSde: std = exp(l) for l <= 0 and log(1 + l) + 1 above (the paper's expln) instead of exp(l); default false. */
  useExpln?: boolean;
  /** With useSde: the log-density's gradient also trains the features z(s) through sigma(s); default false (SB3). */
  learnFeatures?: boolean;
}

export interface ResolvedSde {
  useSde: boolean;
  sdeSampleFreq: number;
  logStdInit: number;
  fullStd: boolean;
  useExpln: boolean;
  learnFeatures: boolean;
}

/**
 * The checked settings. As SB3, the gSDE-only settings are ignored without
 * useSde (a tuned config can switch gSDE off alone), but their types are checked.
 */
export function resolveSde(c: SdeConfig): ResolvedSde {
  const freq = c.sdeSampleFreq ?? -1;
  if (typeof freq !== "number" || !Number.isSafeInteger(freq) || freq < -1) {
    throw new ValidationError("sdeSampleFreq", "must be an integer >= 1 (steps between noise draws), or -1 (once per rollout)", freq);
  }
  const init = c.logStdInit ?? 0;
  // exp(logStdInit) must be a positive f32: |logStdInit| <= 20 keeps it within [2e-9, 5e8].
  if (typeof init !== "number" || !(init >= -20 && init <= 20)) throw new ValidationError("logStdInit", "must be a number in [-20, 20]", init);
  return {
    useSde: checkBoolean("useSde", c.useSde, false),
    sdeSampleFreq: freq,
    logStdInit: init,
    fullStd: checkBoolean("fullStd", c.fullStd, true),
    useExpln: checkBoolean("useExpln", c.useExpln, false),
    learnFeatures: checkBoolean("learnFeatures", c.learnFeatures, false),
  };
}

/** The settings as the agent file stores them: none at their defaults without gSDE (older files stay byte for byte). */
export function sdeConfigJson(s: ResolvedSde): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.logStdInit !== 0) out.logStdInit = s.logStdInit;
  if (!s.useSde) return out;
  return { useSde: true, sdeSampleFreq: s.sdeSampleFreq, logStdInit: s.logStdInit, fullStd: s.fullStd, useExpln: s.useExpln, learnFeatures: s.learnFeatures };
}

/** The noise matrices of an agent's rollouts and predictions. */
export class SdeExploration {
  /** One matrix per environment copy. */
  readonly rollout: SdeNoise;
  private predictNoise?: SdeNoise;

  constructor(
    readonly settings: ResolvedSde,
    readonly numEnvs: number,
    readonly latentDim: number,
    readonly actionDim: number,
  ) {
    this.rollout = new SdeNoise(numEnvs, latentDim, actionDim);
  }

  /** Before step t of a rollout: new matrices at t = 0 and every sdeSampleFreq steps. */
  beforeStep(t: number, rng: Rng): SdeNoise {
    const n = this.settings.sdeSampleFreq;
    if (t === 0 || (n > 0 && t % n === 0)) this.rollout.sample(rng);
    return this.rollout;
  }

  /** The matrix `predict` uses, drawn from `rng` the first time. */
  predict(rng: Rng): SdeNoise {
    return (this.predictNoise ??= new SdeNoise(1, this.latentDim, this.actionDim).sample(rng));
  }

  /** Draws a new matrix for `predict` (SB3's policy.reset_noise()). */
  resetPredict(rng: Rng): void {
    this.predictNoise = new SdeNoise(1, this.latentDim, this.actionDim).sample(rng);
  }

  /** What the agent file keeps: predict's matrix (xi), or null before the first stochastic predict. */
  toJson(): Record<string, unknown> {
    return { predictNoise: this.predictNoise ? encodeF32(this.predictNoise.xi) : null };
  }

  restore(s: unknown): void {
    if (s === null || typeof s !== "object" || Array.isArray(s)) throw new ValidationError("sde", "must hold the saved noise state", s);
    const p = (s as { predictNoise?: unknown }).predictNoise;
    if (p === null || p === undefined) {
      this.predictNoise = undefined;
      return;
    }
    if (typeof p !== "string") throw new ValidationError("sde.predictNoise", "must be base64 f32 values or null", typeof p);
    const xi = decodeF32("sde.predictNoise", p, this.latentDim * this.actionDim);
    for (let i = 0; i < xi.length; i++) {
      if (!Number.isFinite(xi[i])) throw new ValidationError("sde.predictNoise", "must hold finite numbers", xi[i], { index: i });
    }
    const noise = new SdeNoise(1, this.latentDim, this.actionDim);
    noise.xi.set(xi);
    this.predictNoise = noise;
  }
}
