/** The squared-L2 drift's exact per-state step (kernel: assembly/mirror/l2.ts). */
import { kernels } from "../wasm/module.js";
import { f64Block, scratch } from "../wasm/arena.js";
import { checkArray, checkCoefficients, checkPolicy, checkTable, validateShape } from "./checks.js";

/**
 * Per state s: argmax_{p in simplex} <p, adv_s> - coef[s] ||p - pi_s||^2
 *   = Proj_simplex(pi_s + adv_s / (2 coef[s])),
 * the Euclidean projection by Michelot's (1986) finite active-set iteration.
 * coef: S, >= 0; +inf keeps pi_s, 0 gives the greedy policy (lowest index).
 */
export function l2Solve(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  ({ S, A } = validateShape(S, A));
  checkPolicy("policy", pi, S, A);
  checkTable("advantage", adv, S, A);
  checkCoefficients("coef", coef, S);
  checkArray("out", out, S * A, "S*A");
  scratch((take) => {
    const p = take(f64Block(S * A, pi));
    const q = take(f64Block(S * A, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(S * A));
    kernels().mirrorL2SolveSimd(p.ptr, q.ptr, c.ptr, S, A, o.ptr);
    out.set(o.view);
  });
  return out;
}
