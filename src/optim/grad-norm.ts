/**
 * Global-norm gradient clipping (Pascanu, Mikolov & Bengio 2013) with torch.nn.utils.clip_grad_norm_'s
 * semantics: the norm is sqrt(sum of all squared gradients) (summed in f64
 * here), and every gradient is multiplied by min(1, maxNorm / (norm + 1e-6)),
 * which shrinks them exactly when norm + 1e-6 > maxNorm. Returns the norm
 * before clipping, as torch does. A NaN or infinite norm is a ValidationError
 * (torch's error_if_nonfinite = True): scaling by it would spread NaN into
 * every parameter.
 */
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import type { F32Ref } from "../nn/tensor.js";

/** Gradients to clip: an F32Ref, or a store or slice (its `grad`). */
export type Gradients = F32Ref | { readonly grad: F32Ref };

function gradRef(grads: Gradients): F32Ref {
  return "grad" in grads ? grads.grad : grads;
}

/** The global norm sqrt(sum of all squared gradients), summed in f64; NaN or Infinity when a gradient is. */
export function gradNorm(grads: Gradients): number {
  const g = gradRef(grads);
  return Math.sqrt(kernels().gradSumSquaresSimd(g.ptr, g.length));
}

/** torch's clip coefficient min(1, maxNorm / (norm + 1e-6)) for a finite norm. */
export function clipCoefficient(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/** The global norm and torch's clip coefficient min(1, maxNorm / (norm + 1e-6)), without changing the gradients. */
export function clipGradNormScale(grads: Gradients, maxNorm: number): { norm: number; scale: number } {
  if (!(maxNorm > 0)) throw new ValidationError("maxNorm", "must be > 0", maxNorm);
  const norm = gradNorm(grads);
  if (!Number.isFinite(norm)) {
    throw new ValidationError("gradients", "have a NaN or infinite global norm", norm);
  }
  return { norm, scale: clipCoefficient(norm, maxNorm) };
}

/** Clips the gradients in place to global norm `maxNorm` (torch semantics) and returns the norm before clipping. */
export function clipGradNorm(grads: Gradients, maxNorm: number): number {
  const { norm, scale } = clipGradNormScale(grads, maxNorm);
  if (scale < 1) {
    const g = gradRef(grads);
    kernels().gradScaleSimd(g.ptr, g.length, scale);
  }
  return norm;
}
