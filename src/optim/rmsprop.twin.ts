/** Plain-TypeScript twin of the RMSprop kernel (f32 rounding at each step, as the kernel). */
export function rmspropTwin(params: Float32Array, grads: Float32Array, v: Float32Array, lr: number, alpha: number, eps: number, gradScale: number): void {
  const f = Math.fround;
  const c = f(1 - alpha);
  for (let i = 0; i < params.length; i++) {
    const g = f(grads[i] * f(gradScale));
    const vv = f(f(f(alpha) * v[i]) + f(c * f(g * g)));
    v[i] = vv;
    params[i] = f(params[i] - f(f(lr) * f(g / f(f(Math.sqrt(vv)) + f(eps)))));
  }
}
