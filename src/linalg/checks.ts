/**
 * Boundary checks shared by the linear-algebra wrappers: shapes, block kinds
 * and finiteness, each failing with a ValidationError that names the argument,
 * the function and the bad value. Internal to src/linalg.
 */
import { ValidationError } from "../core/errors.js";
import { kernels } from "../core/wasm.js";
import type { Block, BlockKind } from "../core/arena.js";

/** A matrix or vector dimension: a non-negative safe integer. */
export function checkDimension(where: string, field: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ValidationError(field, "must be a non-negative integer", n, { function: where });
  }
  return n;
}

/** A live block of the given kind holding at least `minLength` entries. */
export function checkBlock<K extends BlockKind>(
  where: string,
  field: string,
  block: Block<K> | undefined,
  kind: K,
  minLength: number,
): Block<K> {
  if (block === null || typeof block !== "object" || typeof (block as Block<K>).ptr !== "number") {
    throw new ValidationError(field, `must be a WebAssembly block of ${kind} (f64Block/i32Block)`, block, { function: where });
  }
  if (block.kind !== kind) {
    throw new ValidationError(field, `must be a block of ${kind}`, block.kind, { function: where });
  }
  if (block.isFreed) throw new ValidationError(field, "block was already freed", block.length, { function: where });
  if (block.length < minLength) {
    throw new ValidationError(field, `block too short: needs at least ${minLength} entries`, block.length, { function: where });
  }
  return block;
}

/** Two blocks that a kernel reads and writes must not be the same memory. */
export function checkDistinct(where: string, field: string, a: Block<BlockKind>, b: Block<BlockKind>, other: string): void {
  if (a.ptr === b.ptr && a.length > 0 && b.length > 0) {
    throw new ValidationError(field, `must not be the same block as ${other}`, a.length, { function: where });
  }
}

/** The first n entries of an f64 block are finite (one SIMD pass; the index is located only on failure). */
export function checkFinite(where: string, field: string, block: Block<"f64">, n: number): number {
  const m = kernels().blas1NormInfCheckedSimd(block.ptr, n);
  if (Number.isFinite(m)) return m;
  const v = block.view;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(v[i])) throw new ValidationError(field, "entries must be finite", v[i], { function: where, index: i });
  }
  return m;
}

/** A finite number. */
export function checkFiniteNumber(where: string, field: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isFinite(x)) {
    throw new ValidationError(field, "must be a finite number", x, { function: where });
  }
  return x;
}
