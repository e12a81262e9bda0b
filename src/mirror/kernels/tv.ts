/** Total-variation steps per state (kernel: assembly/mirror/tv.ts). */
import { kernels } from "../../core/wasm.js";
import { checkArray, checkNumber } from "../../core/validate.js";
import { checkPerState, runPerState } from "./per-state.js";

/**
 * Per state s: argmax_{p: TV(p, pi_s) <= cap} <p, adv_s> - coef[s] TV(p, pi_s)^2,
 * TV = 1/2 ||p - pi_s||_1: the squared-TV drift (cap = +inf) and the TV ball
 * (coef = 0). Exact: the best move of a TV budget tau drains the
 * lowest-advantage actions into the best one, and the budget solves a 1-D
 * concave piecewise-quadratic problem. coef: S, >= 0 (+inf keeps pi_s); cap >= 0.
 */
export function tvSolve(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  cap: number,
  S: number,
  A: number,
  out = new Float64Array(S * A),
): Float64Array {
  ({ S, A } = checkPerState(pi, adv, coef, S, A));
  checkNumber("cap", cap, { lo: 0 });
  checkArray("out", out, S * A, "S*A");
  return runPerState(pi, adv, coef, S, A, out, Math.ceil(A / 2), (p, q, c, o, work) =>
    kernels().mirrorTvSolve(p, q, c, cap, S, A, o, work),
  );
}
