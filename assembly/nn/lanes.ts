// Lane helpers shared by the neural kernels that run SIMD across four rows
// (one f32 lane per row: categorical.ts, gaussian.ts) and by dense.ts.
// All @inline; not exported from the module (imported by assembly/nn/*).

/** The four f32 at p, p + stride, p + 2 stride, p + 3 stride (bytes) as lanes 0..3. */
// @ts-ignore: decorator
@inline export function gather4(p: usize, stride: usize): v128 {
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + stride));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride));
}

/** Stores lanes 0..3 of v at p, p + stride, p + 2 stride, p + 3 stride (bytes): the inverse of gather4. */
// @ts-ignore: decorator
@inline export function scatter4(p: usize, stride: usize, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  store<f32>(p + stride, f32x4.extract_lane(v, 1));
  store<f32>(p + 2 * stride, f32x4.extract_lane(v, 2));
  store<f32>(p + 3 * stride, f32x4.extract_lane(v, 3));
}

/** (x0 + x1) + (x2 + x3): the sum of the four lanes, in this order. */
// @ts-ignore: decorator
@inline export function hsum(x: v128): f32 {
  return (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
}

/** A per-row upstream gradient: p[row] from an f32 array when p != 0, else `scale` for all rows. */
// @ts-ignore: decorator
@inline export function upstream(p: usize, scale: f32, row: i32): f32 {
  return p != 0 ? load<f32>(p + (<usize>row << 2)) : scale;
}
