/**
 * Proximal Policy Optimization (Schulman, Wolski, Dhariwal, Radford & Klimov
 * 2017) with Stable-Baselines3's API, defaults and update, for discrete and
 * continuous (diagonal Gaussian) actions.
 * Its policy loss is Mirror Learning's surrogate minus the clip drift
 * (Kuba et al. 2022; `clipDrift(clipRange)`): PPO is `MirrorLearner` with
 * the clip drift, a thin subclass that names the drift through SB3's
 * clipRange (a number or a schedule) and keeps PPO's metrics and file.
 *
 * Naming: capitalised classes (`PPO`, `A2C`) are agents trained from
 * sampled environment steps; lower-case factories (`ppo({ epsilon })`,
 * `trpo({ delta })`, ...) are exact tabular Mirror Learning instances run on a
 * known MDP with `optimise`. `ppo` takes the exact step with the same clip
 * drift that this class estimates from samples.
 *
 * One iteration: rollout of nSteps x numEnvs steps -> GAE(lambda) advantages
 * (Schulman et al. 2016) -> nEpochs passes over random minibatches of
 * batchSize (advantages normalised per minibatch) with clip loss, value loss
 * (optionally clipped) and entropy bonus, global-norm clipping and Adam
 * (Kingma & Ba 2015; eps 1e-5) -> metrics. An epoch stops early when
 * approx_kl > 1.5 targetKl (as SB3). A non-finite loss or gradient norm
 * stops training with a TrainingDivergedError.
 *
 * Action masking (MaskablePPO, Huang & Ontañón 2022): when the environment
 * gives legal-action masks (`info.actionMask` of an Env, `actionMasks()` of a
 * VecEnv), rollouts sample legal actions only, and the ratio, clip fraction,
 * approx_kl and entropy are computed under the same masks (entropy over the
 * legal actions); `predict(obs, { actionMask })` and `evaluatePolicy` take
 * legal actions only.
 *
 *   const agent = new PPO({ env: "CartPole-v1", numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20,
 *     gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", clipRange: "lin_0.2", seed: 1 });
 *   await agent.learn(100_000);
 *   const bytes = agent.save(); const again = PPO.load(bytes);
 */
import { clipDrift } from "../mirror/index.js";
import { loadedConfig, readAgentFile, type EnvSpec, type LoadOptions } from "./on-policy.js";
import { A2C_ONLY_KEYS, COMMON_KEYS, PPO_ONLY_KEYS, SDE_KEYS } from "./config.js";
import type { SdeConfig } from "./sde.js";
import type { DivergenceHint } from "./diverged.js";
import { scheduleFn, scheduleToJson, type Schedule } from "./schedules.js";
import { decodeAgentFile } from "./agent-file.js";
import type { Metrics } from "./logger.js";
import { allPolicies } from "../mirror/index.js";
import { MirrorLearner, type UpdateSums } from "./mirror-learner.js";
import {
  checkLearnerSettings, clipRangeVfSchedule, type LearnerConfig, type LearnerSetup, type MirrorLearnerConfig,
} from "./mirror-learner-config.js";

/** PPO's config: SB3's hyperparameters in camelCase (defaults are SB3's). */
export interface PPOConfig<E extends EnvSpec = EnvSpec> extends LearnerConfig<E>, SdeConfig {
  /** The clip drift's epsilon (or a schedule); default 0.2. */
  clipRange?: Schedule;
}

export const PPO_DEFAULTS = {
  nSteps: 2048, batchSize: 64, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, learningRate: 3e-4, clipRange: 0.2,
  entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantage: true,
} as const;

/** PPO's own settings, checked (before anything is allocated) and resolved. */
function ppoSettings(c: PPOConfig) {
  const base = checkLearnerSettings(c, PPO_DEFAULTS);
  const clipRangeFn = scheduleFn("clipRange", c.clipRange ?? PPO_DEFAULTS.clipRange);
  const clipRangeVfFn = clipRangeVfSchedule(c);
  // A linear schedule reaches 0 at the end; clipDrift needs eps > 0, and the
  // smallest positive double gives 1 +- eps = 1 exactly, i.e. the same clip.
  const driftAt = (p: number) => clipDrift(Math.max(clipRangeFn(p), Number.MIN_VALUE));
  return { ...base, clipRangeVfFn, driftAt, neighbourhood: allPolicies() };
}

const PPO_SETUP: LearnerSetup = {
  defaults: PPO_DEFAULTS,
  keys: { algorithm: "PPO", keys: [...COMMON_KEYS, ...SDE_KEYS, ...PPO_ONLY_KEYS], other: "A2C", otherKeys: A2C_ONLY_KEYS, check: ppoSettings },
  settings: ppoSettings as LearnerSetup["settings"],
};

// Every PPOConfig key is in the list checkAgentConfig accepts (a new setting goes into src/agents/config.ts too).
type UnlistedPpoKeys = Exclude<keyof PPOConfig, (typeof PPO_SETUP.keys.keys)[number]>;
const PPO_KEYS_LISTED: [UnlistedPpoKeys] extends [never] ? true : UnlistedPpoKeys = true;

/**
 * PPO trained from samples (Schulman et al. 2017), with Stable-Baselines3's
 * hyperparameters; see the module comment. For the exact tabular instance on
 * a known MDP use `ppo({ epsilon })` (lower case) with `optimise`.
 */
export class PPO<E extends EnvSpec = EnvSpec> extends MirrorLearner<E, PPOConfig<E>> {
  protected static override readonly setup: LearnerSetup = PPO_SETUP;
  override readonly algorithm = "PPO" as const;

  constructor(config: PPOConfig<E>) {
    // The config names the drift through clipRange: PPO_SETUP reads it.
    super(config as unknown as MirrorLearnerConfig<E>);
  }

  /** SB3's PPO metrics (CleanRL's names). */
  protected override updateMetrics(s: UpdateSums): Metrics {
    const u = Math.max(s.updates, 1);
    return {
      "losses/policy_loss": s.policyLoss / u,
      "losses/value_loss": s.valueLoss / u,
      "losses/entropy": s.entropy / u,
      "losses/approx_kl": s.updates ? s.approxKl / u : s.lastKl,
      "losses/clipfrac": s.clipFraction / u,
      "losses/explained_variance": s.explainedVariance,
      "charts/learning_rate": s.learningRate,
      "charts/clip_range": s.driftObject.epsilon!,
      "charts/updates": s.updates,
    };
  }

  protected override policyLossHints(): DivergenceHint[] {
    return [["clipRange", scheduleToJson(this.config.clipRange ?? PPO_DEFAULTS.clipRange, this.progressRemaining)]];
  }

  protected override configJson(): Record<string, unknown> {
    const c = this.config;
    const cm = this.common;
    const p = this.progressRemaining;
    return {
      nSteps: cm.nSteps, batchSize: this.batchSize, nEpochs: this.nEpochs, gamma: cm.gamma, gaeLambda: cm.gaeLambda,
      clipRange: scheduleToJson(c.clipRange ?? PPO_DEFAULTS.clipRange, p),
      clipRangeVf: c.clipRangeVf == null ? null : scheduleToJson(c.clipRangeVf, p),
      entCoef: cm.entCoef, vfCoef: cm.vfCoef, maxGradNorm: cm.maxGradNorm, targetKl: this.targetKl ?? null, netArch: cm.netArch,
      activation: cm.activation, normalize: { obs: cm.normalizeObs, reward: cm.normalizeReward },
      normalizeAdvantage: cm.normalizeAdvantage, orthoInit: cm.orthoInit, seed: cm.seed, statsWindow: cm.statsWindow,
      ...this.sdeConfigJson(),
    };
  }

  /**
   * An agent from `save()`'s bytes: same config, parameters, optimiser state,
   * normalisation statistics and random streams. An agent trained on a user
   * environment needs `{ env }`; config fields in `overrides` replace the
   * saved ones (e.g. a schedule function, which a file cannot hold).
   */
  static override load(bytes: Uint8Array, options: LoadOptions<PPOConfig> = {}): PPO {
    const payload = decodeAgentFile(bytes);
    const agent = new PPO(loadedConfig(payload, "PPO", options) as unknown as PPOConfig);
    return agent.restoreOrDispose(payload);
  }

  /** `load` from a file (Node). */
  static override loadFile(path: string, options: LoadOptions<PPOConfig> = {}): PPO {
    return PPO.load(readAgentFile(path), options);
  }
}
