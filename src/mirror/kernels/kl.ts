/**
 * Per-state divergences between two policies over S x A tables (kernels:
 * assembly/mirror/kl.ts): KL for the KL balls and the trust-region drifts, TV
 * for the total-variation ball.
 */
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { checkArray, checkPolicy, checkShape } from "../../core/validate.js";

function perState(kernel: "mirrorKlSimd" | "mirrorTvSimd", p: Float64Array, q: Float64Array, S: number, A: number, out: Float64Array): Float64Array {
  ({ S, A } = checkShape(S, A));
  checkPolicy("first", p, S, A);
  checkPolicy("second", q, S, A);
  checkArray("out", out, S, "S");
  scratch((take) => {
    const a = take(f64Block(S * A, p));
    const b = take(f64Block(S * A, q));
    const o = take(f64Block(S));
    kernels()[kernel](a.ptr, b.ptr, S, A, o.ptr);
    out.set(o.view);
  });
  return out;
}

/**
 * out[s] = KL(first_s || second_s) = sum_a first(a|s) log(first(a|s) / second(a|s))
 * for policies first, second (S*A, rows summing to 1); +inf where second has
 * a zero under first's support. Accurate for tiny divergences (non-negative terms).
 */
export function perStateKl(first: Float64Array, second: Float64Array, S: number, A: number, out = new Float64Array(S)): Float64Array {
  return perState("mirrorKlSimd", first, second, S, A, out);
}

/** out[s] = TV(p_s, q_s) = 1/2 sum_a |p(a|s) - q(a|s)| for policies p, q (S*A). */
export function perStateTv(p: Float64Array, q: Float64Array, S: number, A: number, out = new Float64Array(S)): Float64Array {
  return perState("mirrorTvSimd", p, q, S, A, out);
}

/** @internal perStateKl without the checks (first, second: policies the caller checked). */
export function perStateKlUnchecked(first: Float64Array, second: Float64Array, S: number, A: number, out = new Float64Array(S)): Float64Array {
  scratch((take) => {
    const a = take(f64Block(S * A, first));
    const b = take(f64Block(S * A, second));
    const o = take(f64Block(S));
    kernels().mirrorKlSimd(a.ptr, b.ptr, S, A, o.ptr);
    out.set(o.view);
  });
  return out;
}
