/**
 * One flat f32 vector of parameters and one of gradients in WebAssembly
 * memory, shared by every module of a model (actor, critic, log-std, ...), so
 * Adam and gradient clipping run in one kernel call over all of them. Modules
 * reserve slices while the model is built; slices address the vectors by
 * offset, so they stay valid when a later reservation moves the vectors.
 */
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import type { F32Ref } from "./tensor.js";

/** A live reference to a slice of the store's parameter or gradient vector. */
class SliceRef implements F32Ref {
  readonly kind = "f32" as const;
  constructor(
    private readonly slice: ParameterSlice,
    private readonly grad: boolean,
  ) {}

  get ptr(): number {
    return this.grad ? this.slice.gradPtr : this.slice.ptr;
  }

  get length(): number {
    return this.slice.length;
  }
}

/** `length` consecutive parameters of a store, from `offset`. */
export class ParameterSlice {
  /** The parameter values, as an F32Ref for kernels. */
  readonly value: F32Ref;
  /** The gradients, as an F32Ref for kernels. */
  readonly grad: F32Ref;

  constructor(
    readonly store: ParameterStore,
    readonly offset: number,
    readonly length: number,
  ) {
    this.value = new SliceRef(this, false);
    this.grad = new SliceRef(this, true);
  }

  /** Byte address of the first parameter (changes when the store grows). */
  get ptr(): number {
    return this.store.params.ptr + 4 * this.offset;
  }

  /** Byte address of the first gradient. */
  get gradPtr(): number {
    return this.store.grads.ptr + 4 * this.offset;
  }

  /** The parameters over the current memory (valid until memory grows). */
  get view(): Float32Array {
    return this.store.params.view.subarray(this.offset, this.offset + this.length);
  }

  /** The gradients over the current memory (valid until memory grows). */
  get gradView(): Float32Array {
    return this.store.grads.view.subarray(this.offset, this.offset + this.length);
  }

  /** A copy of the parameters. */
  get(): Float32Array {
    return this.view.slice();
  }

  /** Sets the parameters (`values.length` must equal `length`; all finite). */
  set(values: ArrayLike<number>): void {
    if (values.length !== this.length) {
      throw new ValidationError("parameters", `must hold ${this.length} values`, values.length);
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new ValidationError("parameters", "must be finite", values[i], { index: i });
    }
    this.view.set(values);
  }
}

export class ParameterStore {
  /** [parameters, gradients]; the array is shared with the finaliser, which frees what it holds. */
  private readonly blocks: Block<"f32">[];
  private count = 0;

  constructor() {
    this.blocks = [f32Block(0), f32Block(0)];
    own(this, this.blocks);
  }

  /** Number of parameters. */
  get size(): number {
    return this.count;
  }

  /** The flat parameter vector (its block is replaced when the store grows). */
  get params(): Block<"f32"> {
    return this.blocks[0];
  }

  /** The flat gradient vector, same layout as `params`. */
  get grads(): Block<"f32"> {
    return this.blocks[1];
  }

  /** The whole parameter vector as an F32Ref. */
  get value(): F32Ref {
    return this.params;
  }

  /** The whole gradient vector as an F32Ref. */
  get grad(): F32Ref {
    return this.grads;
  }

  /**
   * Reserves `n` more parameters (initialised from `init`, else 0; gradients
   * 0) and returns their slice. Moves both vectors (views die).
   */
  reserve(n: number, init?: ArrayLike<number>): ParameterSlice {
    if (!Number.isInteger(n) || n < 0) throw new ValidationError("n", "must be an integer >= 0", n);
    if (init && init.length !== n) throw new ValidationError("init", `must hold ${n} values`, init.length);
    if (init) {
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(init[i])) throw new ValidationError("init", "must be finite", init[i], { index: i });
      }
    }
    const old = this.count;
    const oldParams = this.params.toArray();
    const oldGrads = this.grads.toArray();
    this.blocks[0].free();
    this.blocks[1].free();
    this.blocks[0] = f32Block(old + n);
    this.blocks[1] = f32Block(old + n);
    const p = this.params.view;
    p.set(oldParams);
    p.fill(0, old);
    if (init) p.set(init, old);
    const g = this.grads.view;
    g.set(oldGrads);
    g.fill(0, old);
    this.count = old + n;
    return new ParameterSlice(this, old, n);
  }

  /** A copy of all parameters. */
  parameters(): Float32Array {
    return this.params.toArray();
  }

  /** Sets all parameters (length `size`, all finite). */
  setParameters(values: ArrayLike<number>): void {
    new ParameterSlice(this, 0, this.count).set(values);
  }

  /** A copy of all gradients. */
  gradients(): Float32Array {
    return this.grads.toArray();
  }

  /** Sets every gradient to 0. */
  zeroGrad(): void {
    this.grads.view.fill(0);
  }

  /** sqrt(sum of squared gradients), summed in f64. */
  gradNorm(): number {
    return Math.sqrt(kernels().gradSumSquaresSimd(this.grads.ptr, this.count));
  }

  /** Frees the WebAssembly memory now (otherwise when the store is collected). */
  dispose(): void {
    disown(this, this.blocks);
  }
}
