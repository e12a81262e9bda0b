// Branch-free scalar choices for the per-state solvers. V8 compiles a
// WebAssembly f64 select, f64.min and f64.max into compare-and-branch code
// (NaN and signed-zero cases included); when the data decide, the branch is
// mispredicted about half the time. Masks on the bits have no branch, and
// the two-lane pmin is one instruction. Not exported from the module.

/**
 * cond ? a : b, by masking the bits (no branch). Written as arithmetic, not as
 * an i64 select: Binaryen folds a select of reinterpreted values back into an
 * f64 select, which V8 compiles into a branch.
 */
// @ts-ignore: decorator
@inline export function selectF64(a: f64, b: f64, cond: bool): f64 {
  const m = -(<i64>cond);
  return reinterpret<f64>((reinterpret<i64>(a) & m) | (reinterpret<i64>(b) & ~m));
}

/**
 * b < a ? b : a (the pseudo-minimum): min(a, b) for numbers that are not NaN,
 * except that min(+0, -0) is -0 and this returns +0 (a). Callers use it where
 * neither can happen.
 */
// @ts-ignore: decorator
@inline export function pminF64(a: f64, b: f64): f64 {
  return f64x2.extract_lane(f64x2.pmin(f64x2.splat(a), f64x2.splat(b)), 0);
}
