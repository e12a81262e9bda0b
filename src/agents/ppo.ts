/**
 * Proximal Policy Optimization (Schulman, Wolski, Dhariwal, Radford & Klimov
 * 2017) with Stable-Baselines3's API, defaults and update, for discrete and
 * continuous (diagonal Gaussian) actions.
 * Its policy loss is Mirror Learning's surrogate minus the clip drift
 * (Kuba et al. 2022; `clipDrift(clipRange)`).
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
import { ValidationError } from "../core/errors.js";
import { clipDrift } from "../mirror/index.js";
import { Adam } from "../optim/adam.js";
import { clipCoefficient, gradNorm } from "../optim/grad-norm.js";
import { disown, f32Block, f64Block, i32Block, own, type Block, type BlockKind } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { OnPolicyAgent, loadedConfig, readAgentFile, type EnvSpec, type LoadOptions, type OnPolicyConfig } from "./on-policy.js";
import { clipEpsilon } from "./ppo-loss.js";
import { ppoLossAndGradients, type PpoLossResult } from "./ppo-objective.js";
import { A2C_ONLY_KEYS, COMMON_KEYS, PPO_ONLY_KEYS, SDE_KEYS } from "./config.js";
import type { SdeConfig } from "./sde.js";
import type { TrainingDivergedError } from "./diverged.js";
import { scheduleFn, scheduleToJson, type Schedule } from "./schedules.js";
import { decodeAgentFile, decodeF32, encodeF32 } from "./agent-file.js";
import { explainedVariance } from "./value-loss.js";
import type { Metrics } from "./logger.js";

/** PPO's config: SB3's hyperparameters in camelCase (defaults are SB3's). */
export interface PPOConfig<E extends EnvSpec = EnvSpec> extends OnPolicyConfig<E>, SdeConfig {
  /** Steps per copy per rollout; default 2048. */
  nSteps?: number;
  /** Minibatch size; default 64. */
  batchSize?: number;
  /** Passes over the rollout per iteration; default 10. */
  nEpochs?: number;
  /** Default 0.99. */
  gamma?: number;
  /** Default 0.95. */
  gaeLambda?: number;
  /** Adam's step size, or a schedule of progress remaining; default 3e-4. */
  learningRate?: Schedule;
  /** The clip drift's epsilon (or a schedule); default 0.2. */
  clipRange?: Schedule;
  /** Clip the value prediction around the rollout's value by this much; default none. */
  clipRangeVf?: Schedule | null;
  /** Default 0. */
  entCoef?: number;
  /** Default 0.5. */
  vfCoef?: number;
  /** Default 0.5. */
  maxGradNorm?: number;
  /** Stop an iteration's epochs when approx_kl > 1.5 targetKl; default none. */
  targetKl?: number | null;
  /** Default true. */
  normalizeAdvantage?: boolean;
}

export const PPO_DEFAULTS = {
  nSteps: 2048, batchSize: 64, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, learningRate: 3e-4, clipRange: 0.2,
  entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantage: true,
} as const;

/** PPO's own settings, checked (before anything is allocated) and resolved. */
function ppoSettings(c: PPOConfig) {
  const batchSize = c.batchSize ?? PPO_DEFAULTS.batchSize;
  if (typeof batchSize !== "number" || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ValidationError("batchSize", "must be an integer >= 1", batchSize);
  }
  const nEpochs = c.nEpochs ?? PPO_DEFAULTS.nEpochs;
  if (typeof nEpochs !== "number" || !Number.isInteger(nEpochs) || nEpochs < 1 || nEpochs > 1e6) {
    throw new ValidationError("nEpochs", "must be an integer in [1, 1e6]", nEpochs);
  }
  if (c.targetKl != null && !(typeof c.targetKl === "number" && c.targetKl > 0)) {
    throw new ValidationError("targetKl", "must be a number > 0, or null", c.targetKl);
  }
  return {
    batchSize,
    nEpochs,
    targetKl: c.targetKl ?? undefined,
    clipRangeFn: scheduleFn("clipRange", c.clipRange ?? PPO_DEFAULTS.clipRange),
    clipRangeVfFn: c.clipRangeVf == null ? undefined : scheduleFn("clipRangeVf", c.clipRangeVf),
  };
}

const PPO_KEYS = {
  algorithm: "PPO", keys: [...COMMON_KEYS, ...SDE_KEYS, ...PPO_ONLY_KEYS], other: "A2C", otherKeys: A2C_ONLY_KEYS, check: ppoSettings,
} as const;

// Every PPOConfig key is in the list checkAgentConfig accepts (a new setting goes into src/agents/config.ts too).
type UnlistedPpoKeys = Exclude<keyof PPOConfig, (typeof PPO_KEYS.keys)[number]>;
const PPO_KEYS_LISTED: [UnlistedPpoKeys] extends [never] ? true : UnlistedPpoKeys = true;

/**
 * PPO trained from samples (Schulman et al. 2017), with Stable-Baselines3's
 * hyperparameters; see the module comment. For the exact tabular instance on
 * a known MDP use `ppo({ epsilon })` (lower case) with `optimise`.
 */
export class PPO<E extends EnvSpec = EnvSpec> extends OnPolicyAgent<PPOConfig<E>> {
  readonly algorithm = "PPO" as const;
  readonly batchSize: number;
  readonly nEpochs: number;
  readonly targetKl: number | undefined;
  readonly optimizer: Adam;
  private readonly clipRangeFn: (p: number) => number;
  private readonly clipRangeVfFn: ((p: number) => number) | undefined;
  /** Minibatch blocks: [permutation of the rollout's rows, obs, actions, logpOld, adv, returns, old values, stats]. */
  private readonly mb: Block<BlockKind>[];

  constructor(config: PPOConfig<E>) {
    super(config, PPO_DEFAULTS, PPO_KEYS);
    const n = this.common.nSteps * this.common.numEnvs;
    const s = ppoSettings(config);
    this.batchSize = s.batchSize;
    this.nEpochs = s.nEpochs;
    this.targetKl = s.targetKl;
    this.clipRangeFn = s.clipRangeFn;
    this.clipRangeVfFn = s.clipRangeVfFn;
    this.optimizer = new Adam(this.policy.store, { learningRate: this.learningRateFn(1), eps: 1e-5 });
    const B = Math.min(this.batchSize, n);
    this.policy.ensure(B);
    const actions = this.policy.continuous ? f32Block(B * this.nActions) : i32Block(B);
    this.mb = [i32Block(n), f32Block(B * this.obsSize), actions, f32Block(B), f32Block(B), f64Block(B), f64Block(B), f64Block(4)];
    own(this, this.mb);
    // The first minibatch of an update sees the rollout's parameters: it
    // replays the rollout's activations (bit-identical when both batches are
    // multiples of 4 rows, see Mlp.replayActivations) instead of a forward pass.
    if (this.common.numEnvs % 4 === 0 && B % 4 === 0) this.policy.enableRolloutCache(n);
  }

  /** One PPO update from the full rollout buffer (SB3's PPO.train). */
  protected train(): Metrics {
    const { entCoef, vfCoef, maxGradNorm, normalizeAdvantage } = this.common;
    const p = this.progressRemaining;
    const lr = this.learningRateFn(p);
    this.optimizer.learningRate = lr;
    // A linear schedule reaches 0 at the end; clipDrift needs eps > 0, and the
    // smallest positive double gives 1 +- eps = 1 exactly, i.e. the same clip.
    const drift = clipDrift(Math.max(this.clipRangeFn(p), Number.MIN_VALUE));
    const epsilon = clipEpsilon(drift);
    const clipVf = this.clipRangeVfFn?.(p);

    const k = kernels();
    const buf = this.buffer;
    const pol = this.policy;
    const d = this.obsSize;
    const n = buf.size;
    const [perm, obs, act, logpOld, adv, ret, oldV, stats] = this.mb as [
      Block<"i32">, Block<"f32">, Block<"i32"> | Block<"f32">, Block<"f32">, Block<"f32">, Block<"f64">, Block<"f64">, Block<"f64">,
    ];

    let pgSum = 0, vSum = 0, entSum = 0, clipSum = 0, klSum = 0, updates = 0, lastKl = 0;
    let stop = false;
    for (let epoch = 0; epoch < this.nEpochs && !stop; epoch++) {
      // The permutation lives in WebAssembly memory: minibatches gather straight from it.
      const pv = perm.view;
      for (let i = 0; i < n; i++) pv[i] = i;
      this.shuffleRng.shuffle(pv);
      for (let start = 0; start < n; start += this.batchSize) {
        const rows = Math.min(this.batchSize, n - start);
        // Minibatch: gather rows of the rollout into contiguous blocks (advantages normalised per minibatch, as SB3).
        const idx = perm.ptr + 4 * start;
        k.agentsGatherRowsF32(buf.obs.ptr, idx, obs.ptr, rows, d);
        k.agentsGatherRowsF32(buf.actions.ptr, idx, act.ptr, rows, buf.actionSize); // 4-byte rows: i32 or f32
        k.agentsGatherRowsF32(buf.logp.ptr, idx, logpOld.ptr, rows, 1);
        k.agentsGatherAdvantages(buf.gae.advantages.ptr, buf.gae.returns.ptr, buf.gae.values.ptr, idx, adv.ptr, ret.ptr, oldV.ptr, rows,
          normalizeAdvantage ? 1 : 0);
        const masks = this.minibatchMasks(idx, rows);

        // Views are taken afresh: a forward pass on a larger batch may grow memory and detach old ones.
        const replayed = epoch === 0 && start === 0 && rows % 4 === 0 && pol.rolloutCacheRows >= n;
        if (replayed) pol.replayRollout(idx, rows);
        const loss = ppoLossAndGradients(pol, {
          rows, obs, actions: act, masks, logpOld, advantages: adv, returns: ret, oldValues: oldV, replayed,
        }, { epsilon, clipRangeVf: clipVf, entCoef, vfCoef }, stats);
        lastKl = loss.approxKl;
        // SB3 stops before the step once the policy has moved too far from the rollout's.
        if (this.targetKl !== undefined && loss.approxKl > 1.5 * this.targetKl) {
          stop = true;
          break;
        }
        // Non-finite losses and gradient norms are checked on the scalars computed anyway: no per-element cost.
        if (!Number.isFinite(loss.loss)) throw this.lossDiverged(loss);
        const norm = gradNorm(pol.store);
        if (!Number.isFinite(norm)) throw this.diverged("the gradient norm", norm);
        this.optimizer.step({ gradScale: clipCoefficient(norm, maxGradNorm) });

        pgSum += loss.policyLoss; vSum += loss.valueLoss; entSum += loss.entropy; clipSum += loss.clipFraction; klSum += loss.approxKl;
        updates++;
      }
    }
    const u = Math.max(updates, 1);
    return {
      "losses/policy_loss": pgSum / u,
      "losses/value_loss": vSum / u,
      "losses/entropy": entSum / u,
      "losses/approx_kl": updates ? klSum / u : lastKl,
      "losses/clipfrac": clipSum / u,
      "losses/explained_variance": explainedVariance(buf.gae.values.view, buf.gae.returns.view, n),
      "charts/learning_rate": lr,
      "charts/clip_range": epsilon,
      "charts/updates": updates,
    };
  }

  /** Which part of a non-finite minibatch loss diverged, with the settings that drive it. */
  private lossDiverged(loss: PpoLossResult): TrainingDivergedError {
    const clip = scheduleToJson(this.config.clipRange ?? PPO_DEFAULTS.clipRange, this.progressRemaining);
    if (!Number.isFinite(loss.policyLoss)) return this.diverged("the policy loss", loss.policyLoss, [["clipRange", clip]]);
    if (!Number.isFinite(loss.entropy)) return this.diverged("the policy's entropy", loss.entropy, [["entCoef", this.common.entCoef]]);
    return this.diverged("the value loss", loss.valueLoss, [["vfCoef", this.common.vfCoef]]);
  }

  protected optimizerState(): Record<string, unknown> {
    const s = this.optimizer.getState();
    return { kind: "adam", step: s.step, m: encodeF32(s.m), v: encodeF32(s.v) };
  }

  protected setOptimizerState(s: Record<string, unknown>): void {
    if (!s || s.kind !== "adam") throw new ValidationError("optimizer", "must be a saved Adam state", s?.kind);
    const n = this.policy.store.size;
    this.optimizer.setState({ step: s.step as number, m: decodeF32("optimizer.m", s.m as string, n), v: decodeF32("optimizer.v", s.v as string, n) });
  }

  protected configJson(): Record<string, unknown> {
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
  static load(bytes: Uint8Array, options: LoadOptions<PPOConfig> = {}): PPO {
    const payload = decodeAgentFile(bytes);
    const agent = new PPO(loadedConfig(payload, "PPO", options) as unknown as PPOConfig);
    return agent.restoreOrDispose(payload);
  }

  /** `load` from a file (Node). */
  static loadFile(path: string, options: LoadOptions<PPOConfig> = {}): PPO {
    return PPO.load(readAgentFile(path), options);
  }

  override dispose(): void {
    disown(this, this.mb);
    this.optimizer.dispose();
    super.dispose();
  }
}
