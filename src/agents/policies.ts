/**
 * The actor-critic of PPO and A2C for a discrete action space (SB3's
 * ActorCriticPolicy with separate networks): an actor MLP giving logits of a
 * categorical distribution and a critic MLP giving V(s), both in one
 * ParameterStore so one optimiser step and one global-norm clip cover both.
 * Orthogonal initialisation with SB3's gains (sqrt 2 hidden, 0.01 policy
 * output, 1 value output) or, with orthoInit false, torch's default for
 * nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases.
 */
import { ValidationError } from "../errors.js";
import { Rng } from "../random/rng.js";
import { disown, f32Block, i32Block, own, type Block, type BlockKind } from "../wasm/arena.js";
import { Mlp } from "../nn/mlp.js";
import { ParameterStore } from "../nn/parameters.js";
import { POLICY_GAIN, VALUE_GAIN } from "../nn/init.js";
import { categoricalForward, categoricalMode, categoricalSample } from "../nn/categorical.js";
import type { Activation } from "../nn/activation.js";
import type { F32Ref } from "../nn/tensor.js";

/** Hidden widths: one list for both networks, or separate ones (SB3's `dict(pi=[...], vf=[...])`). */
export type NetArch = readonly number[] | { readonly pi: readonly number[]; readonly vf: readonly number[] };

export interface ActorCriticOptions {
  obsSize: number;
  nActions: number;
  netArch?: NetArch;
  activation?: Activation;
  orthoInit?: boolean;
  /** Generator for the initial weights. */
  rng: Rng;
}

export function splitNetArch(netArch: NetArch | undefined): { pi: number[]; vf: number[] } {
  if (netArch === undefined) return { pi: [64, 64], vf: [64, 64] };
  if (Array.isArray(netArch)) return { pi: [...netArch], vf: [...netArch] };
  const a = netArch as { pi?: readonly number[]; vf?: readonly number[] };
  if (!a || !Array.isArray(a.pi) || !Array.isArray(a.vf)) {
    throw new ValidationError("netArch", "must be an array of widths or { pi: [...], vf: [...] }", netArch);
  }
  return { pi: [...a.pi], vf: [...a.vf] };
}

export class ActorCritic {
  readonly store = new ParameterStore();
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly obsSize: number;
  readonly nActions: number;
  private capacity = 0;
  /** [logp (rows x A), logpAct, entropy, dLogits, gLogp, dValues, actions]; shared with the finaliser. */
  private readonly blocks: Block<BlockKind>[] = [];

  constructor(o: ActorCriticOptions) {
    this.obsSize = o.obsSize;
    this.nActions = o.nActions;
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
    own(this, this.blocks);
    this.ensure(64);
  }

  /** Makes the head buffers hold `rows` rows. */
  ensure(rows: number): void {
    if (rows <= this.capacity) return;
    for (const b of this.blocks) b.free();
    const A = this.nActions;
    this.blocks.length = 0;
    this.blocks.push(f32Block(rows * A), f32Block(rows), f32Block(rows), f32Block(rows * A), f32Block(rows), f32Block(rows), i32Block(rows));
    this.capacity = rows;
  }

  get logp(): Block<"f32"> { return this.blocks[0] as Block<"f32">; }
  get logpAct(): Block<"f32"> { return this.blocks[1] as Block<"f32">; }
  get entropy(): Block<"f32"> { return this.blocks[2] as Block<"f32">; }
  get dLogits(): Block<"f32"> { return this.blocks[3] as Block<"f32">; }
  get gLogp(): Block<"f32"> { return this.blocks[4] as Block<"f32">; }
  get dValues(): Block<"f32"> { return this.blocks[5] as Block<"f32">; }
  get actionBlock(): Block<"i32"> { return this.blocks[6] as Block<"i32">; }

  /** Log-probabilities of every action (into `logp`, rows x A) for `rows` observations. */
  distribution(obs: ArrayLike<number> | F32Ref, rows: number): void {
    this.ensure(rows);
    const logits = this.actor.forward(obs, rows);
    categoricalForward({ logits, logp: this.logp, rows, actionCount: this.nActions });
  }

  /**
   * Rollout step: samples actions (or takes the modes) for `rows` observations,
   * writing them, their log-probabilities and the values V(s).
   */
  act(
    obs: Float32Array, rows: number, rng: Rng | undefined,
    actions: Int32Array, logpAct?: Float32Array, values?: Float64Array,
  ): void {
    this.distribution(obs, rows);
    const A = this.nActions;
    if (rng) categoricalSample(this.logp, rows, A, rng, actions);
    else categoricalMode(this.logp, rows, A, actions);
    if (logpAct) {
      const lp = this.logp.view;
      for (let r = 0; r < rows; r++) logpAct[r] = lp[r * A + actions[r]];
    }
    if (values) this.values(obs, rows, values);
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
    this.actor.dispose();
    this.critic.dispose();
    this.store.dispose();
  }
}
