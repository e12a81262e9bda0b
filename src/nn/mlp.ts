/**
 * A multilayer perceptron on WebAssembly kernels: dense layers with tanh or
 * ReLU between them and a linear output, e.g. SB3's default actor and critic
 * (netArch [64, 64], tanh). Parameters and gradients live in one flat f32
 * vector each (a `ParameterStore`, possibly shared with other modules), laid
 * out layer by layer as W_l (nIn x nOut, row-major) then b_l, so that Adam
 * and gradient clipping run once over everything. The model owns its
 * activation buffers, sized for a batch capacity that grows when a larger batch
 * arrives; forward and backward allocate nothing otherwise.
 *
 *   h_0 = x,  h_{l+1} = act(h_l W_l + b_l)  (no activation after the last layer)
 *
 * Over 400 lines on purpose: forward, backward, activation recording and
 * replay share the layer buffers that this class owns.
 */
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import { checkOptions, nearestName } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import { ACTIVATIONS, type Activation } from "./activation.js";
import { checkFinite } from "./check.js";
import { HIDDEN_GAIN, orthogonal } from "./init.js";
import { ParameterStore, type ParameterSlice } from "./parameters.js";
import { copyF32, F32Matrix, heapF32, type F32Ref } from "./tensor.js";

export interface MlpOptions {
  /** Width of the input (e.g. the observation size). */
  inputSize: number;
  /** Width of the output (e.g. the number of actions, or 1 for a value). */
  outputSize: number;
  /** Hidden layer widths; default [64, 64]. [] gives a linear model. */
  netArch?: readonly number[];
  /** Activation after each hidden layer; default "tanh". */
  activation?: Activation;
  /** Orthogonal-init gain of hidden layers; default sqrt(2) (SB3). */
  hiddenGain?: number;
  /** Orthogonal-init gain of the output layer; default 1 (SB3: 0.01 policy head, 1 value head). */
  outputGain?: number;
  /** Generator for the initial weights; default `new Rng(seed ?? 0)`. */
  rng?: Rng;
  seed?: number;
  /** Store to allocate the parameters in (shared with other modules); default a new one. */
  store?: ParameterStore;
  /** Initial batch capacity of the activation buffers (they grow on demand); default 64. */
  batchCapacity?: number;
}

/** Where layer l's parameters sit inside the model's slice (in f32 elements). */
export interface LayerLayout {
  readonly nIn: number;
  readonly nOut: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
}

/** Parameter count of an MLP with layer widths `sizes` = [input, ...hidden, output]. */
export function mlpParameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

const MLP_OPTIONS = [
  "inputSize", "outputSize", "netArch", "activation", "hiddenGain", "outputGain", "rng", "seed", "store", "batchCapacity",
] as const;

function checkWidth(field: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new ValidationError(field, "must be an integer >= 1", n);
  }
  return n;
}

export class Mlp {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly netArch: readonly number[];
  readonly activation: Activation;
  /** [inputSize, ...netArch, outputSize]. */
  readonly sizes: readonly number[];
  readonly layers: readonly LayerLayout[];
  readonly store: ParameterStore;
  /** This model's parameters and gradients inside `store`. */
  readonly slice: ParameterSlice;

  private capacity = 0;
  private batch = -1;
  /** Buffers: [input, ...layer outputs, grad ping, grad pong, dOut copy, pack scratch, W^T scratch]; shared with the finaliser. */
  private readonly buffers: Block<"f32">[] = [];
  private readonly outputs: F32Matrix[];
  private readonly output: F32Matrix;
  private readonly inputGrad: F32Matrix;
  private readonly maxGradWidth: number;
  /** The widest layer input or output: the kernels' pack scratch holds batch x this. */
  private readonly maxWidth: number;
  private readonly ownsStore: boolean;

  constructor(options: MlpOptions) {
    if (options === null || typeof options !== "object") throw new ValidationError("options", "must be { inputSize, outputSize, ... }", options);
    checkOptions("options", options, MLP_OPTIONS, "Mlp");
    const inputSize = checkWidth("inputSize", options.inputSize);
    const outputSize = checkWidth("outputSize", options.outputSize);
    const netArch = options.netArch ?? [64, 64];
    if (!Array.isArray(netArch)) throw new ValidationError("netArch", "must be an array of widths", netArch);
    netArch.forEach((w, i) => checkWidth(`netArch[${i}]`, w));
    const activation = options.activation ?? "tanh";
    if (!ACTIVATIONS.includes(activation)) {
      const near = typeof activation === "string" ? nearestName(activation, ACTIVATIONS) : undefined;
      throw new ValidationError("activation", `must be one of ${ACTIVATIONS.join(", ")}${near ? `; did you mean "${near}"?` : ""}`, activation);
    }
    const hiddenGain = options.hiddenGain ?? HIDDEN_GAIN;
    const outputGain = options.outputGain ?? 1;
    for (const [field, g] of [["hiddenGain", hiddenGain], ["outputGain", outputGain]] as const) {
      if (typeof g !== "number" || !Number.isFinite(g)) throw new ValidationError(field, "must be finite", g);
    }
    if (options.rng !== undefined && !(options.rng instanceof Rng)) throw new ValidationError("rng", "must be an Rng", options.rng);
    if (options.seed !== undefined && (typeof options.seed !== "number" || !Number.isInteger(options.seed))) {
      throw new ValidationError("seed", "must be an integer", options.seed);
    }
    if (options.store !== undefined && !(options.store instanceof ParameterStore)) {
      throw new ValidationError("store", "must be a ParameterStore", options.store);
    }
    const capacity = options.batchCapacity ?? 64;
    if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 1) {
      throw new ValidationError("batchCapacity", "must be an integer >= 1", capacity);
    }

    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.netArch = [...netArch];
    this.activation = activation;
    this.sizes = [inputSize, ...netArch, outputSize];

    const layers: LayerLayout[] = [];
    let offset = 0;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      layers.push({ nIn, nOut, weightOffset: offset, biasOffset: offset + nIn * nOut });
      offset += nIn * nOut + nOut;
    }
    this.layers = layers;

    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const init = new Float32Array(offset);
    layers.forEach((layer, l) => {
      const gain = l === layers.length - 1 ? outputGain : hiddenGain;
      init.set(orthogonal(layer.nIn, layer.nOut, gain, rng), layer.weightOffset);
    });
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? new ParameterStore();
    this.slice = this.store.reserve(offset, init);

    // The widest gradient flowing backward: hidden widths, and the input for inputGradient.
    this.maxGradWidth = Math.max(inputSize, ...netArch);
    this.maxWidth = Math.max(...this.sizes);
    let wt = 0;
    for (const layer of layers) wt = Math.max(wt, layer.nIn * layer.nOut);
    const placeholder = f32Block(0);
    this.outputs = layers.map((layer) => new F32Matrix(placeholder, 0, layer.nOut));
    this.output = this.outputs[this.outputs.length - 1];
    this.inputGrad = new F32Matrix(placeholder, 0, inputSize);
    placeholder.free();
    own(this, this.buffers);
    this.buffers.push(f32Block(wt));
    this.grow(capacity);
  }

  /** Number of parameters (sum over layers of nIn * nOut + nOut). */
  get parameterCount(): number {
    return this.slice.length;
  }

  /** Current batch capacity of the activation buffers. */
  get batchCapacity(): number {
    return this.capacity;
  }

  /** Reallocates every batch-sized buffer for `capacity` rows (old contents are dropped). */
  private grow(capacity: number): void {
    const wt = this.buffers[this.buffers.length - 1];
    for (let i = 0; i < this.buffers.length - 1; i++) this.buffers[i].free();
    this.buffers.length = 0;
    const input = f32Block(capacity * this.inputSize);
    const outs = this.layers.map((layer) => f32Block(capacity * layer.nOut));
    const ping = f32Block(capacity * this.maxGradWidth);
    const pong = f32Block(capacity * this.maxGradWidth);
    const dOut = f32Block(capacity * this.outputSize);
    const pack = f32Block(capacity * this.maxWidth);
    this.buffers.push(input, ...outs, ping, pong, dOut, pack, wt);
    outs.forEach((b, l) => (this.outputs[l].block = b));
    this.capacity = capacity;
    this.batch = -1;
  }

  private get inputBlock(): Block<"f32"> {
    return this.buffers[0];
  }

  private gradBlock(i: number): Block<"f32"> {
    return this.buffers[this.layers.length + 1 + i];
  }

  private get dOutBlock(): Block<"f32"> {
    return this.buffers[this.layers.length + 3];
  }

  private get packBlock(): Block<"f32"> {
    return this.buffers[this.layers.length + 4];
  }

  private get wtBlock(): Block<"f32"> {
    return this.buffers[this.layers.length + 5];
  }

  private checkAlive(): void {
    if (this.store.params.isFreed || this.inputBlock.isFreed) {
      throw new Error("mirror-rl: this Mlp (or its parameter store) was disposed");
    }
  }

  /**
   * Runs the network on `batch` rows of `x` (batch x inputSize, row-major;
   * a typed array or an F32Ref in WebAssembly memory; batch defaults to
   * x.length / inputSize) and returns the output (batch x outputSize). The
   * returned matrix is the model's own buffer: valid until the next forward.
   */
  forward(x: ArrayLike<number> | F32Ref, batch?: number): F32Matrix {
    this.checkAlive();
    const inSize = this.inputSize;
    const rows = batch ?? x.length / inSize;
    if (!Number.isInteger(rows) || rows < 0) {
      throw new ValidationError("batch", `must be an integer >= 0 (x holds ${x.length} values for ${inSize} inputs)`, rows);
    }
    const n = rows * inSize;
    if (x.length < n) throw new ValidationError("x", `holds ${x.length} values, ${n} needed`, x.length);
    if (rows > this.capacity) this.grow(Math.max(rows, 2 * this.capacity));
    const input = this.inputBlock;
    if (isRef(x)) {
      if (x.kind !== "f32") throw new ValidationError("x", "must hold f32 values", x.kind);
      copyF32(x.ptr, input.ptr, n);
    } else if (x.length === n && (x instanceof Float32Array || x instanceof Float64Array)) {
      input.view.set(x);
    } else {
      const v = input.view;
      for (let i = 0; i < n; i++) v[i] = x[i];
    }
    checkFinite("x", input, n, inSize);

    const k = kernels();
    const params = this.slice.ptr;
    const pack = this.packBlock.ptr;
    const last = this.layers.length - 1;
    let prev = input.ptr;
    for (let l = 0; l <= last; l++) {
      const { nIn, nOut, weightOffset, biasOffset } = this.layers[l];
      const out = this.outputs[l];
      out.rows = rows;
      const w = params + 4 * weightOffset;
      const b = params + 4 * biasOffset;
      if (l < last && this.activation === "tanh") {
        // tanh applied to each output tile in registers: no second pass over the activations.
        k.nnDenseTanhForwardSimd(prev, w, b, out.ptr, pack, rows, nIn, nOut);
      } else {
        k.nnDenseForwardSimd(prev, w, b, out.ptr, pack, rows, nIn, nOut);
        if (l < last) k.nnReluForwardSimd(out.ptr, out.ptr, rows * nOut);
      }
      prev = out.ptr;
    }
    this.batch = rows;
    return this.output;
  }

  /**
   * Copies the last forward's input and every layer output (its `batch`
   * rows) into rows row0, row0 + 1, ... of `cache`: one block per entry of
   * `sizes` ([input, ...layer outputs]), each rows x width, e.g. from
   * `activationCacheBlocks`. With `replayActivations` a later batch of the
   * same rows skips its forward pass.
   */
  recordActivations(cache: readonly Block<"f32">[], row0: number): void {
    const rows = this.batch;
    if (rows < 0) throw new ValidationError("recordActivations", "needs a forward pass first", rows);
    this.checkCache(cache, row0 + rows);
    for (let l = 0; l < this.sizes.length; l++) {
      const w = this.sizes[l];
      const from = l === 0 ? this.inputBlock.ptr : this.outputs[l - 1].ptr;
      copyF32(from, cache[l].ptr + 4 * row0 * w, rows * w);
    }
  }

  /**
   * Loads rows idx[0], ..., idx[rows - 1] of `cache` (idx: i32 row indices at
   * byte address `idx`, each below the rows recorded) as if `forward` had run
   * on their inputs, ready for `backward`; returns the output. This gives
   * forward's bits exactly when the parameters have not changed since the
   * rows were recorded and both the recording and this batch have a multiple
   * of 4 rows: every output is then summed in the same order (the narrow
   * columns' dot products group rows by four), so training that replays the
   * rollout's activations is bit-identical to training that recomputes them.
   */
  replayActivations(cache: readonly Block<"f32">[], idx: number, rows: number): F32Matrix {
    this.checkAlive();
    if (!Number.isInteger(rows) || rows < 0) throw new ValidationError("rows", "must be an integer >= 0", rows);
    this.checkCache(cache, 0);
    const k = kernels();
    // Every index must name a recorded row: a wrong one would read past the cache.
    if (!Number.isInteger(idx) || idx < 0 || idx % 4 !== 0) throw new ValidationError("idx", "must be a 4-aligned byte address", idx);
    const recorded = cache[0].length / this.sizes[0];
    const ids = new Int32Array(k.memory.buffer, idx, rows);
    for (let r = 0; r < rows; r++) {
      if (!(ids[r] >= 0 && ids[r] < recorded)) throw new ValidationError(`idx[${r}]`, `must be a recorded row in [0, ${recorded})`, ids[r]);
    }
    if (rows > this.capacity) this.grow(Math.max(rows, 2 * this.capacity));
    for (let l = 0; l < this.sizes.length; l++) {
      const to = l === 0 ? this.inputBlock.ptr : this.outputs[l - 1].ptr;
      k.agentsGatherRowsF32(cache[l].ptr, idx, to, rows, this.sizes[l]);
      if (l > 0) this.outputs[l - 1].rows = rows;
    }
    this.batch = rows;
    return this.output;
  }

  /** Blocks for `rows` rows of `recordActivations` (the caller owns and frees them). */
  activationCacheBlocks(rows: number): Block<"f32">[] {
    if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "must be an integer >= 1", rows);
    return this.sizes.map((w) => f32Block(rows * w));
  }

  private checkCache(cache: readonly Block<"f32">[], rows: number): void {
    if (cache.length !== this.sizes.length) {
      throw new ValidationError("cache", `must hold ${this.sizes.length} blocks (input and layer outputs)`, cache.length);
    }
    for (let l = 0; l < cache.length; l++) {
      if (cache[l].length < rows * this.sizes[l]) {
        throw new ValidationError("cache", `block ${l} holds ${cache[l].length} values, ${rows * this.sizes[l]} needed`, cache[l].length);
      }
    }
  }

  /** The output of the last forward (batch x outputSize). */
  get lastOutput(): F32Matrix {
    return this.output;
  }

  /**
   * The last hidden layer's output of the last forward (batch x its width,
   * after the activation), or the input for a linear model: the features
   * z(s) of a gSDE head (src/nn/sde.ts). Valid until the next forward.
   */
  get lastHidden(): F32Matrix {
    const rows = Math.max(this.batch, 0);
    if (this.layers.length === 1) return new F32Matrix(this.inputBlock, rows, this.inputSize);
    return this.outputs[this.layers.length - 2];
  }

  /**
   * Backpropagates dLoss/dOutput (batch x outputSize, for the batch of the last
   * forward) into the model's gradient slice: overwritten, or added to with
   * `accumulate`. With `inputGradient` it also returns dLoss/dx (batch x
   * inputSize; the model's own buffer, valid until the next call).
   * `hiddenGradient` (batch x the last hidden width, e.g. a gSDE head's
   * gradient with respect to its features `lastHidden`) is added to what
   * flows back into the last hidden layer's output; a linear model ignores it.
   */
  backward(
    dOut: ArrayLike<number> | F32Ref,
    options: { accumulate?: boolean; inputGradient?: boolean; hiddenGradient?: F32Ref } = {},
  ): F32Matrix | undefined {
    this.checkAlive();
    for (const key in options) {
      if (key !== "accumulate" && key !== "inputGradient" && key !== "hiddenGradient") {
        checkOptions("options", options, ["accumulate", "inputGradient", "hiddenGradient"], "Mlp.backward");
      }
    }
    const rows = this.batch;
    if (rows < 0) throw new ValidationError("backward", "needs a forward pass first", rows);
    const n = rows * this.outputSize;
    if (dOut.length < n) throw new ValidationError("dOut", `holds ${dOut.length} values, ${n} needed`, dOut.length);
    let g: number;
    if (isRef(dOut)) {
      if (dOut.kind !== "f32") throw new ValidationError("dOut", "must hold f32 values", dOut.kind);
      checkFinite("dOut", dOut, n, this.outputSize);
      g = dOut.ptr;
    } else {
      const block = this.dOutBlock;
      const v = block.view;
      for (let i = 0; i < n; i++) v[i] = dOut[i];
      checkFinite("dOut", block, n, this.outputSize);
      g = block.ptr;
    }

    const k = kernels();
    const acc = options.accumulate ? 1 : 0;
    const params = this.slice.ptr;
    const grads = this.slice.gradPtr;
    const last = this.layers.length - 1;
    const wt = this.wtBlock.ptr;
    const pack = this.packBlock.ptr;
    // The input gradient of layer l > 0 comes out times the derivative of the
    // activation before it: g is always dLoss/d(pre-activation) of layer l.
    const act = this.activation === "tanh" ? 1 : 2;
    let flip = 0;
    for (let l = last; l >= 0; l--) {
      const { nIn, nOut, weightOffset, biasOffset } = this.layers[l];
      const input = l === 0 ? this.inputBlock.ptr : this.outputs[l - 1].ptr;
      k.nnDenseBackwardParamsSimd(input, g, grads + 4 * weightOffset, grads + 4 * biasOffset, rows, nIn, nOut, acc);
      if (l > 0 || options.inputGradient) {
        const next = this.gradBlock(flip);
        flip ^= 1;
        k.nnDenseBackwardInputSimd(g, params + 4 * weightOffset, input, l > 0 ? act : 0, wt, pack, next.ptr, rows, nIn, nOut);
        if (l === last && l > 0 && options.hiddenGradient) this.addHiddenGradient(options.hiddenGradient, input, next.ptr, rows, nIn);
        g = next.ptr;
        if (l === 0) {
          this.inputGrad.block = next;
          this.inputGrad.rows = rows;
          return this.inputGrad;
        }
      }
    }
    return undefined;
  }

  /**
   * g += extra * act'(z) over rows x width values at byte addresses: the
   * gradient extra with respect to the hidden output z, carried through the
   * activation (tanh' = 1 - z^2, relu' = [z > 0]) into g, the gradient with
   * respect to the pre-activation. Rounded once per value: the same bits in every engine.
   */
  private addHiddenGradient(extra: F32Ref, z: number, g: number, rows: number, width: number): void {
    const n = rows * width;
    if (extra.kind !== "f32") throw new ValidationError("hiddenGradient", "must hold f32 values", extra.kind);
    if (extra.length < n) throw new ValidationError("hiddenGradient", `holds ${extra.length} values, ${n} needed`, extra.length);
    checkFinite("hiddenGradient", extra, n, width);
    const heap = heapF32();
    const e = extra.ptr >>> 2;
    const y = z >>> 2;
    const o = g >>> 2;
    if (this.activation === "tanh") for (let i = 0; i < n; i++) heap[o + i] += heap[e + i] * (1 - heap[y + i] * heap[y + i]);
    else for (let i = 0; i < n; i++) if (heap[y + i] > 0) heap[o + i] += heap[e + i];
  }

  /** A copy of this model's parameters (layout: per layer W row-major, then b). */
  parameters(): Float32Array {
    return this.slice.get();
  }

  /** Sets this model's parameters (length `parameterCount`, all finite). */
  setParameters(values: ArrayLike<number>): void {
    this.slice.set(values);
  }

  /** A copy of this model's gradients (same layout as `parameters()`). */
  gradients(): Float32Array {
    return this.slice.gradView.slice();
  }

  /** Frees the activation buffers now (and the parameter store if this model created it). */
  dispose(): void {
    disown(this, this.buffers);
    if (this.ownsStore) this.store.dispose();
  }
}

function isRef(x: ArrayLike<number> | F32Ref): x is F32Ref {
  return typeof (x as F32Ref).ptr === "number" && typeof (x as F32Ref).kind === "string";
}
