/**
 * RMSprop (Tieleman & Hinton 2012, lecture 6e) as torch.optim.RMSprop with
 * no momentum and no centring, which SB3's A2C uses by default (alpha 0.99,
 * eps 1e-5), fused over a flat f32 parameter vector (kernel in
 * assembly/optim/rmsprop.ts):
 *
 *   v = alpha v + (1 - alpha) g^2,   theta = theta - lr g / (sqrt(v) + eps)
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import type { Optimisable } from "./adam.js";

export interface RmspropOptions {
  /** Step size; default 1e-2 (torch). */
  learningRate?: number;
  /** Decay of the running mean of squared gradients; default 0.99. */
  alpha?: number;
  /** Added to sqrt(v); default 1e-8 (torch; SB3's A2C uses 1e-5). */
  eps?: number;
}

const RMSPROP_OPTIONS = ["learningRate", "alpha", "eps"] as const;
const STEP_OPTIONS = ["gradScale", "kernel"] as const;

/** RMSprop's state, for saving: the step count and the running mean of squared gradients. */
export interface RmspropState {
  step: number;
  v: Float32Array;
}

export class Rmsprop {
  readonly alpha: number;
  readonly eps: number;
  learningRate: number;
  private t = 0;
  private readonly size: number;
  private readonly blocks: Block<"f32">[];

  constructor(readonly target: Optimisable, options: RmspropOptions = {}) {
    checkOptions("options", options, RMSPROP_OPTIONS, "Rmsprop");
    this.learningRate = options.learningRate ?? 1e-2;
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    if (typeof this.learningRate !== "number" || !(this.learningRate >= 0 && this.learningRate < Infinity)) throw new ValidationError("learningRate", "must be finite and >= 0", this.learningRate);
    if (typeof this.alpha !== "number" || !(this.alpha >= 0 && this.alpha < 1)) throw new ValidationError("alpha", "must be in [0, 1)", this.alpha);
    if (typeof this.eps !== "number" || !(this.eps >= 0 && this.eps < Infinity)) throw new ValidationError("eps", "must be finite and >= 0", this.eps);
    this.size = target.value.length;
    this.blocks = [f32Block(this.size)];
    this.blocks[0].view.fill(0);
    own(this, this.blocks);
  }

  get stepCount(): number {
    return this.t;
  }

  /** One step from the target's gradients times `gradScale` (the clip coefficient). */
  step(options: { gradScale?: number; kernel?: "simd" | "scalar" } = {}): void {
    // The agents always pass gradScale: the key check runs only when it is missing (off the training loop).
    if (options.gradScale === undefined) checkOptions("options", options, STEP_OPTIONS, "Rmsprop.step");
    const gs = options.gradScale ?? 1;
    if (!Number.isFinite(gs)) throw new ValidationError("gradScale", "must be finite", gs);
    const { value, grad } = this.target;
    if (value.length !== this.size) throw new ValidationError("target", `has ${value.length} parameters, built for ${this.size}`, value.length);
    const k = kernels();
    const fn = options.kernel === "scalar" ? k.agentsRmspropStepScalar : k.agentsRmspropStepSimd;
    fn(value.ptr, grad.ptr, this.blocks[0].ptr, this.size, this.learningRate, this.alpha, 1 - this.alpha, this.eps, gs);
    this.t++;
  }

  getState(): RmspropState {
    return { step: this.t, v: this.blocks[0].toArray() };
  }

  setState(state: { step: number; v: ArrayLike<number> }): void {
    if (state === null || typeof state !== "object") throw new ValidationError("state", "must be { step, v }", state);
    if (!Number.isInteger(state.step) || state.step < 0) throw new ValidationError("step", "must be an integer >= 0", state.step);
    if (!state.v || state.v.length !== this.size) throw new ValidationError("v", `must hold ${this.size} values`, state.v.length);
    for (let i = 0; i < this.size; i++) {
      if (!(state.v[i] >= 0 && state.v[i] < Infinity)) throw new ValidationError("v", "must be finite and >= 0", state.v[i], { index: i });
    }
    this.t = state.step;
    this.blocks[0].set(state.v);
  }

  dispose(): void {
    disown(this, this.blocks);
  }
}
