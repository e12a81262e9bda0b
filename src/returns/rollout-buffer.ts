/**
 * The on-policy rollout buffer (SB3's RolloutBuffer): struct-of-arrays blocks
 * in WebAssembly memory, preallocated for nSteps x numEnvs transitions, rows
 * laid out [t * numEnvs + e]. Holds the (normalised) observations, actions
 * (i32 indices, or actionSize f32 values per row for continuous actions), their log-probabilities under the behaviour policy, values, rewards
 * (truncations already marked for bootstrap), and after `computeAdvantages`
 * the GAE advantages and value targets (src/returns/gae.ts). When the
 * environment gives legal-action masks, they are kept too (`masks`, rows x
 * actionCount bytes), so that training recomputes log-probabilities under the
 * masks the actions were sampled with.
 */
import { ValidationError } from "../core/errors.js";
import { Block, disown, f32Block, f64Block, i32Block, own, type BlockKind } from "../core/arena.js";
import { allocatingFor, checkAllocation, checkFiniteVector, isArrayLike, kindOf } from "../core/validate.js";
import { checkGaeCoefficients, gaeOnBlocks, type GaeBlocks } from "./gae.js";

export class RolloutBuffer {
  readonly size: number;
  /** Rows added so far (in transitions: a multiple of numEnvs). */
  private pos = 0;
  readonly obs: Block<"f32">;
  readonly actions: Block<"i32"> | Block<"f32">;
  readonly logp: Block<"f32">;
  readonly gae: GaeBlocks;
  /** Legal-action masks of the rows (rows x actionCount, 1 = legal); allocated at the first masked `add`. */
  masks?: Block<"u8">;
  /** Whether this rollout's rows have masks (`masks` is meaningful); rows added without a mask are all legal. */
  masked = false;
  private readonly blocks: Block<BlockKind>[];

  constructor(
    readonly nSteps: number,
    readonly numEnvs: number,
    readonly obsSize: number,
    /** Values per action: 1 for a discrete index (i32), the dimension for a continuous action (f32). */
    readonly actionSize = 1,
    readonly continuous = false,
  ) {
    for (const [field, v] of [["nSteps", nSteps], ["numEnvs", numEnvs], ["obsSize", obsSize], ["actionSize", actionSize]] as const) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ValidationError(field, "must be an integer >= 1", v);
    }
    if (typeof continuous !== "boolean") throw new ValidationError("continuous", "must be true or false", continuous);
    const n = nSteps * numEnvs;
    // Rows are addressed with 32-bit indices in the kernels, and every block must fit in memory.
    if (n * Math.max(obsSize, actionSize) > 2 ** 31 - 1) {
      throw new ValidationError("nSteps", "nSteps x numEnvs x obsSize must be below 2^31 (32-bit indices)", nSteps, { numEnvs, obsSize });
    }
    checkAllocation("nSteps", nSteps, n * (4 * obsSize + 4 * (continuous ? actionSize : 1) + 4 + 6 * 8) + numEnvs * 8, { numEnvs, obsSize });
    this.size = n;
    const taken: Block<BlockKind>[] = [];
    const take = <B extends Block<BlockKind>>(b: B): B => {
      taken.push(b);
      return b;
    };
    const b = allocatingFor("nSteps", nSteps, () => {
      try {
        return {
          obs: take(f32Block(n * obsSize)),
          actions: take(continuous ? f32Block(n * actionSize) : i32Block(n)),
          logp: take(f32Block(n)),
          gae: {
            rewards: take(f64Block(n)), values: take(f64Block(n)), lastValues: take(f64Block(numEnvs)), ended: take(f64Block(n)),
            boot: take(f64Block(n)), advantages: take(f64Block(n)), returns: take(f64Block(n)),
          },
        };
      } catch (error) {
        for (const t of taken) t.free();
        throw error;
      }
    }, { numEnvs, obsSize });
    this.obs = b.obs;
    this.actions = b.actions;
    this.logp = b.logp;
    this.gae = b.gae;
    this.blocks = [this.obs, this.actions, this.logp, ...Object.values(this.gae)];
    own(this, this.blocks);
  }

  get full(): boolean {
    return this.pos === this.size;
  }

  /** Rows filled so far. */
  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
    this.masked = false;
  }

  /**
   * Adds one vectorised step: numEnvs observations (obsSize each, the ones the
   * actions were chosen on), actions, their log-probabilities, values, rewards,
   * and per copy whether the episode ended (terminated or truncated) and the
   * bootstrap value (V(final observation) for a truncation, else 0); and,
   * for discrete actions, the legal-action masks the actions were chosen
   * under (numEnvs x actionCount 0/1 bytes; absent: every action legal).
   */
  add(
    obs: ArrayLike<number>, actions: ArrayLike<number>, logp: ArrayLike<number>, values: ArrayLike<number>,
    rewards: ArrayLike<number>, ended: ArrayLike<number>, boot: ArrayLike<number>, masks?: ArrayLike<number>,
  ): void {
    if (this.pos >= this.size) throw new ValidationError("add", "the rollout buffer is full", this.pos);
    const E = this.numEnvs;
    // Lengths only (once per call): the values are the agent's own.
    const m0 = this.actionSize;
    for (const [field, x, n] of [["obs", obs, E * this.obsSize], ["actions", actions, E * m0], ["logp", logp, E], ["values", values, E], ["rewards", rewards, E], ["ended", ended, E], ["boot", boot, E]] as const) {
      if (!isArrayLike(x) || x.length < n) {
        throw new ValidationError(field, `must hold at least ${n} values (numEnvs = ${E})`, isArrayLike(x) ? x.length : kindOf(x), { class: "RolloutBuffer" });
      }
    }
    const at = this.pos;
    if (masks !== undefined || this.masked) this.addMasks(at, masks);
    this.obs.view.set(obs.length === E * this.obsSize ? obs : Array.prototype.slice.call(obs, 0, E * this.obsSize), at * this.obsSize);
    const a = this.actions.view;
    const m = this.actionSize;
    for (let i = 0; i < E * m; i++) a[at * m + i] = actions[i];
    const lp = this.logp.view;
    const { values: v, rewards: r, ended: d, boot: b } = this.gae;
    const vv = v.view, rv = r.view, dv = d.view, bv = b.view;
    for (let e = 0; e < E; e++) {
      lp[at + e] = logp[e];
      vv[at + e] = values[e];
      rv[at + e] = rewards[e];
      dv[at + e] = ended[e] ? 1 : 0;
      bv[at + e] = boot[e];
    }
    this.pos += E;
  }

  /** Writes the masks of rows at .. at + numEnvs - 1 (all legal when `masks` is absent). */
  private addMasks(at: number, masks: ArrayLike<number> | undefined): void {
    const E = this.numEnvs;
    if (!this.masks) {
      if (this.continuous || masks === undefined || masks.length === 0 || masks.length % E !== 0) {
        throw new ValidationError("masks", "must hold numEnvs x actionCount 0/1 values, for discrete actions", masks?.length);
      }
      this.masks = new Block("u8", this.size * (masks.length / E));
      this.blocks.push(this.masks);
    }
    const A = this.masks.length / this.size;
    const m = this.masks.view;
    // Rows of this rollout added before the first mask had every action legal.
    if (!this.masked) m.fill(1, 0, at * A);
    this.masked = true;
    if (masks === undefined) m.fill(1, at * A, (at + E) * A);
    else {
      if (masks.length !== E * A) throw new ValidationError("masks", `must hold numEnvs x actionCount = ${E * A} values`, masks.length);
      m.set(masks, at * A);
    }
  }

  /** GAE(lambda) advantages and value targets, given V of the observations after the last step. */
  computeAdvantages(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    if (!this.full) throw new ValidationError("computeAdvantages", `needs a full buffer (${this.size} rows)`, this.pos);
    checkGaeCoefficients(gamma, lambda);
    checkFiniteVector("lastValues", lastValues, this.numEnvs, "numEnvs", { class: "RolloutBuffer" });
    this.gae.lastValues.set(lastValues);
    gaeOnBlocks(this.gae, this.nSteps, this.numEnvs, gamma, lambda);
  }

  /** Frees the blocks now (otherwise when the buffer is collected). */
  dispose(): void {
    disown(this, this.blocks);
  }
}
