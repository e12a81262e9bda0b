// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): the norm of
// all gradients together is sqrt(sum_i g_i^2); the TypeScript side decides the
// scale max_norm / (norm + 1e-6) and applies it here or inside the Adam step.
// Squares are summed in f64 so that neither large f32 gradients (whose squares
// overflow f32) nor long vectors lose accuracy.

/** sum_i x[i]^2 over n f32 values, accumulated in f64. */
export function gradSumSquaresSimd(x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const g = <f64>load<f32>(x + (<usize>i << 2));
    s += g * g;
  }
  return s;
}

/** sum_i x[i]^2 over n f32 values in f64, scalar twin. */
export function gradSumSquaresScalar(x: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const g = <f64>load<f32>(x + (<usize>i << 2));
    s += g * g;
  }
  return s;
}

/** x[i] = x[i] * s for n f32 values. */
export function gradScaleSimd(x: usize, n: i32, s: f32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.mul(v128.load(x + o), sv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, load<f32>(x + o) * s);
  }
}

/** x[i] = x[i] * s, scalar twin. */
export function gradScaleScalar(x: usize, n: i32, s: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, load<f32>(x + o) * s);
  }
}
