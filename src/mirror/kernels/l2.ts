/** The squared-L2 drift's exact per-state step (kernel: assembly/mirror/l2.ts). */
import { kernels } from "../../core/wasm.js";
import { checkArray } from "../../core/validate.js";
import { checkPerState, runPerState } from "./per-state.js";

/**
 * Per state s: argmax_{p in simplex} <p, adv_s> - coef[s] ||p - pi_s||^2
 *   = Proj_simplex(pi_s + adv_s / (2 coef[s])),
 * the Euclidean projection by Michelot's (1986) finite active-set iteration.
 * coef: S, >= 0; +inf keeps pi_s, 0 gives the greedy policy (lowest index).
 */
export function l2Solve(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  ({ S, A } = checkPerState(pi, adv, coef, S, A));
  checkArray("out", out, S * A, "S*A");
  return runPerState(pi, adv, coef, S, A, out, 0, (p, q, c, o) => kernels().mirrorL2SolveSimd(p, q, c, S, A, o));
}
