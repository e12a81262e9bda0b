// RMSprop (Hinton's lecture 6e; torch.optim.RMSprop without momentum or
// centring), fused over a flat f32 parameter vector of n values:
//   g = gradScale * grad
//   v = alpha v + (1 - alpha) g^2
//   theta = theta - lr * g / (sqrt(v) + eps)
// eps outside the square root as in torch (SB3's A2C default: alpha 0.99,
// eps 1e-5). oneMinusAlpha comes from the caller, formed in f64.

/** One fused RMSprop step over params, grads, v (n values each). */
export function agentsRmspropStepSimd(
  params: usize, grads: usize, v: usize, n: i32, lr: f32, alpha: f32, oneMinusAlpha: f32, eps: f32, gradScale: f32,
): void {
  const gs = f32x4.splat(gradScale);
  const al = f32x4.splat(alpha);
  const c = f32x4.splat(oneMinusAlpha);
  const ep = f32x4.splat(eps);
  const st = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = f32x4.mul(v128.load(grads + o), gs);
    const vv = f32x4.add(f32x4.mul(al, v128.load(v + o)), f32x4.mul(c, f32x4.mul(g, g)));
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.sqrt(vv), ep);
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(st, f32x4.div(g, denom))));
  }
  rmspropTail(params, grads, v, i, n, lr, alpha, oneMinusAlpha, eps, gradScale);
}

/** One fused RMSprop step, scalar twin. */
export function agentsRmspropStepScalar(
  params: usize, grads: usize, v: usize, n: i32, lr: f32, alpha: f32, oneMinusAlpha: f32, eps: f32, gradScale: f32,
): void {
  rmspropTail(params, grads, v, 0, n, lr, alpha, oneMinusAlpha, eps, gradScale);
}

// @ts-ignore: decorator
@inline function rmspropTail(
  params: usize, grads: usize, v: usize, from: i32, n: i32, lr: f32, alpha: f32, c: f32, eps: f32, gradScale: f32,
): void {
  for (let i = from; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o) * gradScale;
    const vv = alpha * load<f32>(v + o) + c * (g * g);
    store<f32>(v + o, vv);
    store<f32>(params + o, load<f32>(params + o) - lr * (g / (sqrt<f32>(vv) + eps)));
  }
}
