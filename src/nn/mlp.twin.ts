/**
 * A plain-TypeScript MLP in f64 with the same parameter layout as `Mlp`
 * (per layer W nIn x nOut row-major, then b): the reference for gradient
 * checks by finite differences and for the benchmarks.
 */
import type { Activation } from "./activation.js";

export interface MlpTwinPass {
  /** Layer outputs (post-activation for hidden layers); the last is the network output. */
  outputs: Float64Array[];
}

export function mlpForwardTwin(
  params: ArrayLike<number>, sizes: readonly number[], activation: Activation, x: ArrayLike<number>, batch: number,
): MlpTwinPass {
  const outputs: Float64Array[] = [];
  let prev: ArrayLike<number> = x;
  let offset = 0;
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const out = new Float64Array(batch * nOut);
    const w = offset;
    const b = offset + nIn * nOut;
    for (let r = 0; r < batch; r++) {
      for (let o = 0; o < nOut; o++) out[r * nOut + o] = params[b + o];
      for (let i = 0; i < nIn; i++) {
        const xi = prev[r * nIn + i];
        for (let o = 0; o < nOut; o++) out[r * nOut + o] += xi * params[w + i * nOut + o];
      }
    }
    if (l < last) {
      for (let i = 0; i < out.length; i++) out[i] = activation === "tanh" ? Math.tanh(out[i]) : Math.max(out[i], 0);
    }
    outputs.push(out);
    prev = out;
    offset = b + nOut;
  }
  return { outputs };
}

/** Gradients (same layout as the parameters) and dLoss/dx for dLoss/dOutput = dOut. */
export function mlpBackwardTwin(
  params: ArrayLike<number>, sizes: readonly number[], activation: Activation, x: ArrayLike<number>, batch: number,
  pass: MlpTwinPass, dOut: ArrayLike<number>,
): { grads: Float64Array; dx: Float64Array } {
  let total = 0;
  const offsets: number[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    offsets.push(total);
    total += sizes[l] * sizes[l + 1] + sizes[l + 1];
  }
  const grads = new Float64Array(total);
  let g = Float64Array.from(dOut);
  const last = sizes.length - 2;
  for (let l = last; l >= 0; l--) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    if (l < last) {
      const h = pass.outputs[l];
      for (let i = 0; i < g.length; i++) g[i] *= activation === "tanh" ? 1 - h[i] * h[i] : h[i] > 0 ? 1 : 0;
    }
    const input: ArrayLike<number> = l === 0 ? x : pass.outputs[l - 1];
    const w = offsets[l];
    const b = w + nIn * nOut;
    const next = new Float64Array(batch * nIn);
    for (let r = 0; r < batch; r++) {
      for (let o = 0; o < nOut; o++) {
        const go = g[r * nOut + o];
        grads[b + o] += go;
        for (let i = 0; i < nIn; i++) {
          grads[w + i * nOut + o] += input[r * nIn + i] * go;
          next[r * nIn + i] += go * params[w + i * nOut + o];
        }
      }
    }
    g = next;
  }
  return { grads, dx: g };
}
