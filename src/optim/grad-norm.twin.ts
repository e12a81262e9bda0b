/** Plain-TypeScript twin of global-norm clipping (torch.nn.utils.clip_grad_norm_), in place. */
export function clipGradNormTwin(grads: Float32Array | Float64Array, maxNorm: number): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i] * grads[i];
  const norm = Math.sqrt(s);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef < 1) for (let i = 0; i < grads.length; i++) grads[i] *= coef;
  return norm;
}
