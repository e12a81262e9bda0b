/**
 * Fisher-vector products of a policy network on WebAssembly kernels
 * (assembly/nn/fisher.ts): for the rows s_1..s_N of a batch,
 *
 *   F v = (1/N) sum_r J_r^T M_r J_r v + damping v,
 *
 * where J_r is the Jacobian of the head's inputs at s_r (the logits of a
 * categorical policy, or the means of a diagonal Gaussian) with respect to the
 * parameters and M_r the Fisher metric of the distribution in those inputs:
 * diag(p) - p p^T for softmax logits, diag(1 / sigma^2) for Gaussian means,
 * and 2 per dimension for state-independent log-stds (the Fisher of
 * N(mu, sigma^2) in (mu, log sigma) is diag(1 / sigma^2, 2)). F is the
 * Hessian at theta_old of the mean KL between pi_theta_old and pi_theta (in
 * either direction): the KL's gradient with respect to the head's inputs
 * vanishes there, so the Gauss-Newton form is exact (Amari 1998; Kakade 2001;
 * Schulman et al. 2015, appendix C.1; Martens 2020, "New insights and
 * perspectives on the natural gradient method").
 *
 * J v is a forward-mode pass (the tangent of every layer output), M a small
 * per-row kernel, J^T the ordinary backward pass; every product is the dense
 * layers' blocked SIMD GEMM. Vectors are laid out as the network's
 * parameters (per layer W row-major, then b; `Mlp.parameters()`), followed,
 * for a Gaussian head, by the D log-stds.
 *
 *   actor.forward(obs, rows);                   // theta_old
 *   const fisher = new FisherOperator(actor, { head: "categorical", damping: 0.1 });
 *   fisher.prepare();                           // keeps this forward's activations
 *   fisher.apply(v, out);                       // out = F v + 0.1 v, as often as needed
 */
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { categoricalForward } from "./categorical.js";
import { checkFinite } from "./check.js";
import { Mlp } from "./mlp.js";
import { checkCount, checkDisjoint, checkRef, copyF32, heapF32, type F32Ref } from "./tensor.js";

/** The policy heads whose Fisher metric is implemented. */
export type FisherHead = "categorical" | "gaussian";

const HEADS: readonly FisherHead[] = ["categorical", "gaussian"];

/** Activation codes of the kernels: 0 linear, 1 tanh, 2 relu. */
const ACT_CODE = { tanh: 1, relu: 2 } as const;

// ----- the kernels -----

export interface FisherJvpArgs {
  /** Layer input, batch x nIn. */
  h: F32Ref;
  /** Tangent of the layer input, batch x nIn; omitted for the first layer (its input does not depend on the parameters). */
  t?: F32Ref;
  /** Weights W, nIn x nOut (needed with `t`). */
  w?: F32Ref;
  /** Direction of the weights V, nIn x nOut. */
  v: F32Ref;
  /** Direction of the bias, nOut. */
  vb: F32Ref;
  /** The layer's activation and its output act(h W + b), batch x nOut; omitted for a linear layer. */
  activation?: { kind: "tanh" | "relu"; output: F32Ref };
  /** Tangent out, batch x nOut (must not overlap h, t or the activation output). */
  out: F32Ref;
  batch: number;
  nIn: number;
  nOut: number;
}

/**
 * Tangent of a dense layer with its activation along a parameter direction (V, vb):
 *   out = act'(H) * (h V + vb + t W),  H = act(h W + b),
 * act' = 1 - H^2 (tanh), [H > 0] (relu), 1 without `activation`.
 */
export function fisherJvp(args: FisherJvpArgs): void {
  const { h, t, w, v, vb, activation, out, batch, nIn, nOut } = args;
  checkCount("batch", batch);
  checkCount("nIn", nIn);
  checkCount("nOut", nOut);
  checkRef("h", h, "f32", batch * nIn);
  checkRef("v", v, "f32", nIn * nOut);
  checkRef("vb", vb, "f32", nOut);
  checkRef("out", out, "f32", batch * nOut);
  checkDisjoint("out", out, batch * nOut, "h", h, batch * nIn);
  if (t) {
    checkRef("t", t, "f32", batch * nIn);
    checkRef("w", w, "f32", nIn * nOut);
    checkDisjoint("out", out, batch * nOut, "t", t, batch * nIn);
  }
  let code = 0;
  let hn = 0;
  if (activation) {
    if (activation.kind !== "tanh" && activation.kind !== "relu") {
      throw new ValidationError("activation.kind", "must be \"tanh\" or \"relu\"", activation.kind);
    }
    checkRef("activation.output", activation.output, "f32", batch * nOut);
    checkDisjoint("out", out, batch * nOut, "activation.output", activation.output, batch * nOut);
    code = ACT_CODE[activation.kind];
    hn = activation.output.ptr;
  }
  const pack = f32Block(Math.max(1, batch * nIn));
  const wn = f32Block(6 * Math.max(1, nIn));
  try {
    kernels().nnFisherJvpSimd(h.ptr, t ? t.ptr : 0, t ? w!.ptr : 0, v.ptr, vb.ptr, hn, code, out.ptr, pack.ptr, wn.ptr, batch, nIn, nOut);
  } finally {
    wn.free();
    pack.free();
  }
}

/**
 * Categorical Fisher metric per row: out[r, j] = scale p_j (u_j - sum_k p_k u_k),
 * p = exp(logp[r, :]) (a masked action, logp = -inf, gets 0). `out` may be `u`.
 */
export function fisherCategoricalMetric(args: { logp: F32Ref; u: F32Ref; out: F32Ref; rows: number; actionCount: number; scale?: number }): void {
  const { logp, u, out, rows, actionCount: A } = args;
  const scale = args.scale ?? 1;
  checkCount("rows", rows);
  checkCount("actionCount", A, 1);
  checkRef("logp", logp, "f32", rows * A);
  checkRef("u", u, "f32", rows * A);
  checkRef("out", out, "f32", rows * A);
  if (!Number.isFinite(scale)) throw new ValidationError("scale", "must be finite", scale);
  kernels().nnFisherCategoricalSimd(logp.ptr, u.ptr, out.ptr, rows, A, scale);
}

/** Diagonal-Gaussian Fisher metric on the means: out[r, d] = scale u[r, d] / sigma_d^2. `out` may be `u`. */
export function fisherGaussianMetric(args: { u: F32Ref; logStd: F32Ref; out: F32Ref; rows: number; actionDim: number; scale?: number }): void {
  const { u, logStd, out, rows, actionDim: D } = args;
  const scale = args.scale ?? 1;
  checkCount("rows", rows);
  checkCount("actionDim", D, 1);
  checkRef("u", u, "f32", rows * D);
  checkRef("logStd", logStd, "f32", D);
  checkRef("out", out, "f32", rows * D);
  if (!Number.isFinite(scale)) throw new ValidationError("scale", "must be finite", scale);
  checkFinite("logStd", logStd, D);
  kernels().nnFisherGaussianSimd(u.ptr, logStd.ptr, out.ptr, rows, D, scale);
}

// ----- the operator -----

export interface FisherOperatorOptions {
  /** "categorical" (the network outputs logits) or "gaussian" (means, with state-independent log-stds). */
  head: FisherHead;
  /** Gaussian: the D log standard deviations at theta_old (copied by `prepare`). */
  logStd?: F32Ref;
  /** lambda >= 0 in F v + lambda v; default 0 (can be changed between products). */
  damping?: number;
}

const OPERATOR_OPTIONS = ["head", "logStd", "damping"] as const;
const PREPARE_OPTIONS = ["logp"] as const;

function checkDamping(d: unknown): number {
  if (typeof d !== "number" || !(d >= 0 && d < Infinity)) throw new ValidationError("damping", "must be a finite number >= 0", d);
  return d;
}

/**
 * The damped Fisher matrix of a policy network at its last forward pass, as
 * an operator v -> F v + damping v (see the module comment). `prepare` keeps
 * the activations of the network's last forward; `apply` then runs one
 * tangent pass, the head metric and one backward pass without allocating.
 */
export class FisherOperator {
  readonly mlp: Mlp;
  readonly head: FisherHead;
  /** Length of the vectors: the network's parameters, plus D log-stds for a Gaussian head. */
  readonly size: number;
  private lambda: number;
  private readonly logStdRef?: F32Ref;
  private rowsPrepared = 0;
  private capacity = 0;
  /**
   * [input, ...layer outputs] of the prepared batch, then [tangent/gradient
   * ping, pong, pack, wt, wn, logp or logStd, parameters]; shared with the finaliser.
   */
  private readonly blocks: Block<"f32">[] = [];
  private readonly maxWidth: number;
  private readonly maxNIn: number;
  private readonly maxWeights: number;

  constructor(mlp: Mlp, options: FisherOperatorOptions) {
    if (!(mlp instanceof Mlp)) throw new ValidationError("mlp", "must be an Mlp", mlp);
    if (options === null || typeof options !== "object") throw new ValidationError("options", "must be { head, logStd?, damping? }", options);
    checkOptions("options", options, OPERATOR_OPTIONS, "FisherOperator");
    if (!HEADS.includes(options.head)) throw new ValidationError("head", `must be "categorical" or "gaussian"`, options.head);
    this.mlp = mlp;
    this.head = options.head;
    this.lambda = checkDamping(options.damping ?? 0);
    const D = mlp.outputSize;
    if (this.head === "gaussian") {
      checkRef("logStd", options.logStd, "f32", D);
      this.logStdRef = options.logStd;
    } else if (options.logStd !== undefined) {
      throw new ValidationError("logStd", "belongs to a Gaussian head only", "categorical");
    }
    this.size = mlp.parameterCount + (this.head === "gaussian" ? D : 0);
    this.maxWidth = Math.max(...mlp.sizes);
    this.maxNIn = Math.max(...mlp.layers.map((l) => l.nIn));
    this.maxWeights = Math.max(...mlp.layers.map((l) => l.nIn * l.nOut));
    own(this, this.blocks);
  }

  get damping(): number {
    return this.lambda;
  }

  set damping(d: number) {
    this.lambda = checkDamping(d);
  }

  /** Rows of the prepared batch (0 before `prepare`). */
  get rows(): number {
    return this.rowsPrepared;
  }

  private grow(rows: number): void {
    disown(this, this.blocks);
    this.blocks.length = 0;
    const cache = this.mlp.activationCacheBlocks(rows);
    const A = this.mlp.outputSize;
    this.blocks.push(
      ...cache,
      f32Block(rows * this.maxWidth), f32Block(rows * this.maxWidth), f32Block(rows * this.maxWidth),
      f32Block(this.maxWeights), f32Block(6 * this.maxNIn), f32Block(this.head === "gaussian" ? A : rows * A),
      f32Block(this.mlp.parameterCount),
    );
    own(this, this.blocks);
    this.capacity = rows;
  }

  private block(i: number): Block<"f32"> {
    return this.blocks[this.mlp.sizes.length + i];
  }

  /**
   * Takes theta_old's batch from the network's last forward pass (or
   * `replayActivations`): its input and every layer output, and the head's
   * state (categorical: the log-probabilities, from the logits or given as
   * `logp`, rows x A, e.g. with masked actions at -inf; Gaussian: the
   * log-stds). Returns the number of rows. Changing the network's parameters
   * afterwards does not change the operator until the next `prepare`.
   */
  prepare(options: { logp?: F32Ref } = {}): number {
    checkOptions("options", options, PREPARE_OPTIONS, "FisherOperator.prepare");
    const rows = this.mlp.lastOutput.rows;
    if (!(rows >= 1)) throw new ValidationError("rows", "the network's last forward pass must have at least one row", rows);
    if (rows > this.capacity) this.grow(Math.max(rows, 2 * this.capacity));
    const L = this.mlp.sizes.length;
    this.mlp.recordActivations(this.blocks.slice(0, L), 0);
    copyF32(this.mlp.slice.ptr, this.block(6).ptr, this.mlp.parameterCount);
    const A = this.mlp.outputSize;
    const state = this.block(5);
    if (this.head === "gaussian") {
      checkFinite("logStd", this.logStdRef!, A);
      copyF32(this.logStdRef!.ptr, state.ptr, A);
    } else if (options.logp) {
      checkRef("logp", options.logp, "f32", rows * A);
      copyF32(options.logp.ptr, state.ptr, rows * A);
    } else {
      categoricalForward({ logits: this.blocks[L - 1], logp: state, rows, actionCount: A });
    }
    this.rowsPrepared = rows;
    return rows;
  }

  /** out = F v + damping v (both `size` values; out must not overlap v). */
  apply(v: F32Ref, out: F32Ref): void {
    const rows = this.rowsPrepared;
    if (rows < 1) throw new ValidationError("apply", "needs prepare() after a forward pass first", rows);
    const n = this.size;
    checkRef("v", v, "f32", n);
    checkRef("out", out, "f32", n);
    checkDisjoint("out", out, n, "v", v, n);
    this.applyUnchecked(v.ptr, out.ptr);
  }

  /** `apply` on byte addresses, without checks (for solvers that own both vectors). */
  applyUnchecked(v: number, out: number): void {
    const k = kernels();
    const rows = this.rowsPrepared;
    const mlp = this.mlp;
    const layers = mlp.layers;
    const L = layers.length;
    const params = this.block(6).ptr;
    const act = ACT_CODE[mlp.activation];
    const buf = [this.block(0).ptr, this.block(1).ptr];
    const pack = this.block(2).ptr;
    const wt = this.block(3).ptr;
    const wn = this.block(4).ptr;
    const state = this.block(5).ptr;
    const h = (l: number): number => this.blocks[l].ptr;

    // J v: the tangent of every layer output, ping-ponging between two buffers.
    let t = 0;
    let flip = 0;
    for (let l = 0; l < L; l++) {
      const { nIn, nOut, weightOffset: wo, biasOffset: bo } = layers[l];
      const o = buf[flip];
      k.nnFisherJvpSimd(h(l), t, params + 4 * wo, v + 4 * wo, v + 4 * bo, h(l + 1), l < L - 1 ? act : 0, o, pack, wn, rows, nIn, nOut);
      t = o;
      flip ^= 1;
    }
    // M (J v) / rows, in place.
    const A = mlp.outputSize;
    if (this.head === "categorical") k.nnFisherCategoricalSimd(state, t, t, rows, A, 1 / rows);
    else k.nnFisherGaussianSimd(t, state, t, rows, A, 1 / rows);
    // J^T: the backward pass, parameter gradients written straight into out.
    let g = t;
    for (let l = L - 1; l >= 0; l--) {
      const { nIn, nOut, weightOffset: wo, biasOffset: bo } = layers[l];
      k.nnDenseBackwardParamsSimd(h(l), g, out + 4 * wo, out + 4 * bo, rows, nIn, nOut, 0);
      if (l > 0) {
        const next = buf[flip];
        flip ^= 1;
        k.nnDenseBackwardInputSimd(g, params + 4 * wo, h(l), act, wt, pack, next, rows, nIn, nOut);
        g = next;
      }
    }
    if (this.head === "gaussian") {
      // The log-std block of the metric: 2 per dimension, whatever the rows.
      const P = mlp.parameterCount;
      const heap = heapF32();
      for (let d = 0; d < A; d++) heap[(out >>> 2) + P + d] = 2 * heap[(v >>> 2) + P + d];
    }
    if (this.lambda !== 0) k.nnFisherDampSimd(v, out, this.size, this.lambda);
  }

  /** Frees the operator's WebAssembly memory now (otherwise when it is collected). */
  dispose(): void {
    disown(this, this.blocks);
    this.blocks.length = 0;
    this.capacity = 0;
    this.rowsPrepared = 0;
  }
}

export interface FisherVectorProductArgs {
  /** The policy network (its parameters are theta_old). */
  mlp: Mlp;
  /** The batch's observations, rows x inputSize. */
  obs: ArrayLike<number> | F32Ref;
  rows: number;
  head: FisherHead;
  /** Gaussian: the D log-stds. */
  logStd?: F32Ref;
  /** Categorical: log-probabilities to use instead of the logits' softmax (e.g. with masked actions at -inf). */
  logp?: F32Ref;
  /** The direction, `size` values (parameters, then log-stds for a Gaussian head). */
  v: F32Ref;
  /** F v + damping v out (same length, not overlapping v). */
  out: F32Ref;
  /** Default 0. */
  damping?: number;
}

const FVP_ARGS = ["mlp", "obs", "rows", "head", "logStd", "logp", "v", "out", "damping"] as const;

/**
 * One Fisher-vector product F v + damping v at the network's current
 * parameters on a batch of observations (a forward pass, then
 * `FisherOperator`'s product). Returns `out`. Solvers that apply F many times
 * on one batch keep a `FisherOperator` instead.
 */
export function fisherVectorProduct(args: FisherVectorProductArgs): F32Ref {
  if (args === null || typeof args !== "object") throw new ValidationError("args", "must be { mlp, obs, rows, head, v, out, ... }", args);
  checkOptions("args", args, FVP_ARGS, "fisherVectorProduct");
  if (!(args.mlp instanceof Mlp)) throw new ValidationError("mlp", "must be an Mlp", args.mlp);
  checkCount("rows", args.rows, 1);
  const op = new FisherOperator(args.mlp, { head: args.head, logStd: args.logStd, damping: args.damping ?? 0 });
  try {
    args.mlp.forward(args.obs, args.rows);
    op.prepare(args.logp ? { logp: args.logp } : {});
    op.apply(args.v, args.out);
  } finally {
    op.dispose();
  }
  return args.out;
}
