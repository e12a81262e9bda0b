/**
 * What TRPO and NPG share on top of the on-policy loop (sb3-contrib's TRPO
 * structure): each update takes ONE natural-gradient policy step on the
 * rollout (optionally on a random subset of its rows), then fits the critic
 * alone by nCriticUpdates passes of Adam (eps 1e-5) over minibatches of
 * batchSize with the mean squared error to the GAE returns. The policy step
 * itself (line search or fixed step size) is the subclass's `policyStep`.
 */
import { ValidationError } from "../core/errors.js";
import { disown, f32Block, f64Block, i32Block, own, type Block, type BlockKind } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { Adam } from "../optim/adam.js";
import { OnPolicyAgent, type AlgorithmDefaults, type AlgorithmKeys, type OnPolicyConfig, type EnvSpec } from "./on-policy.js";
import { COMMON_KEYS, PPO_ONLY_KEYS, A2C_ONLY_KEYS } from "./config.js";
import { NaturalGradientStep, type NaturalDirection, type PolicyBatch } from "./natural-gradient.js";
import { TrainingDivergedError, type DivergenceHint } from "./diverged.js";
import { decodeF32, encodeF32 } from "./agent-file.js";
import { explainedVariance, valueLossInto } from "./value-loss.js";
import type { Metrics } from "./logger.js";
import type { Schedule } from "./schedules.js";

/** The settings of both natural-gradient agents, with sb3-contrib's TRPO names in camelCase. */
export interface NaturalPolicyConfig<E extends EnvSpec = EnvSpec> extends Omit<OnPolicyConfig<E>, "entCoef" | "vfCoef" | "maxGradNorm"> {
  /** Steps per copy per rollout; default 2048. */
  nSteps?: number;
  /** Minibatch size of the critic's updates; default 128. */
  batchSize?: number;
  /** Default 0.99. */
  gamma?: number;
  /** Default 0.95. */
  gaeLambda?: number;
  /** The critic's Adam step size (or a schedule of progress remaining); default 1e-3. */
  learningRate?: Schedule;
  /** Passes of the critic over the rollout per update; default 10. */
  nCriticUpdates?: number;
  /** Conjugate-gradient products per policy step; default 15. */
  cgMaxSteps?: number;
  /** lambda of the damped Fisher matrix F + lambda I; default 0.1. */
  cgDamping?: number;
  /** The policy step uses a random 1/subSamplingFactor of the rollout's rows; default 1 (all). */
  subSamplingFactor?: number;
  /** Advantages normalised over the policy step's rows; default true. */
  normalizeAdvantage?: boolean;
}

/** sb3-contrib's TRPO defaults for the shared settings. */
export const NATURAL_DEFAULTS = {
  nSteps: 2048, batchSize: 128, gamma: 0.99, gaeLambda: 0.95, learningRate: 1e-3, nCriticUpdates: 10, cgMaxSteps: 15, cgDamping: 0.1,
  subSamplingFactor: 1, normalizeAdvantage: true,
} as const;

/** The on-policy loop's defaults: no entropy bonus, value coefficient or gradient clipping (sb3-contrib fixes them). */
export const NATURAL_LOOP_DEFAULTS: AlgorithmDefaults = {
  nSteps: NATURAL_DEFAULTS.nSteps, gamma: NATURAL_DEFAULTS.gamma, gaeLambda: NATURAL_DEFAULTS.gaeLambda, learningRate: NATURAL_DEFAULTS.learningRate,
  entCoef: 0, vfCoef: 0, maxGradNorm: Infinity, normalizeAdvantage: NATURAL_DEFAULTS.normalizeAdvantage,
};

/** Keys of both natural-gradient agents. */
export const NATURAL_KEYS = [
  ...COMMON_KEYS.filter((k) => k !== "entCoef" && k !== "vfCoef" && k !== "maxGradNorm"),
  "batchSize", "nCriticUpdates", "cgMaxSteps", "cgDamping", "subSamplingFactor",
] as const;

/** Keys of PPO and A2C that the natural-gradient agents do not have. */
export const NOT_NATURAL_KEYS = [
  ...new Set([...PPO_ONLY_KEYS, ...A2C_ONLY_KEYS, "entCoef", "vfCoef", "maxGradNorm"].filter((k) => k !== "batchSize" && k !== "targetKl")),
];

function integer(field: string, v: unknown, dflt: number, lo: number, hi: number): number {
  const x = v ?? dflt;
  if (typeof x !== "number" || !Number.isInteger(x) || x < lo || x > hi) throw new ValidationError(field, `must be an integer in [${lo}, ${hi}]`, x);
  return x;
}

/** The shared settings, checked (before anything is allocated) and resolved. */
export function naturalSettings(c: NaturalPolicyConfig) {
  const damping = c.cgDamping ?? NATURAL_DEFAULTS.cgDamping;
  if (typeof damping !== "number" || !(damping >= 0 && damping < Infinity)) throw new ValidationError("cgDamping", "must be a finite number >= 0", damping);
  return {
    batchSize: integer("batchSize", c.batchSize, NATURAL_DEFAULTS.batchSize, 1, Number.MAX_SAFE_INTEGER),
    nCriticUpdates: integer("nCriticUpdates", c.nCriticUpdates, NATURAL_DEFAULTS.nCriticUpdates, 0, 1e6),
    cgMaxSteps: integer("cgMaxSteps", c.cgMaxSteps, NATURAL_DEFAULTS.cgMaxSteps, 1, 1e6),
    cgDamping: damping,
    subSamplingFactor: integer("subSamplingFactor", c.subSamplingFactor, NATURAL_DEFAULTS.subSamplingFactor, 1, Number.MAX_SAFE_INTEGER),
  };
}

/** What a subclass's policy step reports. */
export interface PolicyStepResult {
  /** The surrogate after the step (the baseline when no step was taken). */
  objective: number;
  /** Mean KL(pi_old || pi_new) on the step's rows (0 when no step was taken). */
  kl: number;
  /** 1 when the step was taken, 0 when the parameters were kept. */
  accepted: number;
  /** The step's length along the natural direction s (theta_new = theta_old + stepSize s). */
  stepSize: number;
}

/**
 * The base of TRPO and NPG: the on-policy loop's rollouts, one
 * natural-gradient policy step per update (`policyStep`), and the critic's
 * Adam passes. Not for direct use.
 */
export abstract class NaturalPolicyAgent<C extends NaturalPolicyConfig = NaturalPolicyConfig> extends OnPolicyAgent<C> {
  abstract override readonly algorithm: "TRPO" | "NPG";
  readonly batchSize: number;
  readonly nCriticUpdates: number;
  readonly cgMaxSteps: number;
  readonly cgDamping: number;
  readonly subSamplingFactor: number;
  /** Adam over the critic's parameters only. */
  readonly criticOptimizer: Adam;
  protected readonly step: NaturalGradientStep;
  /** Rows of the policy step: ceil(rollout / subSamplingFactor). */
  private readonly policyRows: number;
  /** [permutation (i32, rollout), obs, actions, logpOld, adv (policy rows), adv scratch, returns (f64), values (f64), critic obs, critic adv, critic returns, critic values]. */
  private readonly mb: Block<BlockKind>[];

  protected constructor(config: C, who: AlgorithmKeys) {
    super(config, NATURAL_LOOP_DEFAULTS, who);
    const s = naturalSettings(config);
    this.batchSize = s.batchSize;
    this.nCriticUpdates = s.nCriticUpdates;
    this.cgMaxSteps = s.cgMaxSteps;
    this.cgDamping = s.cgDamping;
    this.subSamplingFactor = s.subSamplingFactor;
    const n = this.buffer.size;
    const m = Math.ceil(n / this.subSamplingFactor);
    this.policyRows = m;
    const B = Math.min(this.batchSize, n);
    this.policy.ensure(Math.max(m, B));
    this.criticOptimizer = new Adam(this.policy.critic.slice, { learningRate: this.learningRateFn(1), eps: 1e-5 });
    this.step = new NaturalGradientStep(this.policy, { damping: this.cgDamping, cgMaxSteps: this.cgMaxSteps });
    const actions = this.continuous ? f32Block(m * this.nActions) : i32Block(m);
    const d = this.obsSize;
    this.mb = [
      i32Block(n), f32Block(m * d), actions, f32Block(m), f32Block(m), f64Block(m), f64Block(m),
      f32Block(B * d), f32Block(B), f64Block(B), f64Block(B),
    ];
    own(this, this.mb);
  }

  /**
   * The policy step on the direction the step object has just computed
   * (theta_old in the policy): move the parameters, or leave them at theta_old.
   */
  protected abstract policyStep(direction: NaturalDirection): PolicyStepResult;

  /** Settings to name when training diverges, besides learningRate and cgDamping. */
  protected abstract stepHints(): DivergenceHint[];

  /** One update from the full rollout buffer: the policy step, then the critic (sb3-contrib's TRPO.train). */
  protected train(): Metrics {
    const lr = this.learningRateFn(this.progressRemaining);
    this.criticOptimizer.learningRate = lr;
    const k = kernels();
    const buf = this.buffer;
    const n = buf.size;
    const d = this.obsSize;
    const [perm, obs, act, logpOld, adv, ret, val, cObs, cAdv, cRet, cVal] = this.mb as [
      Block<"i32">, Block<"f32">, Block<"i32"> | Block<"f32">, Block<"f32">, Block<"f32">, Block<"f64">, Block<"f64">,
      Block<"f32">, Block<"f32">, Block<"f64">, Block<"f64">,
    ];

    // 1. The policy step, on all rows or a random subset (sb3-contrib shuffles, then takes every k-th row).
    const m = this.policyRows;
    const pv = perm.view;
    for (let i = 0; i < n; i++) pv[i] = i;
    if (this.subSamplingFactor > 1) this.shuffleRng.shuffle(pv);
    k.agentsGatherRowsF32(buf.obs.ptr, perm.ptr, obs.ptr, m, d);
    k.agentsGatherRowsF32(buf.actions.ptr, perm.ptr, act.ptr, m, buf.actionSize);
    k.agentsGatherRowsF32(buf.logp.ptr, perm.ptr, logpOld.ptr, m, 1);
    k.agentsGatherAdvantages(buf.gae.advantages.ptr, buf.gae.returns.ptr, buf.gae.values.ptr, perm.ptr, adv.ptr, ret.ptr, val.ptr, m,
      this.common.normalizeAdvantage ? 1 : 0);
    const batch: PolicyBatch = { obs, actions: act, logpOld, advantages: adv, rows: m };
    const dir = this.step.direction(batch);
    const ent = this.policy.entropy.view;
    let entropy = 0;
    for (let i = 0; i < m; i++) entropy += ent[i];
    entropy /= m;
    if (!Number.isFinite(dir.objective)) throw this.diverged("the policy's surrogate objective", dir.objective);
    if (!Number.isFinite(dir.gradientNorm)) throw this.diverged("the surrogate's gradient norm", dir.gradientNorm);
    if (!Number.isFinite(dir.sFs)) throw this.diverged("s^T F s of the natural direction", dir.sFs);
    const result = this.policyStep(dir);

    // 2. The critic: nCriticUpdates passes of Adam over shuffled minibatches, MSE to the returns.
    const critic = this.policy.critic;
    const dValues = this.policy.dValues;
    let vSum = 0;
    let vCount = 0;
    for (let epoch = 0; epoch < this.nCriticUpdates; epoch++) {
      const p2 = perm.view;
      for (let i = 0; i < n; i++) p2[i] = i;
      this.shuffleRng.shuffle(p2);
      for (let start = 0; start < n; start += this.batchSize) {
        const rows = Math.min(this.batchSize, n - start);
        const idx = perm.ptr + 4 * start;
        k.agentsGatherRowsF32(buf.obs.ptr, idx, cObs.ptr, rows, d);
        k.agentsGatherAdvantages(buf.gae.advantages.ptr, buf.gae.returns.ptr, buf.gae.values.ptr, idx, cAdv.ptr, cRet.ptr, cVal.ptr, rows, 0);
        const values = critic.forward(cObs, rows).view;
        const loss = valueLossInto(values, cRet.view, cVal.view, rows, undefined, 1, dValues.view);
        if (!Number.isFinite(loss)) throw this.diverged("the value loss", loss);
        critic.backward(dValues);
        this.criticOptimizer.step({ gradScale: 1 });
        vSum += loss;
        vCount++;
      }
    }
    const valueLoss = vCount ? vSum / vCount : NaN;
    const explained = explainedVariance(buf.gae.values.view, buf.gae.returns.view, n);
    const metrics: Metrics = {
      "losses/policy_loss": -result.objective,
      "losses/value_loss": valueLoss,
      "losses/entropy": entropy,
      "losses/approx_kl": result.kl,
      "losses/explained_variance": explained,
      "charts/learning_rate": lr,
      "train/policy_objective": result.objective,
      "train/kl_divergence_loss": result.kl,
      "train/is_line_search_success": result.accepted,
      "train/value_loss": valueLoss,
      "train/explained_variance": explained,
      "train/step_size": result.stepSize,
      "train/cg_steps": dir.cgSteps,
      "train/cg_residual": dir.cgResidual,
    };
    if (this.policy.logStd) {
      const ls = this.policy.logStd.view;
      let s = 0;
      for (let i = 0; i < ls.length; i++) s += Math.exp(ls[i]);
      metrics["train/std"] = s / ls.length;
    }
    return metrics;
  }

  protected override diverged(quantity: string, value: number, extra: readonly DivergenceHint[] = [], update = this.iterations): TrainingDivergedError {
    const lr = this.config.learningRate;
    const hints: DivergenceHint[] = [
      ["learningRate", typeof lr === "function" ? this.learningRateFn(this.progressRemaining) : lr ?? this.learningRateFn(1)],
      ...extra,
      ...this.stepHints(),
    ];
    const normalized = this.common.normalizeObs && this.common.normalizeReward;
    return new TrainingDivergedError(this.algorithm, update, quantity, value, hints, `raise cgDamping (got ${this.cgDamping})${normalized ? "" : " or set normalize: true"}`);
  }

  protected optimizerState(): Record<string, unknown> {
    const s = this.criticOptimizer.getState();
    return { kind: "adam", step: s.step, m: encodeF32(s.m), v: encodeF32(s.v) };
  }

  protected setOptimizerState(s: Record<string, unknown>): void {
    if (!s || s.kind !== "adam") throw new ValidationError("optimizer", "must be a saved Adam state (of the critic)", s?.kind);
    const n = this.policy.critic.parameterCount;
    this.criticOptimizer.setState({ step: s.step as number, m: decodeF32("optimizer.m", s.m as string, n), v: decodeF32("optimizer.v", s.v as string, n) });
  }

  /** The shared settings as saved (the subclass adds its own). */
  protected naturalConfigJson(): Record<string, unknown> {
    const cm = this.common;
    return {
      nSteps: cm.nSteps, batchSize: this.batchSize, gamma: cm.gamma, gaeLambda: cm.gaeLambda, nCriticUpdates: this.nCriticUpdates,
      cgMaxSteps: this.cgMaxSteps, cgDamping: this.cgDamping, subSamplingFactor: this.subSamplingFactor, netArch: cm.netArch,
      activation: cm.activation, normalize: { obs: cm.normalizeObs, reward: cm.normalizeReward }, normalizeAdvantage: cm.normalizeAdvantage,
      orthoInit: cm.orthoInit, seed: cm.seed, statsWindow: cm.statsWindow,
    };
  }

  override dispose(): void {
    disown(this, this.mb);
    this.step.dispose();
    this.criticOptimizer.dispose();
    super.dispose();
  }
}
