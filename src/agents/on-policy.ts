/**
 * What PPO and A2C share (SB3's OnPolicyAlgorithm): resolving the
 * environment, the actor-critic, seeded random streams, observation and
 * reward normalisation, collecting rollouts with truncation bootstrap,
 * the learn loop with callbacks and metrics, predict, and the saved state.
 * Each algorithm file supplies its config defaults and `train()`.
 *
 * Action masking (Huang & Ontañón 2022; SB3-contrib's MaskablePPO): when the
 * vector environment has `actionMasks()` (a `SyncVecEnv` collects its
 * environments' `info.actionMask`), each rollout step samples legal actions
 * only and stores the masks in the rollout buffer; learners recompute
 * log-probabilities, entropies and KLs under the same masks through
 * `rolloutMasks()` / `minibatchMasks()`. Without masks nothing changes.
 *
 * Generalised state-dependent exploration (Raffin, Kober & Stulp 2022;
 * SB3's use_sde, `useSde` in the configs of PPO and A2C): Gaussian policies
 * explore with noise matrices drawn per environment copy at the start of a
 * rollout and every `sdeSampleFreq` steps (src/agents/sde.ts).
 *
 * Over 400 lines on purpose: one agent's state (environment, networks,
 * buffers, noise, normalisers, random streams) and the loop that owns it;
 * rollout, learn, predict, save and restore read and write the same fields.
 * Its config is in on-policy-config.ts and its inputs in agent-inputs.ts.
 */
import { ValidationError } from "../core/errors.js";
import { checkActionMask, checkOptions, kindOf, nearestName } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import { ENV_IDS, makeVecEnv } from "../envs/registry.js";
import { SyncVecEnv } from "../envs/sync-vec-env.js";
import type { Env, VecEnv, VecStepResult } from "../envs/env.js";
import type { EnvId } from "../envs/registry.js";
import { ObsNormalizer, RewardNormalizer, type RunningStatsState } from "../returns/running-stats.js";
import { RolloutBuffer } from "../returns/rollout-buffer.js";
import { ActorCritic } from "./actor-critic.js";
import { gatherMaskRows, MaskBlock } from "../nn/mask.js";
import type { U8Ref } from "../nn/tensor.js";
import { scheduleFn, scheduleToJson } from "./schedules.js";
import { nodeFs, type Metrics } from "./logger.js";
import { openTrainingLogger, type TrainingLogger } from "../logging/index.js";
import type { ProgressInfo } from "./callbacks.js";
import { decodeF32, encodeAgentFile, encodeF32 } from "./agent-file.js";
import { checkAgentConfig, checkBoolean, checkCount, checkNetworkMemory, checkRngState, checkRolloutMemory, checkUserEnv } from "./config.js";
import { TrainingDivergedError, type DivergenceHint } from "./diverged.js";
import { resolveSde, sdeConfigJson, SdeExploration, type ResolvedSde, type SdeConfig } from "./sde.js";


export abstract class OnPolicyAgent<C extends OnPolicyConfig = OnPolicyConfig> {
  abstract readonly algorithm: AlgorithmName;
  readonly config: C;
  readonly common: ResolvedCommon;
  readonly env: VecEnv;
  readonly policy: ActorCritic;
  readonly obsSize: number;
  /** Discrete: the number of actions; continuous (Box): the action dimension. */
  readonly nActions: number;
  readonly continuous: boolean = false;
  private readonly actionLow?: Float64Array;
  private readonly actionHigh?: Float64Array;
  readonly obsNormalizer?: ObsNormalizer;
  readonly rewardNormalizer?: RewardNormalizer;
  protected readonly learningRateFn: (p: number) => number;
  /** Streams: action sampling in rollouts, minibatch shuffles, predict's sampling. */
  protected actionRng: Rng;
  protected shuffleRng: Rng;
  protected predictRng: Rng;
  protected readonly buffer: RolloutBuffer;
  /** Environment steps so far (all copies). */
  numTimesteps = 0;
  iterations = 0;
  /** SB3's _current_progress_remaining. */
  progressRemaining = 1;
  private lastObs?: Float32Array;
  private readonly stepOut: VecStepResult;
  private readonly epReturns: number[] = [];
  private readonly epLengths: number[] = [];
  /** Where learn() is logging (set for its duration). */
  private trainingLogger?: TrainingLogger;
  /** The config's keys (errors about them are the user's settings, never divergence). */
  private readonly configKeys: readonly string[];
  /** The current step's legal-action masks (numEnvs x nActions), from the first masked step on. */
  private stepMasks?: Uint8Array;
  /** Minibatch masks gathered from the rollout buffer (`minibatchMasks`). */
  private batchMasks?: MaskBlock;
  /** The Gaussian head's settings (log-std start, gSDE; defaults for configs without those keys). */
  protected readonly sdeSettings: ResolvedSde;
  /** gSDE's noise matrices (useSde). */
  private readonly sde?: SdeExploration;
  private readonly scratch: { actions: Int32Array | Float32Array; envActions: Float64Array; logp: Float32Array; values: Float64Array; rewards: Float64Array; ended: Uint8Array; boot: Float64Array; obs: Float32Array };

  protected constructor(config: C, defaults: AlgorithmDefaults, who: AlgorithmKeys) {
    checkAgentConfig(config, who.algorithm, who.keys, who.other, who.otherKeys, who.otherWhy);
    this.configKeys = who.keys;
    this.config = config;
    this.common = resolveCommon(config, defaults);
    who.check(config as never);
    this.sdeSettings = resolveSde(config as SdeConfig);
    const c = this.common;
    this.learningRateFn = scheduleFn("learningRate", config.learningRate ?? defaults.learningRate);
    this.env = this.makeEnv(config.env, c.numEnvs, c.seed, who.algorithm);
    const space = this.env.actionSpace;
    if (space.kind === "discrete") this.nActions = space.n;
    else if (space.kind === "box" && space.size >= 1) {
      this.nActions = space.size;
      this.continuous = true;
      this.actionLow = Float64Array.from(space.low);
      this.actionHigh = Float64Array.from(space.high);
    } else throw new ValidationError("env", "needs a Discrete or a non-empty Box action space", (space as { kind?: string }).kind);
    this.obsSize = this.env.obsSize;
    if (this.sdeSettings.useSde && !this.continuous) {
      if (typeof config.env === "string" || typeof config.env === "function") this.env.close();
      throw new ValidationError("useSde", "needs a Box action space (gSDE perturbs continuous actions)", true);
    }
    const widths = 2 * this.obsSize + this.nActions + 1 + [...c.netArch.pi, ...c.netArch.vf].reduce((a, b) => a + b, 0);
    checkNetworkMemory(c.netArch, this.obsSize, this.nActions);
    checkRolloutMemory(c.nSteps, c.numEnvs, this.obsSize, this.continuous ? this.nActions : 1, widths);
    const master = new Rng(c.seed);
    const initRng = master.fork();
    this.actionRng = master.fork();
    this.shuffleRng = master.fork();
    this.predictRng = master.fork();
    this.policy = new ActorCritic({
      obsSize: this.obsSize, nActions: this.nActions, continuous: this.continuous, netArch: c.netArch, activation: c.activation, orthoInit: c.orthoInit, rng: initRng,
      logStdInit: this.sdeSettings.logStdInit,
      sde: this.sdeSettings.useSde
        ? { fullStd: this.sdeSettings.fullStd, useExpln: this.sdeSettings.useExpln, learnFeatures: this.sdeSettings.learnFeatures } : undefined,
    });
    if (this.policy.sde) this.sde = new SdeExploration(this.sdeSettings, c.numEnvs, this.policy.sde.shape.latentDim, this.nActions);
    if (c.normalizeObs) this.obsNormalizer = new ObsNormalizer(this.obsSize);
    if (c.normalizeReward) this.rewardNormalizer = new RewardNormalizer(c.numEnvs, c.gamma);
    this.buffer = new RolloutBuffer(c.nSteps, c.numEnvs, this.obsSize, this.continuous ? this.nActions : 1, this.continuous);
    this.stepOut = this.env.createStepResult();
    const E = c.numEnvs;
    this.scratch = {
      actions: this.continuous ? new Float32Array(E * this.nActions) : new Int32Array(E),
      envActions: new Float64Array(this.continuous ? E * this.nActions : 0), logp: new Float32Array(E), values: new Float64Array(E), rewards: new Float64Array(E),
      ended: new Uint8Array(E), boot: new Float64Array(E), obs: new Float32Array(E * this.obsSize),
    };
  }

  /**
   * The vectorised environment: built-in ids are stepped in WebAssembly and
   * trusted; a user environment (an Env, or the first Env a factory returns)
   * goes through checkEnv first, so that Gym's old 4-tuple or a string reward
   * is an error now rather than NaN returns later.
   */
  private makeEnv(spec: EnvSpec, numEnvs: number, seed: number, algorithm: string): VecEnv {
    if (typeof spec === "string") {
      if (!(ENV_IDS as readonly string[]).includes(spec)) {
        const near = nearestName(spec, ENV_IDS);
        throw new ValidationError("env", `unknown environment id (built-in: ${ENV_IDS.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, spec);
      }
      return makeVecEnv(spec as EnvId, { numEnvs, seed });
    }
    if (typeof spec === "function") {
      const first = spec();
      if (first === null || typeof first !== "object") {
        throw new ValidationError("env", "a factory must return an environment object (with reset, step and spaces)", kindOf(first));
      }
      checkUserEnv(first, seed, algorithm);
      let given = false;
      return makeVecEnv(() => (given ? spec() : ((given = true), first)), { numEnvs, seed });
    }
    if (isVecEnv(spec)) {
      if (spec.numEnvs !== numEnvs) throw new ValidationError("numEnvs", `must equal the VecEnv's numEnvs = ${spec.numEnvs}`, numEnvs);
      return spec;
    }
    if (spec && typeof spec === "object" && typeof (spec as Env).step === "function") {
      if (numEnvs !== 1) throw new ValidationError("numEnvs", "a single Env gives one copy: pass a factory () => Env for more", numEnvs);
      checkUserEnv(spec as Env, seed, algorithm);
      return new SyncVecEnv([spec as Env], { seed });
    }
    throw new ValidationError("env", "must be an environment id, an Env, a VecEnv or a function returning an Env", spec);
  }

  /** Normalises raw observations with the current statistics into `out` (a copy when normalisation is off). */
  protected normalizeObs(raw: ArrayLike<number>, out: Float32Array): Float32Array {
    if (this.obsNormalizer) return this.obsNormalizer.normalize(raw, out);
    for (let i = 0; i < out.length; i++) out[i] = raw[i];
    return out;
  }

  private resetEnv(): void {
    const { obs } = this.env.reset({ seed: this.common.seed });
    this.obsNormalizer?.stats.update(obs, this.common.numEnvs);
    this.lastObs = this.normalizeObs(obs, new Float32Array(obs.length));
  }

  /** Fills the rollout buffer with nSteps vectorised steps and computes GAE (SB3's collect_rollouts). */
  protected collectRollouts(): void {
    const { numEnvs: E, nSteps, gamma, gaeLambda } = this.common;
    const s = this.scratch;
    const out = this.stepOut;
    const d = this.obsSize;
    this.buffer.reset();
    for (let t = 0; t < nSteps; t++) {
      const obs = this.lastObs!;
      const masks = this.currentMasks();
      // gSDE explores with noise matrices drawn from the action stream (at t = 0 and every sdeSampleFreq steps).
      const sampler = this.sde ? this.sde.beforeStep(t, this.actionRng) : this.actionRng;
      this.policy.act(obs, E, sampler, s.actions, s.logp, s.values, masks);
      if (this.policy.rolloutCacheRows) this.policy.recordRollout(t * E);
      // Continuous actions are clipped to the Box for the environment only; the
      // buffer keeps the sampled ones, whose log-probabilities PPO needs (as SB3).
      this.env.step(this.continuous ? this.clipActions(s.actions, s.envActions) : s.actions, out);
      this.obsNormalizer?.stats.update(out.obs, E);
      let rewards: ArrayLike<number> = out.rewards;
      for (let e = 0; e < E; e++) {
        s.ended[e] = out.terminated[e] | out.truncated[e];
        // A NaN reward would flow through GAE into every parameter: stop it here, where it is clear.
        if (!Number.isFinite(out.rewards[e])) {
          throw new ValidationError("reward", "the environment returned a non-finite reward", out.rewards[e], { copy: e, timestep: this.numTimesteps });
        }
      }
      if (this.rewardNormalizer) rewards = this.rewardNormalizer.step(out.rewards, s.ended, s.rewards);
      // Truncated copies bootstrap from V(final observation); terminated ones from 0.
      s.boot.fill(0);
      for (let e = 0; e < E; e++) {
        if (!s.ended[e]) continue;
        this.epReturns.push(out.info.episodeReturn[e]);
        this.epLengths.push(out.info.episodeLength[e]);
        this.trainingLogger?.episode?.(out.info.episodeReturn[e], out.info.episodeLength[e]);
        if (out.truncated[e] && !out.terminated[e]) {
          const fin = this.normalizeObs(out.info.finalObs.subarray(e * d, (e + 1) * d), new Float32Array(d));
          s.boot[e] = this.policy.values(fin, 1, new Float64Array(1))[0];
        }
      }
      this.buffer.add(obs, s.actions, s.logp, s.values, rewards, s.ended, s.boot, masks);
      const next = this.normalizeObs(out.obs, s.obs);
      this.lastObs!.set(next);
      this.numTimesteps += E;
    }
    const w = this.common.statsWindow;
    if (this.epReturns.length > w) {
      this.epReturns.splice(0, this.epReturns.length - w);
      this.epLengths.splice(0, this.epLengths.length - w);
    }
    const last = this.policy.values(this.lastObs!, E, new Float64Array(E));
    this.buffer.computeAdvantages(last, gamma, gaeLambda);
  }

  /**
   * The legal-action masks of the current observations (numEnvs x nActions
   * 0/1 bytes), or undefined when the environment gives none (every action
   * legal). A row without a legal action is a ValidationError naming the
   * environment, the step and the row.
   */
  private currentMasks(): Uint8Array | undefined {
    const env = this.env;
    if (typeof env.actionMasks !== "function") return undefined;
    const m = env.actionMasks();
    if (m === undefined || m === null) return undefined;
    const where = { env: env.id ?? "VecEnv", step: this.numTimesteps };
    if (this.continuous) throw new ValidationError("actionMasks()", "action masks need a Discrete action space", kindOf(m), where);
    const E = this.common.numEnvs;
    return checkActionMask("actionMasks()", m, E, this.nActions, where, (this.stepMasks ??= new Uint8Array(E * this.nActions)));
  }

  /**
   * The legal-action masks of the whole rollout in buffer order (rows
   * t * numEnvs + e, nActions bytes each), or undefined when no step of it
   * had masks: pass them to `ActorCritic.logProbForward` with the buffer's rows.
   */
  protected rolloutMasks(): U8Ref | undefined {
    return this.buffer.masked ? this.buffer.masks : undefined;
  }

  /**
   * The legal-action masks of rollout rows idx[0..rows) (idx: byte address of
   * rows i32 indices, e.g. a minibatch's permutation) gathered into a block
   * valid until the next call, or undefined when the rollout had none.
   * May allocate: take typed-array views of WebAssembly memory afterwards.
   */
  protected minibatchMasks(idx: number, rows: number): U8Ref | undefined {
    const buf = this.buffer;
    if (!buf.masked) return undefined;
    const out = (this.batchMasks ??= new MaskBlock(this, this.nActions)).take(rows);
    gatherMaskRows(buf.masks!, idx, out, rows, this.nActions);
    return out;
  }

  /** Clips rows of continuous actions to the Box [low, high] into `out`. */
  private clipActions(actions: ArrayLike<number>, out: Float64Array | Float32Array): Float64Array | Float32Array {
    const D = this.nActions;
    const lo = this.actionLow!;
    const hi = this.actionHigh!;
    for (let i = 0; i < out.length; i++) {
      const a = actions[i];
      const d = i % D;
      out[i] = a < lo[d] ? lo[d] : a > hi[d] ? hi[d] : a;
    }
    return out;
  }

  /** One update from the full rollout buffer; returns CleanRL-named metrics. */
  protected abstract train(): Metrics;

  /** Mean return of the last `statsWindow` finished training episodes (NaN before the first). */
  get recentReturn(): number {
    const r = this.epReturns;
    return r.length ? r.reduce((a, b) => a + b, 0) / r.length : NaN;
  }

  /**
   * Trains for at least `totalTimesteps` environment steps (rounded up to whole
   * rollouts of nSteps x numEnvs, as SB3). The callback runs after every
   * update and can stop training by returning false.
   */
  async learn(totalTimesteps: number, options: LearnOptions = {}): Promise<this> {
    if (typeof totalTimesteps !== "number" || !Number.isSafeInteger(totalTimesteps) || totalTimesteps < 0) {
      throw new ValidationError("totalTimesteps", "must be an integer in [0, 2^53)", totalTimesteps);
    }
    const { callback, ...logOptions } = checkOptions("options", options, LEARN_OPTIONS, `${this.algorithm}.learn`);
    if (callback !== undefined && typeof callback !== "function") throw new ValidationError("callback", "must be a function", callback);
    const reset = checkBoolean("resetNumTimesteps", options.resetNumTimesteps, true);
    if (reset) {
      this.numTimesteps = 0;
      this.iterations = 0;
    }
    if (reset || !this.lastObs) this.resetEnv();
    const total = reset ? totalTimesteps : this.numTimesteps + totalTimesteps;
    const c = this.config;
    const envId = typeof c.env === "string" ? c.env : typeof c.env === "object" ? (c.env as { id?: string }).id : undefined;
    const logger = openTrainingLogger(logOptions, {
      algorithm: this.algorithm, envId, numEnvs: this.common.numEnvs, entCoef: this.common.entCoef, vfCoef: this.common.vfCoef,
    });
    this.trainingLogger = logger;
    const start = performance.now();
    const startSteps = this.numTimesteps;
    let lastYield = start;
    while (this.numTimesteps < total) {
      // 1. rollout (and advantages), 2. epochs of updates, 3. logging.
      try {
        this.collectRollouts();
      } catch (error) {
        throw this.explainFailure(error, this.iterations + 1, false);
      }
      this.iterations++;
      // Clamped at 0: the last rollout may overshoot total, and SB3 would then feed a
      // negative progress to the schedules (a negative learning rate).
      this.progressRemaining = Math.max(0, 1 - this.numTimesteps / total);
      let metrics: Metrics;
      try {
        metrics = this.train();
      } catch (error) {
        throw this.explainFailure(error, this.iterations, true);
      }
      const now = performance.now();
      const sps = ((this.numTimesteps - startSteps) * 1000) / Math.max(now - start, 1e-9);
      metrics["charts/SPS"] = sps;
      const lens = this.epLengths;
      metrics["charts/episodic_return"] = this.recentReturn;
      metrics["charts/episodic_length"] = lens.length ? lens.reduce((a, b) => a + b, 0) / lens.length : NaN;
      const info: ProgressInfo = { timesteps: this.numTimesteps, iteration: this.iterations, sps, recentReturn: this.recentReturn, metrics };
      logger?.metrics(this.numTimesteps, this.iterations, metrics);
      if (callback && (await callback(info)) === false) break;
      if (now - lastYield > 50) {
        // Let timers, I/O and a browser's rendering run between updates.
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    logger?.flush?.();
    this.trainingLogger = undefined;
    return this;
  }

  /**
   * The error for a non-finite `quantity` ("the policy loss", "the gradient
   * norm", ...) at the current update, naming the settings to lower with
   * their values (`extra` adds algorithm-specific ones, e.g. clipRange).
   */
  protected diverged(quantity: string, value: number, extra: readonly DivergenceHint[] = [], update = this.iterations): TrainingDivergedError {
    const lr = this.config.learningRate;
    const hints: DivergenceHint[] = [
      ["learningRate", typeof lr === "function" ? this.learningRateFn(this.progressRemaining) : lr ?? this.learningRateFn(1)],
      ...extra,
      ["maxGradNorm", this.common.maxGradNorm],
    ];
    const normalized = this.common.normalizeObs && this.common.normalizeReward;
    return new TrainingDivergedError(this.algorithm, update, quantity, value, hints, normalized ? "" : "or set normalize: true");
  }

  /**
   * What an error thrown during a rollout or an update means for the user.
   * Their own environment's errors pass unchanged. Non-finite network
   * parameters (checked here, on the error path only) mean training
   * diverged; so does any check failing inside an update, whose inputs all
   * come from the agent.
   */
  private explainFailure(error: unknown, update: number, inUpdate: boolean): unknown {
    if (error instanceof TrainingDivergedError) return error;
    const params = this.policy.store.parameters();
    let bad = -1;
    for (let i = 0; i < params.length; i++) {
      if (!Number.isFinite(params[i])) {
        bad = i;
        break;
      }
    }
    let result: unknown = error;
    if (bad >= 0) {
      const which = bad < this.policy.actor.slice.offset + this.policy.actor.slice.length && bad >= this.policy.actor.slice.offset
        ? "the actor" : bad >= this.policy.critic.slice.offset && bad < this.policy.critic.slice.offset + this.policy.critic.slice.length
          ? "the critic" : "the action log-std";
      result = this.diverged(`a parameter of ${which}`, params[bad], [], update);
    } else if (error instanceof ValidationError && !inUpdate && error.field === "x") {
      result = new ValidationError("obs", "the environment returned a non-finite observation", error.value, error.where);
    } else if (error instanceof ValidationError) {
      const value = typeof error.value === "number" ? error.value : NaN;
      const network = NETWORK_FIELDS[error.field];
      // In an update every input comes from the agent except the settings (a schedule may return a bad value
      // mid-training); in a rollout only the network's outputs do.
      const setting = this.configKeys.includes(error.field.split(".")[0]);
      if ((inUpdate && !setting) || (network !== undefined && !(error.field === "actions" && Number.isFinite(value)))) {
        result = this.diverged(network ?? `${error.field} (${error.problem})`, value, [], update);
      }
    }
    if (result !== error && result instanceof Error) result.cause = error;
    return result;
  }

  /**
   * The policy's action for one observation, or actions for a batch.
   *
   * - one observation (obsSize values, or a Discrete observation's index):
   *   one action, a number for a Discrete action space or a Float32Array of
   *   actionDim values clipped to the Box;
   * - rows (an array of observations), or a flat array of rows x obsSize
   *   values with `{ batch: true }`: an Int32Array of rows indices, or a
   *   Float32Array of rows x actionDim values.
   *
   * (A flat array of several rows without `batch` is also read as a batch.)
   * Observations are normalised with the saved statistics (not updated).
   * deterministic: the most probable action (the Gaussian's mean); otherwise
   * sampled from the policy's own predict stream (with gSDE: mu + z(s)^T theta
   * with one noise matrix theta, kept until `resetNoise()`). actionMask (Discrete action
   * spaces): the legal actions, n entries per observation; only those are
   * taken.
   */
  predict(obs: ArrayLike<number>, options: PredictOptions & { batch: true }): ActionBatchOf<C["env"]>;
  predict(obs: ObservationRows, options?: PredictOptions): ActionBatchOf<C["env"]>;
  predict(obs: SingleObservation, options?: PredictOptions & { batch?: false }): ActionOf<C["env"]>;
  predict(obs: ArrayLike<number> | number | ObservationRows, options?: PredictOptions): ActionOf<C["env"]> | ActionBatchOf<C["env"]>;
  predict(obs: ArrayLike<number> | number | ObservationRows, options: PredictOptions = {}): number | Int32Array | Float32Array {
    const o = checkOptions("options", options, PREDICT_OPTIONS, `${this.algorithm}.predict`);
    const d = this.obsSize;
    // Without normalisation observations go to the network as float32: they must fit one.
    const { values: arr, rows, batch } = observationRows(obs, d, o.batch === true, this.obsNormalizer === undefined);
    const x = this.normalizeObs(arr, new Float32Array(arr.length));
    const rng = o.deterministic ? undefined : this.sde ? this.sde.predict(this.predictRng) : this.predictRng;
    if (o.actionMask !== undefined && this.continuous) {
      throw new ValidationError("actionMask", "action masks need a Discrete action space", kindOf(o.actionMask));
    }
    const mask = o.actionMask === undefined ? undefined : checkActionMask("actionMask", o.actionMask, rows, this.nActions);
    if (this.continuous) {
      // Box actions: rows x actionDim, clipped to the space (SB3's predict); one row for one observation.
      const a = new Float32Array(rows * this.nActions);
      this.policy.act(x, rows, rng, a);
      return this.clipActions(a, a) as Float32Array;
    }
    const actions = new Int32Array(rows);
    this.policy.act(x, rows, rng, actions, undefined, undefined, mask);
    return batch ? actions : actions[0];
  }

  /**
   * gSDE: draws a new noise matrix for `predict` from the predict stream
   * (SB3's policy.reset_noise()); until then stochastic predictions keep
   * theirs, so successive actions vary smoothly with the state. Rollouts
   * draw their own matrices.
   */
  resetNoise(): void {
    if (!this.sde) throw new ValidationError("useSde", "resetNoise needs a gSDE policy (useSde: true)", false);
    this.sde.resetPredict(this.predictRng);
  }

  /** The Gaussian head's settings for the saved config (none at their defaults without gSDE). */
  protected sdeConfigJson(): Record<string, unknown> {
    return sdeConfigJson(this.sdeSettings);
  }

  // ----- saving -----

  protected abstract optimizerState(): Record<string, unknown>;
  protected abstract setOptimizerState(state: Record<string, unknown>): void;
  protected abstract configJson(): Record<string, unknown>;

  /** The agent as a versioned, checksummed file (src/agents/agent-file.ts). */
  save(): Uint8Array {
    const c = this.config;
    const envId = typeof c.env === "string" ? c.env : (isVecEnv(c.env) || typeof c.env === "object") ? (c.env as { id?: string }).id : undefined;
    const stats = (s?: { stats: { getState(): RunningStatsState } }) => {
      if (!s) return null;
      const st = s.stats.getState();
      return { mean: Array.from(st.mean), var: Array.from(st.var), count: st.count };
    };
    return encodeAgentFile({
      library: "mirror-rl",
      algorithm: this.algorithm,
      config: { ...this.configJson(), env: typeof c.env === "string" ? c.env : null, envId: envId ?? null, numEnvs: this.common.numEnvs,
        learningRate: scheduleToJson(c.learningRate ?? this.learningRateFn(1), this.progressRemaining) },
      spaces: { obsSize: this.obsSize, nActions: this.nActions, continuous: this.continuous },
      parameters: encodeF32(this.policy.store.parameters()),
      optimizer: this.optimizerState(),
      obsRms: stats(this.obsNormalizer),
      retRms: stats(this.rewardNormalizer),
      numTimesteps: this.numTimesteps,
      iterations: this.iterations,
      progressRemaining: this.progressRemaining,
      rng: { action: this.actionRng.getState(), shuffle: this.shuffleRng.getState(), predict: this.predictRng.getState() },
      ...(this.sde ? { sde: this.sde.toJson() } : {}),
    });
  }

  /** Writes `save()` to a file (Node). */
  saveFile(path: string): void {
    const fs = nodeFs();
    if (!fs) throw new ValidationError("path", "saveFile needs Node's file system; use save() for the bytes", path);
    fs.writeFileSync(path, this.save());
  }

  /** `restore`, freeing this agent's memory when the file's state is bad (for `load`). */
  protected restoreOrDispose(p: Record<string, unknown>): this {
    try {
      this.restore(p);
    } catch (error) {
      this.dispose();
      throw error;
    }
    return this;
  }

  /** Restores everything `save()` wrote except the config (the constructor's job). */
  protected restore(p: Record<string, unknown>): void {
    const spaces = p.spaces as { obsSize: number; nActions: number; continuous?: boolean };
    if (!spaces || spaces.obsSize !== this.obsSize || spaces.nActions !== this.nActions || (spaces.continuous ?? false) !== this.continuous) {
      throw new ValidationError("env", `does not match the saved agent's spaces (obsSize ${spaces?.obsSize}, ${spaces?.nActions} actions)`,
        { obsSize: this.obsSize, nActions: this.nActions });
    }
    this.policy.store.setParameters(decodeF32("parameters", p.parameters as string, this.policy.store.size));
    this.setOptimizerState(p.optimizer as Record<string, unknown>);
    const setStats = (target: { stats: { setState(s: RunningStatsState): void; getState(): RunningStatsState } } | undefined, s: unknown, field: string) => {
      if (!target) return;
      const st = s as { mean: number[]; var: number[]; count: number } | null;
      if (!st) throw new ValidationError(field, "is missing from the file although the config normalises", st);
      const n = target.stats.getState().mean.length;
      for (const [key, a] of [["mean", st.mean], ["var", st.var]] as const) {
        if (!Array.isArray(a) || a.length !== n) throw new ValidationError(`${field}.${key}`, `must be an array of ${n} numbers`, kindOf(a));
        a.forEach((v: unknown, i) => {
          if (typeof v !== "number" || !Number.isFinite(v) || (key === "var" && v < 0)) {
            throw new ValidationError(`${field}.${key}`, key === "var" ? "must hold finite numbers >= 0" : "must hold finite numbers", v, { index: i });
          }
        });
      }
      if (typeof st.count !== "number" || !(st.count >= 0 && st.count < Infinity)) throw new ValidationError(`${field}.count`, "must be a finite number >= 0", st.count);
      target.stats.setState({ mean: Float64Array.from(st.mean), var: Float64Array.from(st.var), count: st.count });
    };
    setStats(this.obsNormalizer, p.obsRms, "obsRms");
    setStats(this.rewardNormalizer, p.retRms, "retRms");
    this.numTimesteps = checkCount("numTimesteps", p.numTimesteps);
    this.iterations = checkCount("iterations", p.iterations);
    const progress = p.progressRemaining;
    if (typeof progress !== "number" || !(progress >= 0 && progress <= 1)) {
      throw new ValidationError("progressRemaining", "must be a number in [0, 1]", progress);
    }
    this.progressRemaining = progress;
    const rng = p.rng as Record<string, unknown> | null;
    if (rng === null || typeof rng !== "object") throw new ValidationError("rng", "must hold the saved random streams", rng);
    // Checked here (not only by Rng.fromState): a state of zeros would give a generator stuck at 0.
    this.actionRng = Rng.fromState(checkRngState("rng.action", rng.action));
    this.shuffleRng = Rng.fromState(checkRngState("rng.shuffle", rng.shuffle));
    this.predictRng = Rng.fromState(checkRngState("rng.predict", rng.predict));
    this.sde?.restore(p.sde);
  }

  /** Frees WebAssembly memory now (environments created from an id or a factory are closed). */
  dispose(): void {
    this.policy.dispose();
    this.buffer.dispose();
    this.batchMasks?.dispose();
    // Environments made here from an id or a factory are ours to close; the user's are not.
    if (typeof this.config.env === "string" || typeof this.config.env === "function") this.env.close();
  }
}

import { resolveCommon, isVecEnv, type EnvSpec, type ActionOf, type ActionBatchOf, type SingleObservation, type ObservationRows, type OnPolicyConfig, type LearnOptions, type PredictOptions, type ResolvedCommon, type AlgorithmName, type AlgorithmDefaults, type AlgorithmKeys } from "./on-policy-config.js";
import { LEARN_OPTIONS, NETWORK_FIELDS, PREDICT_OPTIONS, observationRows } from "./agent-inputs.js";

export {
  resolveCommon,
  type EnvSpec, type ActionSpaceOf, type ActionOf, type ActionBatchOf, type SingleObservation, type ObservationRows, type OnPolicyConfig, type LearnOptions, type PredictOptions, type LoadOptions, type ResolvedCommon, type AlgorithmName, type AlgorithmDefaults, type AlgorithmKeys,
} from "./on-policy-config.js";
export { loadedConfig, readAgentFile } from "./agent-inputs.js";

/**
 * Resolves after pending I/O, timers and (in a browser) rendering had a
 * chance to run. setTimeout(0) is clamped (at least 1 ms in Node, 4 ms for
 * nested browser timers), a visible share of learn()'s time; Node's
 * setImmediate and a MessageChannel message do not wait.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === "function") return new Promise((r) => g.setImmediate!(() => r()));
  if (typeof g.MessageChannel === "function") {
    return new Promise((r) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

