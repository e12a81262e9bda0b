// Finiteness scan used at the TypeScript boundary: one pass in WASM instead of
// a JavaScript loop over every input value.

/** Index of the first NaN or infinite value among n f32 values, or -1. */
export function nnFirstNonFiniteSimd(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    // x - x is 0 for finite x and NaN otherwise; four vectors per test keep the branch rare.
    const p = x + (<usize>i << 2);
    const a = f32x4.sub(v128.load(p), v128.load(p));
    const b = f32x4.sub(v128.load(p, 16), v128.load(p, 16));
    const c = f32x4.sub(v128.load(p, 32), v128.load(p, 32));
    const d = f32x4.sub(v128.load(p, 48), v128.load(p, 48));
    const ok = v128.and(v128.and(f32x4.eq(a, zero), f32x4.eq(b, zero)), v128.and(f32x4.eq(c, zero), f32x4.eq(d, zero)));
    if (!i32x4.all_true(ok)) break;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}

/** Index of the first NaN or infinite value among n f32 values, or -1, scalar twin. */
export function nnFirstNonFiniteScalar(x: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}
