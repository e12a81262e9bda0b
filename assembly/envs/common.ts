// Pieces shared by the vectorised environment kernels (cartpole.ts, acrobot.ts,
// mountain-car.ts, pendulum.ts; their ABI is described in cartpole.ts). All
// @inline, so that each kernel compiles to what it was when it had its own
// copy. Not exported from assembly/index.ts.

/** params[k]: the k-th f64 constant of an environment's params block. */
// @ts-ignore: decorator
@inline export function param(params: usize, k: i32): f64 {
  return load<f64>(params + (<usize>k << 3));
}

/**
 * The bookkeeping that ends one step of copy i, i in [0, n): stores its
 * reward and its terminated / truncated flags (truncated when the elapsed
 * count, after this step, reaches maxSteps) and advances the elapsed count.
 * Returns whether the copy ended (terminated or truncated): the caller then
 * writes finalObs and resets the copy (which sets the count back to 0),
 * otherwise writes obs.
 */
// @ts-ignore: decorator
@inline export function endStep(
  i: i32, reward: f64, term: bool, steps: usize, maxSteps: i32,
  rewards: usize, terminated: usize, truncated: usize,
): bool {
  const sp = steps + (<usize>i << 2);
  const elapsed = load<i32>(sp) + 1;
  const trunc = elapsed >= maxSteps;
  store<f64>(rewards + (<usize>i << 3), reward);
  store<u8>(terminated + <usize>i, <u8>term);
  store<u8>(truncated + <usize>i, <u8>trunc);
  store<i32>(sp, elapsed);
  return term || trunc;
}
