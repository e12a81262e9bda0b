/**
 * The actor-critic of PPO and A2C (SB3's ActorCriticPolicy with separate
 * networks): an actor MLP giving the logits of a categorical distribution
 * (discrete actions) or the means of a diagonal Gaussian with a
 * state-independent log-std parameter (continuous actions, log-std starting
 * at 0 as SB3's log_std_init), and a critic MLP giving V(s), all in one
 * ParameterStore so one optimiser step and one global-norm clip cover all.
 * Orthogonal initialisation with SB3's gains (sqrt 2 hidden, 0.01 policy
 * output, 1 value output) or, with orthoInit false, torch's default for
 * nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases.
 *
 * Discrete actions may be masked (legal-action masks, rows x nActions bytes,
 * 1 = legal; src/nn/mask.ts): sampling, the mode, log-probabilities, entropies
 * and their gradients are then those of the distribution renormalised over
 * the legal actions (illegal logits get log pi = -inf and gradient 0).
 * Without a mask nothing changes.
 *
 * With `sde` (generalised state-dependent exploration, Raffin, Kober & Stulp
 * 2022; src/nn/sde.ts) the Gaussian's standard deviation depends on the
 * state through the actor's last hidden layer z(s), sigma_d(s)^2 =
 * sum_j z_j^2 s_jd^2 + 1e-6, with an L x D (or L) log-std parameter starting
 * at `logStdInit`, and exploration uses noise matrices (`SdeNoise`) fixed for
 * several steps.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import { disown, f32Block, i32Block, own, type Block, type BlockKind } from "../core/arena.js";
import { Mlp } from "../nn/mlp.js";
import { ParameterStore } from "../nn/parameters.js";
import { POLICY_GAIN, VALUE_GAIN } from "../nn/init.js";
import { categoricalBackward, categoricalForward, categoricalMode, categoricalSample } from "../nn/categorical.js";
import { gaussianEntropy, gaussianLogProb, gaussianLogProbBackward, gaussianSample } from "../nn/gaussian.js";
import type { ParameterSlice } from "../nn/parameters.js";
import type { Activation } from "../nn/activation.js";
import type { F32Ref, I32Ref, U8Ref } from "../nn/tensor.js";
import { MaskBlock } from "../nn/mask.js";
import { SdeHead } from "../nn/sde-head.js";
import type { SdeNoise } from "../nn/sde.js";

/** Hidden widths: one list for both networks, or separate ones (SB3's `dict(pi=[...], vf=[...])`). */
export type NetArch = readonly number[] | { readonly pi: readonly number[]; readonly vf: readonly number[] };

export interface ActorCriticOptions {
  obsSize: number;
  /** Number of discrete actions, or the dimension of a continuous action. */
  nActions: number;
  /** Diagonal Gaussian actions (Box) instead of categorical ones; default false. */
  continuous?: boolean;
  netArch?: NetArch;
  activation?: Activation;
  orthoInit?: boolean;
  /** Generator for the initial weights. */
  rng: Rng;
  /** Initial value of every log-std (continuous actions); default 0 (SB3's log_std_init). */
  logStdInit?: number;
  /** Generalised state-dependent exploration (continuous actions); default none. */
  sde?: { fullStd?: boolean; useExpln?: boolean; learnFeatures?: boolean };
}

/** Widest hidden layer accepted: wider layers would not fit a batch of activations in WebAssembly memory. */
export const MAX_WIDTH = 65536;

/** SB3's netArch as separate actor and critic widths, each an integer in [1, MAX_WIDTH] ([] is a linear model). */
export function splitNetArch(netArch: NetArch | undefined): { pi: number[]; vf: number[] } {
  if (netArch === undefined) return { pi: [64, 64], vf: [64, 64] };
  if (Array.isArray(netArch)) {
    if (netArch.length === 1 && netArch[0] !== null && typeof netArch[0] === "object" && !Array.isArray(netArch[0])) {
      // SB3 before 1.8 wrote net_arch=[dict(pi=[...], vf=[...])].
      throw new ValidationError("netArch", "is SB3's old [{ pi, vf }] form: pass { pi: [...], vf: [...] } itself", netArch);
    }
    const widths = checkWidths("netArch", netArch);
    return { pi: widths, vf: [...widths] };
  }
  if (netArch === null || typeof netArch !== "object") {
    throw new ValidationError("netArch", "must be an array of hidden widths or { pi: [...], vf: [...] }", netArch);
  }
  checkOptions("netArch", netArch, ["pi", "vf"], "netArch", "key");
  const a = netArch as { pi?: unknown; vf?: unknown };
  if (!Array.isArray(a.pi) || !Array.isArray(a.vf)) {
    throw new ValidationError("netArch", "must be an array of hidden widths or { pi: [...], vf: [...] } with both keys", netArch);
  }
  return { pi: checkWidths("netArch.pi", a.pi), vf: checkWidths("netArch.vf", a.vf) };
}

function checkWidths(field: string, widths: readonly unknown[]): number[] {
  if (widths.length > 64) throw new ValidationError(field, "has more than 64 hidden layers", widths.length);
  return widths.map((w, i) => {
    if (typeof w !== "number" || !Number.isInteger(w) || w < 1 || w > MAX_WIDTH) {
      throw new ValidationError(`${field}[${i}]`, `must be an integer width in [1, ${MAX_WIDTH}]`, w);
    }
    return w;
  });
}

const ACTOR_CRITIC_OPTIONS = ["obsSize", "nActions", "continuous", "netArch", "activation", "orthoInit", "rng", "logStdInit", "sde"] as const;

export class ActorCritic {
  readonly store = new ParameterStore();
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly obsSize: number;
  /** Discrete: the number of actions; continuous: the action dimension (the actor's output width either way). */
  readonly nActions: number;
  readonly continuous: boolean;
  /** Continuous actions: the log standard deviations (a parameter; L x D or L of them with gSDE). */
  readonly logStd?: ParameterSlice;
  /** The gSDE head, when the Gaussian's standard deviation depends on the state. */
  readonly sde?: SdeHead;
  private capacity = 0;
  /** [logp (rows x A), logpAct, entropy, dLogits, gLogp, dValues, actions (i32), actions (f32, rows x A)]; shared with the finaliser. */
  private readonly blocks: Block<BlockKind>[] = [];
  /** Per-row activations of the rollout ([actor blocks, critic blocks], see `enableRolloutCache`); shared with the finaliser. */
  private readonly cacheBlocks: Block<"f32">[] = [];
  private cacheRows = 0;
  private actorCache: Block<"f32">[] = [];
  private criticCache: Block<"f32">[] = [];
  /** Masks copied in for `act` (allocated at the first masked call). */
  private actMasks?: MaskBlock;

  constructor(o: ActorCriticOptions) {
    checkOptions("options", o, ACTOR_CRITIC_OPTIONS, "ActorCritic");
    if (!(o.rng instanceof Rng)) throw new ValidationError("rng", "must be an Rng (the generator of the initial weights)", o.rng);
    this.obsSize = o.obsSize;
    this.nActions = o.nActions;
    this.continuous = o.continuous ?? false;
    const { pi, vf } = splitNetArch(o.netArch);
    const activation = o.activation ?? "tanh";
    this.actor = new Mlp({ inputSize: o.obsSize, outputSize: o.nActions, netArch: pi, activation, outputGain: POLICY_GAIN, rng: o.rng, store: this.store });
    this.critic = new Mlp({ inputSize: o.obsSize, outputSize: 1, netArch: vf, activation, outputGain: VALUE_GAIN, rng: o.rng, store: this.store });
    if (o.orthoInit === false) {
      for (const net of [this.actor, this.critic]) {
        const p = new Float32Array(net.parameterCount);
        for (const layer of net.layers) {
          const bound = 1 / Math.sqrt(layer.nIn);
          for (let i = 0; i < layer.nIn * layer.nOut + layer.nOut; i++) p[layer.weightOffset + i] = o.rng.uniform(-bound, bound);
        }
        net.setParameters(p);
      }
    }
    if (o.sde !== undefined && !this.continuous) throw new ValidationError("sde", "needs continuous actions", o.sde);
    const logStdInit = o.logStdInit ?? 0;
    if (typeof logStdInit !== "number" || !Number.isFinite(logStdInit)) throw new ValidationError("logStdInit", "must be a finite number", logStdInit);
    if (o.sde !== undefined) {
      // z(s) is the actor's last hidden layer (the observation for a linear actor), as SB3's latent_pi.
      const latentDim = pi.length > 0 ? pi[pi.length - 1] : o.obsSize;
      this.sde = new SdeHead({ latentDim, actionDim: o.nActions, ...o.sde });
      this.logStd = this.store.reserve(this.sde.logStdSize, new Float32Array(this.sde.logStdSize).fill(logStdInit));
    } else if (this.continuous) {
      this.logStd = this.store.reserve(o.nActions, new Float32Array(o.nActions).fill(logStdInit));
    }
    own(this, this.blocks);
    this.ensure(64);
  }

  /** Makes the head buffers hold `rows` rows. */
  ensure(rows: number): void {
    if (rows <= this.capacity) return;
    for (const b of this.blocks) b.free();
    const A = this.nActions;
    this.blocks.length = 0;
    this.blocks.push(f32Block(rows * A), f32Block(rows), f32Block(rows), f32Block(rows * A), f32Block(rows), f32Block(rows), i32Block(rows), f32Block(rows * A));
    this.capacity = rows;
  }

  get logp(): Block<"f32"> { return this.blocks[0] as Block<"f32">; }
  get logpAct(): Block<"f32"> { return this.blocks[1] as Block<"f32">; }
  get entropy(): Block<"f32"> { return this.blocks[2] as Block<"f32">; }
  get dLogits(): Block<"f32"> { return this.blocks[3] as Block<"f32">; }
  get gLogp(): Block<"f32"> { return this.blocks[4] as Block<"f32">; }
  get dValues(): Block<"f32"> { return this.blocks[5] as Block<"f32">; }
  get actionBlock(): Block<"i32"> { return this.blocks[6] as Block<"i32">; }
  get actionF32Block(): Block<"f32"> { return this.blocks[7] as Block<"f32">; }

  /**
   * Keeps the actor's and critic's activations of `rows` rollout rows
   * (`recordRollout`), so that the first minibatch of an update, which sees
   * the rollout's parameters, replays them instead of recomputing its forward
   * passes (`replayRollout`).
   */
  enableRolloutCache(rows: number): void {
    if (rows <= this.cacheRows) return;
    disown(this.cacheBlocks, this.cacheBlocks);
    this.cacheBlocks.length = 0;
    this.actorCache = this.actor.activationCacheBlocks(rows);
    this.criticCache = this.critic.activationCacheBlocks(rows);
    this.cacheBlocks.push(...this.actorCache, ...this.criticCache);
    own(this, this.cacheBlocks, this.cacheBlocks);
    this.cacheRows = rows;
  }

  /** Rows of the rollout cache (0: none). */
  get rolloutCacheRows(): number {
    return this.cacheRows;
  }

  /** After `act` with values on E rows: records both networks' activations as rollout rows row0, ..., row0 + E - 1. */
  recordRollout(row0: number): void {
    this.actor.recordActivations(this.actorCache, row0);
    this.critic.recordActivations(this.criticCache, row0);
  }

  /**
   * Makes rollout rows idx[0..rows) (i32 at byte address idx) the last
   * forward of the actor and the critic (Mlp.replayActivations: bit-identical
   * to recomputing them while the parameters are the rollout's and both
   * batches are multiples of 4 rows).
   */
  replayRollout(idx: number, rows: number): void {
    this.ensure(rows);
    this.actor.replayActivations(this.actorCache, idx, rows);
    this.critic.replayActivations(this.criticCache, idx, rows);
  }

  /**
   * Log-probabilities of every action (into `logp`, rows x A) for `rows`
   * observations, renormalised over the legal actions when `mask` is given.
   */
  distribution(obs: ArrayLike<number> | F32Ref, rows: number, mask?: U8Ref): void {
    this.ensure(rows);
    const logits = this.actor.forward(obs, rows);
    categoricalForward({ logits, logp: this.logp, rows, actionCount: this.nActions, mask });
  }

  /** Throws unless masks are used with discrete actions only. */
  private checkMasked(mask: unknown): void {
    if (mask !== undefined && this.continuous) {
      throw new ValidationError("actionMask", "action masks need a Discrete action space (this policy is a Gaussian over a Box)", "mask");
    }
  }

  /**
   * Rollout step: samples actions (or takes the modes / means) for `rows`
   * observations, writing them (Int32Array for discrete actions, rows x A
   * Float32Array for continuous ones), their log-probabilities and V(s).
   * Discrete actions: `mask` (rows x A 0/1 bytes, checked by the caller)
   * restricts them to the legal ones.
   */
  act(
    obs: Float32Array, rows: number, rng: Rng | SdeNoise | undefined,
    actions: Int32Array | Float32Array, logpAct?: Float32Array, values?: Float64Array, mask?: ArrayLike<number>,
  ): void {
    const A = this.nActions;
    this.checkMasked(mask);
    if (this.sde) {
      this.actSde(obs, rows, rng, actions as Float32Array, logpAct);
    } else if (rng !== undefined && !(rng instanceof Rng)) {
      throw new ValidationError("rng", "noise matrices (SdeNoise) need a gSDE policy", "SdeNoise");
    } else if (this.continuous) {
      this.ensure(rows);
      const mean = this.actor.forward(obs, rows);
      const out = actions as Float32Array;
      if (rng) gaussianSample(mean, this.logStd!.view, rows, rng, out);
      else out.set(mean.view.subarray(0, rows * A));
      if (logpAct) {
        const a = this.actionF32Block;
        a.view.set(out.subarray(0, rows * A));
        gaussianLogProb({ mean, logStd: this.logStd!.value, actions: a, rows, actionDim: A, out: this.logpAct });
        logpAct.set(this.logpAct.view.subarray(0, rows));
      }
    } else {
      this.distribution(obs, rows, mask === undefined ? undefined : (this.actMasks ??= new MaskBlock(this, A)).write(mask, rows));
      const acts = actions as Int32Array;
      if (rng) categoricalSample(this.logp, rows, A, rng, acts);
      else categoricalMode(this.logp, rows, A, acts);
      if (logpAct) {
        const lp = this.logp.view;
        for (let r = 0; r < rows; r++) logpAct[r] = lp[r * A + acts[r]];
      }
    }
    if (values) this.values(obs, rows, values);
  }

  /**
   * `act` for a gSDE policy: the means, then mu + z^T theta with noise
   * matrices (SdeNoise, row r uses matrix r mod count), an independent
   * N(mu, sigma(s)^2) draw per row (Rng), or the means (undefined).
   */
  private actSde(obs: Float32Array, rows: number, sampler: Rng | SdeNoise | undefined, out: Float32Array, logpAct?: Float32Array): void {
    const A = this.nActions;
    const head = this.sde!;
    this.ensure(rows);
    const mean = this.actor.forward(obs, rows);
    const latent = this.actor.lastHidden;
    head.prepare(this.logStd!.view);
    if (sampler) head.sample(mean, latent, rows, sampler, out);
    else out.set(mean.view.subarray(0, rows * A));
    if (logpAct) {
      const a = this.actionF32Block;
      a.view.set(out.subarray(0, rows * A));
      head.logProb(mean, latent, a, rows, this.logpAct);
      logpAct.set(this.logpAct.view.subarray(0, rows));
    }
  }

  /**
   * Training forward of the actor: log pi(a_r | s_r) into `logpAct` and the
   * entropies into `entropy` (one value per row) for given observations and
   * actions (I32Ref for discrete, rows x A F32Ref for continuous), under the
   * legal-action masks the actions were sampled with (`mask`, rows x A
   * bytes; discrete only).
   */
  logProbForward(obs: F32Ref, rows: number, actions: I32Ref | F32Ref, mask?: U8Ref): void {
    this.ensure(rows);
    this.actor.forward(obs, rows);
    this.logProbHead(rows, actions, mask);
  }

  /** The head of `logProbForward` on the actor's last output (a forward or `replayRollout` on these rows). */
  logProbHead(rows: number, actions: I32Ref | F32Ref, mask?: U8Ref): void {
    this.checkMasked(mask);
    this.ensure(rows);
    const A = this.nActions;
    const out = this.actor.lastOutput;
    if (this.sde) {
      this.sde.prepare(this.logStd!.view);
      this.sde.logProb(out, this.actor.lastHidden, actions as F32Ref, rows, this.logpAct, this.entropy);
    } else if (this.continuous) {
      gaussianLogProb({ mean: out, logStd: this.logStd!.value, actions: actions as F32Ref, rows, actionDim: A, out: this.logpAct });
      this.entropy.view.fill(gaussianEntropy(this.logStd!.view), 0, rows);
    } else {
      categoricalForward({ logits: out, logp: this.logp, rows, actionCount: A, mask, actions: actions as I32Ref, logpAct: this.logpAct, entropy: this.entropy });
    }
  }

  /**
   * Backward of sum_r gLogp_r log pi(a_r | s_r) - entCoef mean_r H_r (gLogp in
   * the `gLogp` block) into the actor's (and log-std's) gradients; after
   * `logProbForward` on the same rows (whose -inf log-probabilities carry
   * the masks: illegal logits get gradient 0).
   */
  logProbBackward(rows: number, actions: I32Ref | F32Ref, entCoef: number): void {
    const A = this.nActions;
    if (this.sde) {
      // d(-entCoef mean_r H_r)/dH_r = -entCoef / rows; H_r depends on the state through sigma(s).
      const dLatent = this.sde.backward(
        this.actor.lastOutput, this.actor.lastHidden, actions as F32Ref, rows, this.gLogp, rows > 0 ? -entCoef / rows : 0, this.dLogits, this.logStd!.grad,
      );
      this.actor.backward(this.dLogits, dLatent ? { hiddenGradient: dLatent } : {});
      return;
    }
    if (this.continuous) {
      const mean = this.actor.lastOutput;
      gaussianLogProbBackward({
        mean, logStd: this.logStd!.value, actions: actions as F32Ref, rows, actionDim: A, g: this.gLogp, dMean: this.dLogits, dLogStd: this.logStd!.grad,
      });
      // H = sum_d logStd_d + const for every row: d(-entCoef mean H)/d logStd_d = -entCoef.
      if (entCoef !== 0) {
        const g = this.logStd!.gradView;
        for (let d = 0; d < A; d++) g[d] -= entCoef;
      }
    } else {
      categoricalBackward({
        logp: this.logp, rows, actionCount: A, dLogits: this.dLogits, actions: actions as I32Ref, gLogp: this.gLogp,
        ...(entCoef !== 0 ? { entropy: this.entropy, gEntropy: -entCoef / rows } : {}),
      });
    }
    this.actor.backward(this.dLogits);
  }

  /** V(s) for `rows` observations into `out` (f64). */
  values(obs: ArrayLike<number> | F32Ref, rows: number, out: Float64Array, offset = 0): Float64Array {
    if (rows === 0) return out;
    const v = this.critic.forward(obs, rows).view;
    for (let r = 0; r < rows; r++) out[offset + r] = v[r];
    return out;
  }

  dispose(): void {
    disown(this, this.blocks);
    this.sde?.dispose();
    this.actMasks?.dispose();
    disown(this.cacheBlocks, this.cacheBlocks);
    this.actor.dispose();
    this.critic.dispose();
    this.store.dispose();
  }
}
