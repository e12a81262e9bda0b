/** The PPO clip drift's exact per-state step (kernel: assembly/mirror/clip.ts). */
import { kernels } from "../../core/wasm.js";
import { checkArray, checkNumber } from "../../core/validate.js";
import { checkPerState, runPerState } from "./per-state.js";

/**
 * Per state s, with w = coef[s] (>= 0, +inf allowed) and eps > 0:
 *   argmax_{p in simplex} sum_a p(a) adv(a) - w sum_a pi(a) ReLU((r_a - clip(r_a, 1-eps, 1+eps)) adv(a)),
 * r_a = p(a)/pi(a) (the PPO objective as a Mirror Learning drift: Schulman et
 * al. 2017, Kuba et al. 2022). Solved exactly: each action's term is concave
 * piecewise linear with one kink, and the unit mass is poured into slope
 * segments in decreasing order. w = +inf returns the best policy with zero drift
 * (ratios clipped hard). pi: a policy (S*A); adv: S*A finite.
 */
export function clipSolve(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  eps: number,
  out = new Float64Array(S * A),
): Float64Array {
  ({ S, A } = checkPerState(pi, adv, coef, S, A));
  checkNumber("epsilon", eps, { lo: 0, openLo: true, hi: Infinity, openHi: true });
  checkArray("out", out, S * A, "S*A");
  return runPerState(pi, adv, coef, S, A, out, 8 * A, (p, q, c, o, work) =>
    kernels().mirrorClipSolve(p, q, c, S, A, eps, o, work),
  );
}
