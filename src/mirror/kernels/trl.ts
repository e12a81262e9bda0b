/**
 * Trust-region learning per state (kernels: assembly/mirror/trl-dual.ts, trl-slots.ts, trl-ball.ts, trl.ts): the
 * forward-KL-regularised argmax through its dual, and the per-state KL ball.
 */
import { kernels } from "../../core/wasm.js";
import { checkArray, checkNumber } from "../../core/validate.js";
import { checkPerState, runPerState } from "./per-state.js";

/**
 * Per state s: argmax_{p in simplex} <p, adv_s> - coef[s] KL(pi_s || p)
 * (trust-region learning with a per-state KL penalty: Schulman et al. 2015, "Trust
 * Region Policy Optimization"; as a Mirror Learning drift in Kuba, Schroeder de
 * Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation").
 * Solution p(a) = c pi(a) / (lambda - adv(a)) with lambda > max_{pi(a)>0} adv(a)
 * solved to machine precision from sum p = 1 (safeguarded Newton on a convex
 * decreasing function). Actions outside pi's support take mass only if their
 * advantage reaches lambda (KKT). coef[s] = +inf keeps pi_s; coef[s] = 0 gives the
 * limit c -> 0+: a greedy policy that splits ties in proportion to pi.
 * pi: a policy (S*A); adv: S*A finite; coef: S, >= 0.
 */
export function trlSolve(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  ({ S, A } = checkPerState(pi, adv, coef, S, A));
  checkArray("out", out, S * A, "S*A");
  return runPerState(pi, adv, coef, S, A, out, 0, (p, q, c, o) => kernels().mirrorTrlSolveSimd(p, q, c, S, A, o));
}

/**
 * Per-state KL ball with an optional forward-KL drift of weight base[s]:
 *   argmax_{p: KL(pi_s || p) <= delta} <p, adv_s> - base[s] KL(pi_s || p),
 * by a safeguarded Halley search on the penalty (analytic first and second
 * derivatives of KL in the penalty; about 3 KL evaluations per state), KL tight to 1e-14 relative
 * where the ball binds. Returns the policy and each state's
 * multiplier (0 where the ball does not bind). base: S, >= 0 (+inf keeps pi_s);
 * delta > 0.
 */
export function klBallSolve(
  pi: Float64Array,
  adv: Float64Array,
  base: Float64Array,
  S: number,
  A: number,
  delta: number,
): { policy: Float64Array; multipliers: Float64Array } {
  ({ S, A } = checkPerState(pi, adv, base, S, A, "base"));
  checkNumber("delta", delta, { lo: 0, openLo: true, hi: Infinity, openHi: true });
  return klBallRun(pi, adv, base, S, A, delta);
}

/** `klBallSolve` on trusted arguments (mirrorStep's max-KL ball calls it directly). */
export function klBallRun(
  pi: Float64Array,
  adv: Float64Array,
  base: Float64Array,
  S: number,
  A: number,
  delta: number,
): { policy: Float64Array; multipliers: Float64Array } {
  const multipliers = new Float64Array(S);
  const policy = runPerState(
    pi, adv, base, S, A, new Float64Array(S * A), S,
    (p, q, b, o, m) => kernels().mirrorKlBallSolveSimd(p, q, b, S, A, delta, o, m),
    multipliers,
  );
  return { policy, multipliers };
}
