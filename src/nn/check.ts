/** Finiteness checks at the TypeScript boundary, scanned by a WASM kernel. */
import { kernels } from "../core/wasm.js";
import { ValidationError, type Location } from "../core/errors.js";
import type { F32Ref } from "./tensor.js";

/**
 * Throws a ValidationError naming `field`, the row and column (for a matrix
 * with `cols` columns) and the value when one of the first `n` values of `ref`
 * is NaN or infinite.
 */
export function checkFinite(field: string, ref: F32Ref, n: number, cols = 0): void {
  const at = kernels().nnFirstNonFiniteSimd(ref.ptr, n);
  if (at < 0) return;
  const value = new Float32Array(kernels().memory.buffer, ref.ptr + 4 * at, 1)[0];
  const where: Location = cols > 0 ? { row: Math.floor(at / cols), column: at % cols } : { index: at };
  throw new ValidationError(field, "must be finite", value, where);
}
