/**
 * References to f32, i32 and u8 data in WebAssembly memory, as the neural
 * kernels take them: an arena `Block` (src/core/arena.ts) or an `F32Matrix`
 * window on one. Wrappers check `length` against the shapes they are given.
 */
import { arena, type Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";

/** f32 values at byte address `ptr` (an `f32Block(...)` or an `F32Matrix`). */
export interface F32Ref {
  readonly kind: "f32";
  readonly ptr: number;
  readonly length: number;
}

/** i32 values at byte address `ptr` (an `i32Block(...)`), e.g. chosen actions. */
export interface I32Ref {
  readonly kind: "i32";
  readonly ptr: number;
  readonly length: number;
}

/** u8 values at byte address `ptr` (a `new Block("u8", n)`), e.g. action masks. */
export interface U8Ref {
  readonly kind: "u8";
  readonly ptr: number;
  readonly length: number;
}

/**
 * A rows x cols row-major window on the front of an f32 block. Models hand
 * these out for their outputs and reuse them: the contents are valid until the
 * model's next call, and `view` is rebuilt from the current memory on every
 * read (never keep a view across a call that may allocate).
 */
export class F32Matrix implements F32Ref {
  readonly kind = "f32" as const;

  constructor(
    /** The block holding the values (its length is the capacity). */
    public block: Block<"f32">,
    public rows: number,
    readonly cols: number,
  ) {}

  get ptr(): number {
    return this.block.ptr;
  }

  /** rows * cols. */
  get length(): number {
    return this.rows * this.cols;
  }

  /** The rows * cols values over the current memory buffer. */
  get view(): Float32Array {
    return this.block.view.subarray(0, this.rows * this.cols);
  }

  /** A copy of the values outside WebAssembly memory. */
  toArray(): Float32Array {
    return this.view.slice();
  }

  /** Value at (row, col). */
  get(row: number, col: number): number {
    return this.block.view[row * this.cols + col];
  }
}

/** A typed array over `length` f32 values of `ref`, valid until memory grows. */
export function f32View(ref: F32Ref, length = ref.length): Float32Array {
  return new Float32Array(arena().buffer, ref.ptr, length);
}

/** Throws unless `n` is an integer >= min. */
export function checkCount(field: string, n: number, min = 0): void {
  if (!Number.isInteger(n) || n < min) {
    throw new ValidationError(field, `must be an integer >= ${min}`, n);
  }
}

/** Throws unless `ref` exists, has the expected element kind and holds at least `needed` values. */
export function checkRef(
  field: string,
  ref: { kind: string; ptr: number; length: number } | undefined,
  kind: "f32" | "i32" | "u8",
  needed: number,
): void {
  if (!ref || typeof ref.ptr !== "number") {
    throw new ValidationError(field, `must be a WebAssembly ${kind} block or matrix`, ref);
  }
  if (ref.kind !== kind) {
    throw new ValidationError(field, `must hold ${kind} values, not ${ref.kind}`, ref.kind);
  }
  if (ref.length < needed) {
    throw new ValidationError(field, `holds ${ref.length} values, ${needed} needed`, ref.length);
  }
}

/** Throws unless the byte ranges of `a` (aLen f32) and `b` (bLen f32) are disjoint. */
export function checkDisjoint(fieldA: string, a: F32Ref, aLen: number, fieldB: string, b: F32Ref, bLen: number): void {
  if (aLen > 0 && bLen > 0 && a.ptr < b.ptr + 4 * bLen && b.ptr < a.ptr + 4 * aLen) {
    throw new ValidationError(fieldA, `must not overlap ${fieldB}`, a.ptr);
  }
}

let heapBuffer: ArrayBuffer | undefined;
let heap: Float32Array | undefined;

/** A Float32Array over the whole module memory, rebuilt only when memory has grown. */
export function heapF32(): Float32Array {
  const buffer = arena().buffer;
  if (buffer !== heapBuffer) {
    heapBuffer = buffer;
    heap = new Float32Array(buffer);
  }
  return heap!;
}

/** Copies n f32 values from byte address `from` to byte address `to` (overlap allowed), without allocating. */
export function copyF32(from: number, to: number, n: number): void {
  if (n <= 0 || from === to) return;
  heapF32().copyWithin(to >>> 2, from >>> 2, (from >>> 2) + n);
}
