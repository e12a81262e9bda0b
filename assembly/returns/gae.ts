// Generalised advantage estimation (Schulman, Moritz, Levine, Jordan & Abbeel
// 2016, "High-Dimensional Continuous Control Using Generalized Advantage
// Estimation"), backward over nSteps rows of numEnvs copies (row-major
// [t * numEnvs + e], f64):
//   next_t  = ended_t ? boot_t : V_{t+1}          (V_{nSteps} = lastValues)
//   delta_t = r_t + gamma * next_t - V_t
//   A_t     = delta_t + gamma * lambda * (1 - ended_t) * A_{t+1}
//   R_t     = A_t + V_t
// ended_t is 1.0 when copy e's episode ended on step t (terminated or
// truncated) and 0.0 otherwise; boot_t is V(final observation) for a
// truncation (bootstrap) and 0 for a termination. The recursion runs across
// time, so the SIMD kernel vectorises across copies (two f64 lanes).

/** GAE over nSteps x numEnvs, SIMD across copies; writes advantages and returns. */
export function returnsGaeSimd(
  rewards: usize, values: usize, lastValues: usize, ended: usize, boot: usize,
  advantages: usize, returns: usize, nSteps: i32, numEnvs: i32, gamma: f64, lambda: f64,
): void {
  const g = f64x2.splat(gamma);
  const gl = f64x2.splat(gamma * lambda);
  const one = f64x2.splat(1.0);
  let e = 0;
  for (; e + 2 <= numEnvs; e += 2) {
    let adv = f64x2.splat(0.0);
    let nextV = v128.load(lastValues + (<usize>e << 3));
    for (let t = nSteps - 1; t >= 0; t--) {
      const o = (<usize>t * <usize>numEnvs + <usize>e) << 3;
      const v = v128.load(values + o);
      const d = v128.load(ended + o);
      const keep = f64x2.sub(one, d);
      // ended is exactly 0 or 1, so this is a select without branches.
      const next = f64x2.add(f64x2.mul(d, v128.load(boot + o)), f64x2.mul(keep, nextV));
      const delta = f64x2.sub(f64x2.add(v128.load(rewards + o), f64x2.mul(g, next)), v);
      adv = f64x2.add(delta, f64x2.mul(f64x2.mul(gl, keep), adv));
      v128.store(advantages + o, adv);
      v128.store(returns + o, f64x2.add(adv, v));
      nextV = v;
    }
  }
  gaeColumns(rewards, values, lastValues, ended, boot, advantages, returns, nSteps, numEnvs, gamma, lambda, e);
}

/** GAE over nSteps x numEnvs, scalar twin. */
export function returnsGaeScalar(
  rewards: usize, values: usize, lastValues: usize, ended: usize, boot: usize,
  advantages: usize, returns: usize, nSteps: i32, numEnvs: i32, gamma: f64, lambda: f64,
): void {
  gaeColumns(rewards, values, lastValues, ended, boot, advantages, returns, nSteps, numEnvs, gamma, lambda, 0);
}

// @ts-ignore: decorator
@inline function gaeColumns(
  rewards: usize, values: usize, lastValues: usize, ended: usize, boot: usize,
  advantages: usize, returns: usize, nSteps: i32, numEnvs: i32, gamma: f64, lambda: f64, from: i32,
): void {
  const gl = gamma * lambda;
  for (let e = from; e < numEnvs; e++) {
    let adv = 0.0;
    let nextV = load<f64>(lastValues + (<usize>e << 3));
    for (let t = nSteps - 1; t >= 0; t--) {
      const o = (<usize>t * <usize>numEnvs + <usize>e) << 3;
      const v = load<f64>(values + o);
      const d = load<f64>(ended + o);
      const keep = 1.0 - d;
      const next = d * load<f64>(boot + o) + keep * nextV;
      const delta = load<f64>(rewards + o) + gamma * next - v;
      adv = delta + gl * keep * adv;
      store<f64>(advantages + o, adv);
      store<f64>(returns + o, adv + v);
      nextV = v;
    }
  }
}
