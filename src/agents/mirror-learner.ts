/**
 * The sample-based Mirror Learning step for any drift (Kuba, Schroeder de
 * Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation"). The exact step (`mirrorStep`) is
 *
 *   pi_new = argmax_{pi in N(pi_old)} E_{s~beta}[ E_{a~pi}[A_old(s,a)] - w(s) D_old(pi | s) ],   w = nu / beta;
 *
 * MirrorLearner estimates it from rollouts of pi_old (beta = nu = the
 * rollout's state distribution, so w = 1): GAE(lambda) advantages (Schulman
 * et al. 2016), then nEpochs passes over random minibatches of batchSize rows
 * of the loss
 *
 *   loss = -( mean(r A) - mean(w D) ) - entCoef mean(H) + vfCoef mean((R - V(s))^2),   r = pi(a|s) / pi_old(a|s),
 *
 * where D is the drift's per-sample estimate (E_{a~pi_old}[D] = D_old(pi | s),
 * see src/mirror/drift.ts), with global-norm gradient clipping and Adam
 * (Kingma & Ba 2015; eps 1e-5). The value loss, entropy bonus, targetKl
 * early stop and every setting name are PPO's (Stable-Baselines3's). The
 * drift's loss runs in a kernel for the built-in drifts (PPO's clip kernel;
 * the forward-KL, reverse-KL, squared-L2 and zero drifts in
 * assembly/agents/drift-loss.ts) and through the drift's own `sample.value`
 * and `sample.derivative`, called once per row in TypeScript, for a
 * `customDrift` (slower; see src/agents/drift-loss.ts).
 *
 * The same drift objects give the exact tabular step, so each instance has
 * both forms:
 *
 *   - `clipDrift(eps)`: PPO (Schulman et al. 2017). The class `PPO` is this
 *     learner with the clip drift, a thin subclass keeping SB3's PPO API;
 *   - `forwardKlDrift(C)`: trust-region learning with neural policies, the
 *     KL-penalised surrogate of Schulman et al. 2015 ("Trust Region Policy
 *     Optimization", Theorem 1: the penalty C KL(pi_old || pi));
 *   - `reverseKlDrift(eta)`: the penalty form of the natural policy
 *     gradient / policy mirror descent (Kakade 2001; Xiao 2022), whose exact
 *     step is pi_new ∝ pi_old exp(eta A);
 *   - `zeroDrift()`: the unclipped surrogate (GPI's drift) over several epochs;
 *   - `squaredL2Drift(C)` and any `customDrift` with a `sample` estimator.
 *   The squared-TV drift has no per-sample estimator and is rejected.
 *
 * Neighbourhood: `allPolicies()` (the default). A KL ball (`meanKlBall`,
 * `maxKlBall`) is a constraint, which a natural-gradient step takes
 * (Fisher-vector products, conjugate gradient, a line search on the KL and
 * the surrogate: the TRPO agent), not gradient steps on a penalty: rejected
 * here with a message naming TRPO (the hook is `sampleNeighbourhood` in
 * ./mirror-learner-config.ts, with the settings); the
 * TV ball and the mixture segment are rejected too.
 *
 *   const agent = new MirrorLearner({ env: "CartPole-v1", drift: forwardKlDrift(1), numEnvs: 8, nSteps: 32,
 *     batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", seed: 1 });
 *   await agent.learn(100_000);
 *   const again = MirrorLearner.load(agent.save()); // built-in drifts are saved by kind and parameters
 *
 * `trainOn(batch)` runs one update on samples the caller gives (e.g. exact
 * advantages of a tabular MDP) instead of a rollout.
 *
 * Over 400 lines on purpose (barely): the minibatch epochs, the drift's loss
 * path and the saved state of one learner; its settings are in
 * mirror-learner-config.ts.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions, isArrayLike, kindOf } from "../core/validate.js";
import type { Drift, Neighbourhood } from "../mirror/index.js";
import { Adam } from "../optim/adam.js";
import { clipCoefficient, gradNorm } from "../optim/grad-norm.js";
import { disown, f32Block, f64Block, i32Block, own, scratch, type Block, type BlockKind } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { OnPolicyAgent, loadedConfig, readAgentFile, type EnvSpec, type LoadOptions } from "./on-policy.js";
import { driftLossPath } from "./drift-loss.js";
import { mirrorLossAndGradients, type MirrorLossResult } from "./mirror-objective.js";
import { MIRROR_SETUP, type LearnerConfig, type LearnerSetup, type MirrorLearnerConfig } from "./mirror-learner-config.js";
import type { DivergenceHint, TrainingDivergedError } from "./diverged.js";
import { scheduleToJson } from "./schedules.js";
import { decodeAgentFile, decodeF32, encodeF32 } from "./agent-file.js";
import { explainedVariance } from "./value-loss.js";
import type { Metrics } from "./logger.js";

/** One update's data: a rollout buffer's columns or a caller's batch, and the minibatch blocks to gather into. */
interface UpdateSource {
  n: number;
  obs: Block<"f32">;
  actions: Block<"i32"> | Block<"f32">;
  actionSize: number;
  logp: Block<"f32">;
  advantages: Block<"f64">;
  returns: Block<"f64">;
  values: Block<"f64">;
  /** Per-row drift weights (none: 1). */
  weights?: Block<"f32">;
  /** The rows are the rollout buffer's: its masks and the replay cache apply. */
  rollout: boolean;
  /** The critic learns (value targets were given). */
  trainCritic: boolean;
  /** [permutation of the rows, obs, actions, logpOld, adv, returns, old values, stats, (weights)]. */
  blocks: Block<BlockKind>[];
}

/** Sums over one update's minibatches, for the metrics. */
export interface UpdateSums {
  policyLoss: number; valueLoss: number; entropy: number; clipFraction: number; approxKl: number; drift: number;
  updates: number; lastKl: number; explainedVariance: number; learningRate: number; driftObject: Drift;
}

/** Samples for `trainOn`: rows of (s_i, a_i ~ pi_old(.|s_i), A_i), flat. */
export interface MirrorBatch {
  /** rows x obsSize observations, flat; raw (normalised with the agent's statistics, which are not updated). */
  obs: ArrayLike<number>;
  /** Discrete: rows action indices; Box: rows x actionDim values. */
  actions: ArrayLike<number>;
  /** Advantage estimates A_old(s_i, a_i), rows values (normalised per minibatch when normalizeAdvantage). */
  advantages: ArrayLike<number>;
  /** log pi_old(a_i | s_i); default: the current policy's (the step starts from it). */
  logpOld?: ArrayLike<number>;
  /** Value targets for the critic; without them the critic is not trained. */
  returns?: ArrayLike<number>;
  /** The drift weights w_i = nu(s_i) / beta(s_i), finite and >= 0; default 1 (beta = nu). */
  driftWeights?: ArrayLike<number>;
}

const BATCH_KEYS = ["obs", "actions", "advantages", "logpOld", "returns", "driftWeights"] as const;

/** A column of `n` finite numbers (>= 0 with `nonNegative`). */
function column(field: string, x: unknown, n: number, nonNegative = false): ArrayLike<number> {
  if (!isArrayLike(x)) throw new ValidationError(field, "must be an array or typed array of numbers", kindOf(x));
  if (x.length !== n) throw new ValidationError(field, `must hold ${n} values`, x.length);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (typeof v !== "number" || !Number.isFinite(v) || (nonNegative && v < 0)) {
      throw new ValidationError(field, nonNegative ? "entries must be finite numbers >= 0" : "entries must be finite numbers", v, { index: i });
    }
  }
  return x as ArrayLike<number>;
}

/** A built-in drift as its kind and parameters; a custom drift by its name (its functions cannot be saved). */
function driftJson(d: Drift): Record<string, unknown> {
  if (d.kind === "custom") return { kind: "custom", name: d.name };
  return d.kind === "clip" ? { kind: d.kind, coefficient: d.coefficient, epsilon: d.epsilon } : { kind: d.kind, coefficient: d.coefficient };
}

/**
 * The sample-based Mirror Learning step for any drift: see the module
 * comment. `PPO` is this class with the clip drift.
 */
export class MirrorLearner<E extends EnvSpec = EnvSpec, C extends LearnerConfig<E> = MirrorLearnerConfig<E>> extends OnPolicyAgent<C> {
  /** What `new` builds (PPO overrides it): see LearnerSetup. */
  protected static readonly setup: LearnerSetup = MIRROR_SETUP;
  readonly algorithm: "MirrorLearner" | "PPO" = "MirrorLearner";
  readonly batchSize: number;
  readonly nEpochs: number;
  readonly targetKl: number | undefined;
  readonly optimizer: Adam;
  /** The neighbourhood (allPolicies()). */
  readonly neighbourhood: Neighbourhood;
  private readonly driftFn: (p: number) => Drift;
  private readonly clipRangeVfFn: ((p: number) => number) | undefined;
  /** Minibatch blocks: [permutation of the rollout's rows, obs, actions, logpOld, adv, returns, old values, stats]. */
  private readonly mb: Block<BlockKind>[];

  constructor(config: MirrorLearnerConfig<E>) {
    const setup = (new.target as unknown as { readonly setup: LearnerSetup }).setup;
    super(config as unknown as C, setup.defaults, setup.keys);
    const n = this.common.nSteps * this.common.numEnvs;
    const s = setup.settings(config as never);
    this.batchSize = s.batchSize;
    this.nEpochs = s.nEpochs;
    this.targetKl = s.targetKl;
    this.clipRangeVfFn = s.clipRangeVfFn;
    this.driftFn = s.driftAt;
    this.neighbourhood = s.neighbourhood;
    this.optimizer = new Adam(this.policy.store, { learningRate: this.learningRateFn(1), eps: 1e-5 });
    const B = Math.min(this.batchSize, n);
    this.policy.ensure(B);
    this.mb = this.minibatchBlocks(n, B, false);
    own(this, this.mb);
    // The first minibatch of an update sees the rollout's parameters: it
    // replays the rollout's activations (bit-identical when both batches are
    // multiples of 4 rows, see Mlp.replayActivations) instead of a forward pass.
    if (this.common.numEnvs % 4 === 0 && B % 4 === 0) this.policy.enableRolloutCache(n);
  }

  /** The drift of the update at `progressRemaining` (PPO's clip range may follow a schedule). */
  driftAt(progressRemaining: number): Drift {
    return this.driftFn(progressRemaining);
  }

  /** The drift of the next update. */
  get drift(): Drift {
    return this.driftFn(this.progressRemaining);
  }

  private minibatchBlocks(n: number, B: number, weighted: boolean): Block<BlockKind>[] {
    const actions = this.policy.continuous ? f32Block(B * this.nActions) : i32Block(B);
    const blocks: Block<BlockKind>[] = [i32Block(n), f32Block(B * this.obsSize), actions, f32Block(B), f32Block(B), f64Block(B), f64Block(B), f64Block(4)];
    if (weighted) blocks.push(f32Block(B));
    return blocks;
  }

  /** One update from the full rollout buffer (SB3's PPO.train). */
  protected train(): Metrics {
    const buf = this.buffer;
    return this.update({
      n: buf.size, obs: buf.obs, actions: buf.actions, actionSize: buf.actionSize, logp: buf.logp, advantages: buf.gae.advantages,
      returns: buf.gae.returns, values: buf.gae.values, rollout: true, trainCritic: true, blocks: this.mb,
    });
  }

  /**
   * One update (nEpochs passes of minibatches, as `learn` runs after each
   * rollout) on samples the caller gives instead of a rollout: s_i ~ beta,
   * a_i ~ pi_old(.|s_i) with the advantage estimates A_i (for instance exact
   * ones of a tabular MDP), optional value targets, log pi_old and drift
   * weights w_i = nu(s_i)/beta(s_i) (see MirrorBatch). Uses the current
   * progress remaining for the schedules and the agent's shuffling stream;
   * counts no environment steps. Discrete actions are unmasked. Returns the
   * update's metrics.
   */
  trainOn(batch: MirrorBatch): Metrics {
    const b = checkOptions("batch", batch, BATCH_KEYS, `${this.algorithm}.trainOn`);
    const rows = isArrayLike(b.advantages) ? b.advantages.length : 0;
    if (!(rows >= 1)) throw new ValidationError("batch.advantages", "must be a non-empty array of numbers", isArrayLike(b.advantages) ? rows : kindOf(b.advantages));
    const adv = column("batch.advantages", b.advantages, rows);
    const d = this.obsSize;
    const obs = column("batch.obs", b.obs, rows * d);
    const A = this.nActions;
    let actions: ArrayLike<number>;
    if (this.continuous) actions = column("batch.actions", b.actions, rows * A);
    else {
      actions = column("batch.actions", b.actions, rows);
      for (let i = 0; i < rows; i++) {
        if (!Number.isInteger(actions[i]) || actions[i] < 0 || actions[i] >= A) {
          throw new ValidationError("batch.actions", `entries must be action indices in [0, ${A})`, actions[i], { index: i });
        }
      }
    }
    const logpOld = b.logpOld === undefined ? undefined : column("batch.logpOld", b.logpOld, rows);
    const returns = b.returns === undefined ? undefined : column("batch.returns", b.returns, rows);
    const weights = b.driftWeights === undefined ? undefined : column("batch.driftWeights", b.driftWeights, rows, true);
    const B = Math.min(this.batchSize, rows);
    return scratch((take) => {
      const x = take(f32Block(rows * d));
      this.normalizeObs(obs, x.view);
      const act = take(this.continuous ? f32Block(rows * A, actions) : i32Block(rows, actions));
      const lp = take(f32Block(rows));
      const pol = this.policy;
      if (logpOld) lp.set(logpOld);
      else {
        pol.logProbForward(x, rows, act);
        lp.set(pol.logpAct.view.subarray(0, rows));
      }
      // A forward pass may grow memory: the values go through a plain array, never a view taken before it.
      const v = pol.values(x, rows, new Float64Array(rows));
      const values = take(f64Block(rows, v));
      const src: UpdateSource = {
        n: rows, obs: x, actions: act, actionSize: this.continuous ? A : 1, logp: lp, advantages: take(f64Block(rows, adv)),
        returns: take(f64Block(rows, returns ?? v)), values, weights: weights ? take(f32Block(rows, weights)) : undefined,
        rollout: false, trainCritic: returns !== undefined, blocks: [],
      };
      pol.ensure(B);
      src.blocks = this.minibatchBlocks(rows, B, weights !== undefined).map(take);
      return this.update(src);
    });
  }

  /** nEpochs passes of minibatches over `src` (SB3's PPO.train, for any drift). */
  private update(src: UpdateSource): Metrics {
    const { entCoef, vfCoef, maxGradNorm, normalizeAdvantage } = this.common;
    const p = this.progressRemaining;
    const lr = this.learningRateFn(p);
    this.optimizer.learningRate = lr;
    const drift = this.driftFn(p);
    const loss = driftLossPath(drift, "drift", src.weights !== undefined);
    const clipVf = this.clipRangeVfFn?.(p);
    const options = { loss, clipRangeVf: clipVf, entCoef, vfCoef: src.trainCritic ? vfCoef : 0 };

    const k = kernels();
    const pol = this.policy;
    const d = this.obsSize;
    const n = src.n;
    const [perm, obs, act, logpOld, adv, ret, oldV, stats, weights] = src.blocks as [
      Block<"i32">, Block<"f32">, Block<"i32"> | Block<"f32">, Block<"f32">, Block<"f32">, Block<"f64">, Block<"f64">, Block<"f64">, Block<"f32"> | undefined,
    ];

    let pgSum = 0, vSum = 0, entSum = 0, clipSum = 0, klSum = 0, driftSum = 0, updates = 0, lastKl = 0;
    let stop = false;
    for (let epoch = 0; epoch < this.nEpochs && !stop; epoch++) {
      // The permutation lives in WebAssembly memory: minibatches gather straight from it.
      const pv = perm.view;
      for (let i = 0; i < n; i++) pv[i] = i;
      this.shuffleRng.shuffle(pv);
      for (let start = 0; start < n; start += this.batchSize) {
        const rows = Math.min(this.batchSize, n - start);
        // Minibatch: gather rows into contiguous blocks (advantages normalised per minibatch, as SB3).
        const idx = perm.ptr + 4 * start;
        k.agentsGatherRowsF32(src.obs.ptr, idx, obs.ptr, rows, d);
        k.agentsGatherRowsF32(src.actions.ptr, idx, act.ptr, rows, src.actionSize); // 4-byte rows: i32 or f32
        k.agentsGatherRowsF32(src.logp.ptr, idx, logpOld.ptr, rows, 1);
        k.agentsGatherAdvantages(src.advantages.ptr, src.returns.ptr, src.values.ptr, idx, adv.ptr, ret.ptr, oldV.ptr, rows,
          normalizeAdvantage ? 1 : 0);
        if (src.weights) k.agentsGatherRowsF32(src.weights.ptr, idx, weights!.ptr, rows, 1);
        const masks = src.rollout ? this.minibatchMasks(idx, rows) : undefined;

        // Views are taken afresh: a forward pass on a larger batch may grow memory and detach old ones.
        const replayed = src.rollout && epoch === 0 && start === 0 && rows % 4 === 0 && pol.rolloutCacheRows >= n;
        if (replayed) pol.replayRollout(idx, rows);
        const res = mirrorLossAndGradients(pol, {
          rows, obs, actions: act, masks, logpOld, advantages: adv, returns: ret, oldValues: oldV, replayed,
          driftWeights: src.weights ? weights : undefined,
        }, options, stats);
        lastKl = res.approxKl;
        // SB3 stops before the step once the policy has moved too far from the rollout's.
        if (this.targetKl !== undefined && res.approxKl > 1.5 * this.targetKl) {
          stop = true;
          break;
        }
        // Non-finite losses and gradient norms are checked on the scalars computed anyway: no per-element cost.
        if (!Number.isFinite(res.loss)) throw this.lossDiverged(res);
        const norm = gradNorm(pol.store);
        if (!Number.isFinite(norm)) throw this.diverged("the gradient norm", norm);
        this.optimizer.step({ gradScale: clipCoefficient(norm, maxGradNorm) });

        pgSum += res.policyLoss; vSum += res.valueLoss; entSum += res.entropy; clipSum += res.clipFraction; klSum += res.approxKl;
        driftSum += res.drift;
        updates++;
      }
    }
    return this.updateMetrics({
      policyLoss: pgSum, valueLoss: vSum, entropy: entSum, clipFraction: clipSum, approxKl: klSum, drift: driftSum, updates, lastKl,
      explainedVariance: src.trainCritic ? explainedVariance(src.values.view, src.returns.view, n) : NaN, learningRate: lr, driftObject: drift,
    });
  }

  /**
   * The metrics of an update (sums over its minibatches): CleanRL's names,
   * `losses/drift` (mean w D), and for the clip drift SB3's clip fraction and range.
   */
  protected updateMetrics(s: UpdateSums): Metrics {
    const u = Math.max(s.updates, 1);
    const clip = s.driftObject.kind === "clip";
    const m: Metrics = {
      "losses/policy_loss": s.policyLoss / u,
      "losses/value_loss": s.valueLoss / u,
      "losses/entropy": s.entropy / u,
      "losses/approx_kl": s.updates ? s.approxKl / u : s.lastKl,
    };
    if (clip) m["losses/clipfrac"] = s.clipFraction / u;
    m["losses/drift"] = s.drift / u;
    m["losses/explained_variance"] = s.explainedVariance;
    m["charts/learning_rate"] = s.learningRate;
    if (clip) m["charts/clip_range"] = s.driftObject.epsilon!;
    m["charts/updates"] = s.updates;
    return m;
  }

  /** Settings to name when the policy loss diverges, beside learningRate and maxGradNorm. */
  protected policyLossHints(): DivergenceHint[] {
    return [];
  }

  /** Which part of a non-finite minibatch loss diverged, with the settings that drive it. */
  private lossDiverged(loss: MirrorLossResult): TrainingDivergedError {
    if (!Number.isFinite(loss.policyLoss)) return this.diverged("the policy loss", loss.policyLoss, this.policyLossHints());
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
      drift: driftJson(this.driftFn(p)), neighbourhood: { kind: this.neighbourhood.kind },
      clipRangeVf: c.clipRangeVf == null ? null : scheduleToJson(c.clipRangeVf, p),
      entCoef: cm.entCoef, vfCoef: cm.vfCoef, maxGradNorm: cm.maxGradNorm, targetKl: this.targetKl ?? null, netArch: cm.netArch,
      activation: cm.activation, normalize: { obs: cm.normalizeObs, reward: cm.normalizeReward },
      normalizeAdvantage: cm.normalizeAdvantage, orthoInit: cm.orthoInit, seed: cm.seed, statsWindow: cm.statsWindow,
    };
  }

  /**
   * An agent from `save()`'s bytes: same config (the drift rebuilt from its
   * kind and parameters), parameters, optimiser state, normalisation
   * statistics and random streams. A custom drift's functions are not in
   * the file: pass the drift again in `overrides` (`{ overrides: { drift } }`).
   * An agent trained on a user environment needs `{ env }`.
   */
  static load(bytes: Uint8Array, options: LoadOptions<MirrorLearnerConfig> = {}): MirrorLearner<EnvSpec, LearnerConfig> {
    const payload = decodeAgentFile(bytes);
    const config = loadedConfig(payload, "MirrorLearner", options);
    const drift = config.drift as { kind?: unknown; name?: unknown; value?: unknown } | undefined;
    if (drift !== null && typeof drift === "object" && drift.kind === "custom" && typeof drift.value !== "function") {
      throw new ValidationError(
        "drift",
        `the agent was trained with a custom drift ("${String(drift.name)}"), whose functions a file cannot hold: ` +
          "pass it again, MirrorLearner.load(bytes, { overrides: { drift: customDrift({ ... }) } })",
        String(drift.name),
      );
    }
    const agent: MirrorLearner<EnvSpec, LearnerConfig> = new MirrorLearner(config as unknown as MirrorLearnerConfig);
    return agent.restoreOrDispose(payload);
  }

  /** `load` from a file (Node). */
  static loadFile(path: string, options: LoadOptions<MirrorLearnerConfig> = {}): MirrorLearner<EnvSpec, LearnerConfig> {
    return MirrorLearner.load(readAgentFile(path), options);
  }

  override dispose(): void {
    disown(this, this.mb);
    this.optimizer.dispose();
    super.dispose();
  }
}
