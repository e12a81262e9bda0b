/**
 * The shared boundary of the per-state mirror kernels (clip.ts, tv.ts, l2.ts,
 * trl.ts): the checks of their common arguments, and the copy into and out of
 * WebAssembly memory around one kernel call.
 */
import { f64Block, scratch } from "../../core/arena.js";
import { checkCoefficients, checkPolicy, checkTable, checkShape } from "../../core/validate.js";

/**
 * Checks the common arguments of a per-state solve: S, A a valid shape, pi a
 * policy (S*A), adv an S*A table of finite numbers, coef (named `coefField`)
 * S coefficients >= 0 (+inf allowed). Returns the checked shape.
 */
export function checkPerState(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  coefField = "coef",
): { S: number; A: number } {
  ({ S, A } = checkShape(S, A));
  checkPolicy("policy", pi, S, A);
  checkTable("advantage", adv, S, A);
  checkCoefficients(coefField, coef, S);
  return { S, A };
}

/**
 * Runs one per-state kernel on WebAssembly copies of pi, adv (S*A) and coef
 * (S), an S*A output block and an aux block of `auxLength` f64 (the kernel's
 * workspace, or a second output): `kernel(pi, adv, coef, out, aux)` gets
 * their byte addresses. Copies the output into `out` (returned) and, when
 * `auxOut` is given, the aux block into it. Arguments are trusted: check
 * them first.
 */
export function runPerState(
  pi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  out: Float64Array,
  auxLength: number,
  kernel: (pi: number, adv: number, coef: number, out: number, aux: number) => void,
  auxOut?: Float64Array,
): Float64Array {
  scratch((take) => {
    const p = take(f64Block(S * A, pi));
    const q = take(f64Block(S * A, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(S * A));
    const aux = auxLength > 0 ? take(f64Block(auxLength)) : undefined;
    kernel(p.ptr, q.ptr, c.ptr, o.ptr, aux ? aux.ptr : 0);
    out.set(o.view);
    if (auxOut && aux) auxOut.set(aux.view);
  });
  return out;
}
