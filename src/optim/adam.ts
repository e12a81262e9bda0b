/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization") in
 * PyTorch's formulation (torch.optim.Adam, amsgrad off), one fused SIMD pass
 * over a flat f32 parameter vector (kernel in assembly/optim/adam.ts). For step
 * t = 1, 2, ...:
 *
 *   g = gradScale * grad + weightDecay * theta
 *   m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g^2
 *   theta = theta - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * eps sits outside the square root of the bias-corrected second moment, as in
 * PyTorch (so eps is not the paper's eps-hat). weightDecay is torch's L2
 * penalty added to the gradient, not AdamW's decoupled decay. gradScale folds
 * global-norm clipping (src/optim/grad-norm.ts) into the same pass. SB3 builds its
 * PPO and A2C optimisers with eps = 1e-5; torch's default is 1e-8.
 */
import { kernels } from "../core/wasm.js";
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import type { F32Ref } from "../nn/tensor.js";

/** What Adam updates: a `ParameterStore` or a `ParameterSlice` (anything with live params and grads). */
export interface Optimisable {
  readonly value: F32Ref;
  readonly grad: F32Ref;
}

export interface AdamOptions {
  /** Step size; default 1e-3 (torch). Can be changed between steps (schedules). */
  learningRate?: number;
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Added to sqrt(v-hat); default 1e-8 (torch; SB3 uses 1e-5). */
  eps?: number;
  /** L2 penalty coefficient added to the gradient; default 0. */
  weightDecay?: number;
}

export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

function checkNumber(field: string, x: number, lo: number, hi: number, hiOpen: boolean): number {
  if (!(typeof x === "number" && x >= lo && (hiOpen ? x < hi : x <= hi))) {
    throw new ValidationError(field, `must be in [${lo}, ${hi}${hiOpen ? ")" : "]"}`, x);
  }
  return x;
}

const ADAM_OPTIONS = ["learningRate", "beta1", "beta2", "eps", "weightDecay"] as const;
const STEP_OPTIONS = ["gradScale"] as const;

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private lr: number;
  private t = 0;
  private readonly size: number;
  /** [m, v]; shared with the finaliser. */
  private readonly moments: Block<"f32">[];

  constructor(
    readonly target: Optimisable,
    options: AdamOptions = {},
  ) {
    checkOptions("options", options, ADAM_OPTIONS, "Adam");
    this.lr = checkNumber("learningRate", options.learningRate ?? 1e-3, 0, Infinity, true);
    this.beta1 = checkNumber("beta1", options.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkNumber("beta2", options.beta2 ?? 0.999, 0, 1, true);
    this.eps = checkNumber("eps", options.eps ?? 1e-8, 0, Infinity, true);
    this.weightDecay = checkNumber("weightDecay", options.weightDecay ?? 0, 0, Infinity, true);
    this.size = target.value.length;
    this.moments = [f32Block(this.size), f32Block(this.size)];
    this.moments[0].view.fill(0);
    this.moments[1].view.fill(0);
    own(this, this.moments);
  }

  get learningRate(): number {
    return this.lr;
  }

  set learningRate(lr: number) {
    this.lr = checkNumber("learningRate", lr, 0, Infinity, true);
  }

  /** Steps taken so far (t of the bias corrections). */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One Adam step on the target's parameters from its gradients (which are
   * not modified). `gradScale` multiplies the gradients first (e.g. the scale
   * from `clipGradNormScale`).
   */
  step(options: { gradScale?: number } = {}): void {
    // The agents always pass gradScale: the key check runs only when it is missing (off the training loop).
    if (options.gradScale === undefined) checkOptions("options", options, STEP_OPTIONS, "Adam.step");
    const gradScale = options.gradScale ?? 1;
    if (!Number.isFinite(gradScale)) throw new ValidationError("gradScale", "must be finite", gradScale);
    const { value, grad } = this.target;
    if (value.length !== this.size) {
      throw new ValidationError("target", `has ${value.length} parameters, the optimiser was built for ${this.size}`, value.length);
    }
    const t = ++this.t;
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    kernels().adamStepSimd(
      value.ptr, grad.ptr, this.moments[0].ptr, this.moments[1].ptr, this.size,
      stepSize, this.beta2, 1 - this.beta1, 1 - this.beta2, this.eps, bc2Sqrt, gradScale, this.weightDecay,
    );
  }

  /** A copy of the optimiser state, for saving. */
  getState(): AdamState {
    return { step: this.t, m: this.moments[0].toArray(), v: this.moments[1].toArray() };
  }

  /** Restores a state from `getState()` (same parameter count). */
  setState(state: AdamState): void {
    if (state === null || typeof state !== "object") throw new ValidationError("state", "must be { step, m, v }", state);
    if (!Number.isInteger(state.step) || state.step < 0) throw new ValidationError("step", "must be an integer >= 0", state.step);
    for (const [field, a] of [["m", state.m], ["v", state.v]] as const) {
      if (!a || a.length !== this.size) throw new ValidationError(field, `must hold ${this.size} values`, a.length);
      for (let i = 0; i < a.length; i++) {
        if (!Number.isFinite(a[i]) || (field === "v" && a[i] < 0)) {
          throw new ValidationError(field, field === "v" ? "must be finite and >= 0" : "must be finite", a[i], { index: i });
        }
      }
    }
    this.t = state.step;
    this.moments[0].set(state.m);
    this.moments[1].set(state.v);
  }

  /** Forgets the moments and the step count. */
  reset(): void {
    this.t = 0;
    this.moments[0].view.fill(0);
    this.moments[1].view.fill(0);
  }

  /** Frees the moment vectors now (otherwise when the optimiser is collected). */
  dispose(): void {
    disown(this, this.moments);
  }
}
