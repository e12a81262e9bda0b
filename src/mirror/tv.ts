/** Total-variation steps per state (kernel: assembly/mirror/tv.ts). */
import { kernels } from "../wasm/module.js";
import { f64Block, scratch } from "../wasm/arena.js";
import { checkArray, checkCoefficients, checkNumber, checkPolicy, checkTable, validateShape } from "./checks.js";

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
  ({ S, A } = validateShape(S, A));
  checkPolicy("policy", pi, S, A);
  checkTable("advantage", adv, S, A);
  checkCoefficients("coef", coef, S);
  checkNumber("cap", cap, { lo: 0 });
  checkArray("out", out, S * A, "S*A");
  scratch((take) => {
    const p = take(f64Block(S * A, pi));
    const q = take(f64Block(S * A, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(S * A));
    const work = take(f64Block(2 * A));
    kernels().mirrorTvSolve(p.ptr, q.ptr, c.ptr, cap, S, A, o.ptr, work.ptr);
    out.set(o.view);
  });
  return out;
}
