// Adam (Kingma & Ba, 2015) in PyTorch's formulation (torch.optim.Adam, eps
// outside the square root of the bias-corrected second moment), fused over a
// flat f32 parameter vector of n values:
//   g = gradScale * grad + weightDecay * theta          (L2 penalty as in torch, not AdamW)
//   m = m + (1 - beta1) (g - m)                          (torch's lerp form of beta1 m + (1 - beta1) g)
//   v = beta2 v + (1 - beta2) g^2
//   theta = theta - stepSize * (m / (sqrt(v) / bc2Sqrt + eps))
// with stepSize = lr / (1 - beta1^t) and bc2Sqrt = sqrt(1 - beta2^t) computed
// by the caller in f64 for step t >= 1, and so are 1 - beta1 and 1 - beta2 (in
// f32, 1 - 0.999f loses four digits to cancellation; torch also forms them in
// double). gradScale folds global-norm clipping into the same pass.

/** One fused Adam step over params, grads, m, v (n values each; grads is not modified). */
export function adamStepSimd(
  params: usize, grads: usize, m: usize, v: usize, n: i32,
  stepSize: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, bc2Sqrt: f32, gradScale: f32,
  weightDecay: f32,
): void {
  const gs = f32x4.splat(gradScale);
  const wd = f32x4.splat(weightDecay);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const bc = f32x4.splat(bc2Sqrt);
  const ep = f32x4.splat(eps);
  const st = f32x4.splat(stepSize);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const th = v128.load(params + o);
    const g = f32x4.add(f32x4.mul(v128.load(grads + o), gs), f32x4.mul(wd, th));
    let mm = v128.load(m + o);
    mm = f32x4.add(mm, f32x4.mul(c1, f32x4.sub(g, mm)));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(g, g)));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bc), ep);
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    v128.store(params + o, f32x4.sub(th, f32x4.mul(st, f32x4.div(mm, denom))));
  }
  adamTail(params, grads, m, v, i, n, stepSize, beta2, oneMinusBeta1, oneMinusBeta2, eps, bc2Sqrt, gradScale, weightDecay);
}

/** One fused Adam step, scalar twin. */
export function adamStepScalar(
  params: usize, grads: usize, m: usize, v: usize, n: i32,
  stepSize: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, bc2Sqrt: f32, gradScale: f32,
  weightDecay: f32,
): void {
  adamTail(params, grads, m, v, 0, n, stepSize, beta2, oneMinusBeta1, oneMinusBeta2, eps, bc2Sqrt, gradScale, weightDecay);
}

// @ts-ignore: decorator
@inline function adamTail(
  params: usize, grads: usize, m: usize, v: usize, from: i32, n: i32,
  stepSize: f32, beta2: f32, c1: f32, c2: f32, eps: f32, bc2Sqrt: f32, gradScale: f32, weightDecay: f32,
): void {
  for (let i = from; i < n; i++) {
    const o = <usize>i << 2;
    const th = load<f32>(params + o);
    const g = load<f32>(grads + o) * gradScale + weightDecay * th;
    let mm = load<f32>(m + o);
    mm = mm + c1 * (g - mm);
    const vv = beta2 * load<f32>(v + o) + c2 * (g * g);
    const denom = sqrt<f32>(vv) / bc2Sqrt + eps;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(params + o, th - stepSize * (mm / denom));
  }
}
