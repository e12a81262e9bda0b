/**
 * Advantage Actor-Critic (Mnih et al. 2016, "Asynchronous Methods for Deep
 * Reinforcement Learning", synchronous variant) with Stable-Baselines3's API,
 * defaults and update, for discrete and continuous (diagonal Gaussian) actions. One iteration: rollout of nSteps
 * (default 5) x numEnvs steps -> GAE(lambda) advantages (lambda 1 by default:
 * n-step returns) -> ONE gradient step on the whole rollout:
 *
 *   loss = -mean(A log pi(a|s)) - entCoef mean(H) + vfCoef mean((R - V(s))^2)
 *
 * with global-norm clipping and RMSprop (alpha 0.99, eps 1e-5, as SB3's
 * use_rms_prop = True) or Adam (useRmsProp: false; SB3 then uses Adam with eps 1e-5).
 * With legal-action masks from the environment (`info.actionMask`,
 * `actionMasks()`), actions are sampled among the legal ones and log pi and H
 * are those of the policy renormalised over them (Huang & Ontañón 2022).
 *
 *   const agent = new A2C({ env: "CartPole-v1", numEnvs: 8, seed: 1 });
 *   await agent.learn(500_000);
 */
import { ValidationError } from "../core/errors.js";
import { Adam } from "../optim/adam.js";
import { clipCoefficient, gradNorm } from "../optim/grad-norm.js";
import { normalizeAdvantages } from "../returns/advantage.js";
import { disown, f32Block, i32Block, own, type Block, type BlockKind } from "../core/arena.js";
import { OnPolicyAgent, loadedConfig, readAgentFile, type EnvSpec, type LoadOptions, type OnPolicyConfig } from "./on-policy.js";
import { Rmsprop } from "../optim/rmsprop.js";
import { decodeAgentFile, decodeF32, encodeF32 } from "./agent-file.js";
import { explainedVariance, valueLossInto } from "./value-loss.js";
import type { Metrics } from "./logger.js";
import type { Schedule } from "./schedules.js";
import { A2C_ONLY_KEYS, checkBoolean, COMMON_KEYS, PPO_ONLY_KEYS, SDE_KEYS } from "./config.js";
import type { SdeConfig } from "./sde.js";

/** A2C's config: SB3's hyperparameters in camelCase (defaults are SB3's). */
export interface A2CConfig<E extends EnvSpec = EnvSpec> extends OnPolicyConfig<E>, SdeConfig {
  /** Default 5. */
  nSteps?: number;
  /** Default 0.99. */
  gamma?: number;
  /** Default 1 (n-step returns). */
  gaeLambda?: number;
  /** Default 7e-4. */
  learningRate?: Schedule;
  /** Default 0. */
  entCoef?: number;
  /** Default 0.5. */
  vfCoef?: number;
  /** Default 0.5. */
  maxGradNorm?: number;
  /** RMSprop (default, SB3) or Adam. */
  useRmsProp?: boolean;
  /** RMSprop's eps; default 1e-5. */
  rmsPropEps?: number;
  /** Default false. */
  normalizeAdvantage?: boolean;
}

export const A2C_DEFAULTS = {
  nSteps: 5, gamma: 0.99, gaeLambda: 1, learningRate: 7e-4, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantage: false,
} as const;

/** A2C's own settings, checked (before anything is allocated) and resolved. */
function a2cSettings(c: A2CConfig): { useRms: boolean; eps: number } {
  const useRms = checkBoolean("useRmsProp", c.useRmsProp, true);
  const eps = c.rmsPropEps ?? 1e-5;
  if (typeof eps !== "number" || !(eps >= 0 && eps < Infinity)) throw new ValidationError("rmsPropEps", "must be finite and >= 0", eps);
  return { useRms, eps };
}

const A2C_KEYS = {
  algorithm: "A2C", keys: [...COMMON_KEYS, ...SDE_KEYS, ...A2C_ONLY_KEYS], other: "PPO", otherKeys: PPO_ONLY_KEYS, check: a2cSettings,
} as const;

// Every A2CConfig key is in the list checkAgentConfig accepts (a new setting goes into src/agents/config.ts too).
type UnlistedA2cKeys = Exclude<keyof A2CConfig, (typeof A2C_KEYS.keys)[number]>;
const A2C_KEYS_LISTED: [UnlistedA2cKeys] extends [never] ? true : UnlistedA2cKeys = true;

/**
 * A2C trained from samples (Mnih et al. 2016, synchronous), with
 * Stable-Baselines3's hyperparameters; see the module comment. Like `PPO`,
 * a capitalised agent class; the lower-case factories (`npg`, `ppo`, ...)
 * are exact tabular Mirror Learning instances.
 */
export class A2C<E extends EnvSpec = EnvSpec> extends OnPolicyAgent<A2CConfig<E>> {
  readonly algorithm = "A2C" as const;
  readonly optimizer: Rmsprop | Adam;
  /** [normalised advantages, rows 0..n-1 (the order in which the update replays the rollout)]. */
  private readonly advBlock: Block<BlockKind>[];

  constructor(config: A2CConfig<E>) {
    super(config, A2C_DEFAULTS, A2C_KEYS);
    const { useRms, eps } = a2cSettings(config);
    const lr = this.learningRateFn(1);
    this.optimizer = useRms
      ? new Rmsprop(this.policy.store, { learningRate: lr, alpha: 0.99, eps })
      : new Adam(this.policy.store, { learningRate: lr, eps: 1e-5 });
    const n = this.buffer.size;
    this.policy.ensure(n);
    this.advBlock = [f32Block(n), i32Block(n, Array.from({ length: n }, (_, i) => i))];
    own(this, this.advBlock);
    // Every update sees the rollout's parameters: it replays the rollout's
    // activations (bit-identical when both batches are multiples of 4 rows,
    // see Mlp.replayActivations) instead of recomputing the forward passes.
    if (this.common.numEnvs % 4 === 0 && n % 4 === 0) this.policy.enableRolloutCache(n);
  }

  /** One A2C update from the full rollout buffer (SB3's A2C.train). */
  protected train(): Metrics {
    const { entCoef, vfCoef, maxGradNorm, normalizeAdvantage } = this.common;
    const lr = this.learningRateFn(this.progressRemaining);
    this.optimizer.learningRate = lr;
    const buf = this.buffer;
    const pol = this.policy;
    const n = buf.size;

    // Policy gradient: d(-mean(A log pi))/d log pi = -A / n. Views are taken after
    // the forward pass, which may grow memory (and detach views taken before).
    const replayed = pol.rolloutCacheRows >= n;
    const masks = this.rolloutMasks();
    if (replayed) {
      pol.replayRollout(this.advBlock[1].ptr, n);
      pol.logProbHead(n, buf.actions, masks);
    } else {
      pol.logProbForward(buf.obs, n, buf.actions, masks);
    }
    const adv = buf.gae.advantages.view;
    const g = pol.gLogp.view;
    const a = this.advBlock[0].view as Float32Array;
    if (normalizeAdvantage) normalizeAdvantages(adv, a, n);
    else for (let i = 0; i < n; i++) a[i] = adv[i];
    const lp = pol.logpAct.view;
    const ent = pol.entropy.view;
    let pg = 0, entMean = 0;
    for (let i = 0; i < n; i++) {
      pg -= a[i] * lp[i];
      entMean += ent[i];
      g[i] = -a[i] / n;
    }
    pg /= n;
    entMean /= n;
    // Non-finite losses and gradient norms are checked on the scalars computed anyway: no per-element cost.
    if (!Number.isFinite(pg)) throw this.diverged("the policy loss", pg);
    if (!Number.isFinite(entMean)) throw this.diverged("the policy's entropy", entMean, [["entCoef", entCoef]]);
    pol.logProbBackward(n, buf.actions, entCoef);

    const values = (replayed ? pol.critic.lastOutput : pol.critic.forward(buf.obs, n)).view;
    const vLoss = valueLossInto(values, buf.gae.returns.view, buf.gae.values.view, n, undefined, vfCoef, pol.dValues.view);
    if (!Number.isFinite(vLoss)) throw this.diverged("the value loss", vLoss, [["vfCoef", vfCoef]]);
    pol.critic.backward(pol.dValues);

    const norm = gradNorm(pol.store);
    if (!Number.isFinite(norm)) throw this.diverged("the gradient norm", norm);
    this.optimizer.step({ gradScale: clipCoefficient(norm, maxGradNorm) });
    return {
      "losses/policy_loss": pg,
      "losses/value_loss": vLoss,
      "losses/entropy": entMean,
      "losses/explained_variance": explainedVariance(buf.gae.values.view, buf.gae.returns.view, n),
      "charts/learning_rate": lr,
    };
  }

  protected optimizerState(): Record<string, unknown> {
    if (this.optimizer instanceof Rmsprop) {
      const s = this.optimizer.getState();
      return { kind: "rmsprop", step: s.step, v: encodeF32(s.v) };
    }
    const s = this.optimizer.getState();
    return { kind: "adam", step: s.step, m: encodeF32(s.m), v: encodeF32(s.v) };
  }

  protected setOptimizerState(s: Record<string, unknown>): void {
    const n = this.policy.store.size;
    const want = this.optimizer instanceof Rmsprop ? "rmsprop" : "adam";
    if (!s || s.kind !== want) throw new ValidationError("optimizer", `must be a saved ${want} state`, s?.kind);
    if (this.optimizer instanceof Rmsprop) this.optimizer.setState({ step: s.step as number, v: decodeF32("optimizer.v", s.v as string, n) });
    else this.optimizer.setState({ step: s.step as number, m: decodeF32("optimizer.m", s.m as string, n), v: decodeF32("optimizer.v", s.v as string, n) });
  }

  protected configJson(): Record<string, unknown> {
    const cm = this.common;
    return {
      nSteps: cm.nSteps, gamma: cm.gamma, gaeLambda: cm.gaeLambda, entCoef: cm.entCoef, vfCoef: cm.vfCoef, maxGradNorm: cm.maxGradNorm,
      netArch: cm.netArch, activation: cm.activation, normalize: { obs: cm.normalizeObs, reward: cm.normalizeReward },
      normalizeAdvantage: cm.normalizeAdvantage, orthoInit: cm.orthoInit, seed: cm.seed, statsWindow: cm.statsWindow,
      useRmsProp: this.optimizer instanceof Rmsprop, rmsPropEps: this.optimizer instanceof Rmsprop ? this.optimizer.eps : 1e-5,
      ...this.sdeConfigJson(),
    };
  }

  /** An agent from `save()`'s bytes (see PPO.load). */
  static load(bytes: Uint8Array, options: LoadOptions<A2CConfig> = {}): A2C {
    const payload = decodeAgentFile(bytes);
    const agent = new A2C(loadedConfig(payload, "A2C", options) as unknown as A2CConfig);
    return agent.restoreOrDispose(payload);
  }

  static loadFile(path: string, options: LoadOptions<A2CConfig> = {}): A2C {
    return A2C.load(readAgentFile(path), options);
  }

  override dispose(): void {
    disown(this, this.advBlock);
    this.optimizer.dispose();
    super.dispose();
  }
}
