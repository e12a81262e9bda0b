/**
 * Orthogonal initialisation (Saxe, McClelland & Ganguli 2014, "Exact solutions
 * to the nonlinear dynamics of learning in deep linear neural networks"), as
 * torch.nn.init.orthogonal_ does it and SB3 / CleanRL use it for PPO and A2C:
 * the Q factor of a Gaussian matrix, columns signed so that R has a positive
 * diagonal (which makes Q uniformly (Haar) distributed), times a gain. SB3's
 * gains: sqrt(2) for hidden layers, 0.01 for the policy output, 1 for the value
 * output; biases start at 0.
 */
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { f64Block, scratch } from "../core/arena.js";
import { kernels } from "../core/wasm.js";

/** SB3's gain for hidden layers (tanh and ReLU alike). */
export const HIDDEN_GAIN = Math.SQRT2;
/** SB3's gain for the policy (action) output layer. */
export const POLICY_GAIN = 0.01;
/** SB3's gain for the value output layer. */
export const VALUE_GAIN = 1;

/**
 * A rows x cols row-major matrix W with orthonormal columns (rows >= cols,
 * W^T W = gain^2 I) or orthonormal rows (rows < cols, W W^T = gain^2 I), drawn
 * from `rng`: a max x min Gaussian matrix (row-major draws), Householder QR in
 * f64, Q's columns multiplied by sign(R_jj), transposed when rows < cols.
 * The QR runs in WebAssembly (nnOrthogonalQr; twin in ./orthogonal.twin.ts),
 * so building an agent does not wait for the JavaScript JIT to warm up.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "must be an integer >= 1", rows);
  if (!Number.isInteger(cols) || cols < 1) throw new ValidationError("cols", "must be an integer >= 1", cols);
  if (!Number.isFinite(gain)) throw new ValidationError("gain", "must be finite", gain);
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  return scratch((take) => {
    const a = take(f64Block(m * n));
    const work = take(f64Block(2 * m * n + n));
    const w = take(f64Block(rows * cols));
    const view = a.view;
    for (let i = 0; i < view.length; i++) view[i] = rng.normal();
    kernels().nnOrthogonalQr(a.ptr, m, n, work.ptr, w.ptr, rows, cols, gain);
    return w.toArray();
  });
}
