/**
 * "Pick a legal arm", a test environment for action masking: n arms, of which
 * a random non-empty subset is legal at every step (each arm legal with
 * probability pLegal, redrawn while none is). The observation is the legal
 * set as 0/1 floats, and `info.actionMask` (when `masks` is true) says the
 * same. A legal arm j pays (j + 1) / n and draws the next legal set; an
 * illegal arm ends the episode with reward `penalty`. Episodes are truncated
 * after `length` steps. `illegal` counts the illegal actions ever taken, so a
 * test can assert that a masked learner never takes one.
 */
import { Rng } from "../../src/core/rng.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import type { Action, Env, ResetOptions, ResetResult, StepResult } from "../../src/envs/env.js";

export interface LegalArmsOptions {
  /** Number of arms; default 6. */
  n?: number;
  /** Probability that an arm is legal; default 0.4. */
  pLegal?: number;
  /** Steps per episode (truncation); default 20. */
  length?: number;
  /** Reward of an illegal arm, which also ends the episode; default -10. */
  penalty?: number;
  /** Report `info.actionMask`; default true. */
  masks?: boolean;
}

export class LegalArmsEnv implements Env<Float32Array, Action> {
  readonly id = "LegalArms";
  readonly n: number;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly maxEpisodeSteps: number;
  /** Illegal actions taken so far (all episodes). */
  illegal = 0;
  /** Actions taken so far (all episodes). */
  actions = 0;
  private readonly pLegal: number;
  private readonly penalty: number;
  private readonly masks: boolean;
  private readonly legal: Uint8Array;
  private rng = new Rng(0);
  private elapsed = 0;

  constructor(o: LegalArmsOptions = {}) {
    this.n = o.n ?? 6;
    this.pLegal = o.pLegal ?? 0.4;
    this.maxEpisodeSteps = o.length ?? 20;
    this.penalty = o.penalty ?? -10;
    this.masks = o.masks ?? true;
    this.observationSpace = new Box(0, 1, { shape: [this.n] });
    this.actionSpace = new Discrete(this.n);
    this.legal = new Uint8Array(this.n);
  }

  private draw(): void {
    do for (let j = 0; j < this.n; j++) this.legal[j] = this.rng.random() < this.pLegal ? 1 : 0;
    while (!this.legal.includes(1));
  }

  private result(): { obs: Float32Array; info: Record<string, unknown> } {
    return { obs: Float32Array.from(this.legal), info: this.masks ? { actionMask: this.legal.slice() } : {} };
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.elapsed = 0;
    this.draw();
    return this.result();
  }

  step(action: Action): StepResult<Float32Array> {
    const a = typeof action === "number" ? action : action[0];
    this.actions++;
    this.elapsed++;
    if (!this.legal[a]) {
      this.illegal++;
      return { obs: Float32Array.from(this.legal), reward: this.penalty, terminated: true, truncated: false, info: {} };
    }
    const reward = (a + 1) / this.n;
    this.draw();
    return { ...this.result(), reward, terminated: false, truncated: this.elapsed >= this.maxEpisodeSteps };
  }

  /** Expected return of the best policy (always the highest legal arm), per episode. */
  optimalReturn(): number {
    const { n, pLegal: p } = this;
    // The highest legal arm is k when arm k is legal and the n - 1 - k above it are not, given a non-empty set.
    let mean = 0;
    for (let k = 0; k < n; k++) mean += ((k + 1) / n) * p * (1 - p) ** (n - 1 - k);
    return (this.maxEpisodeSteps * mean) / (1 - (1 - p) ** n);
  }
}
