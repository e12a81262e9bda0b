/** The greedy step (kernel: assembly/mirror/greedy.ts). */
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { checkArray, checkTable, checkShape } from "../../core/validate.js";

/**
 * Greedy policy in the advantage: one-hot at argmax_a adv[s*A + a], ties to
 * the lowest index (generalised policy iteration's step; the zero drift).
 */
export function greedyStep(adv: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  ({ S, A } = checkShape(S, A));
  checkTable("advantage", adv, S, A);
  checkArray("out", out, S * A, "S*A");
  scratch((take) => {
    const q = take(f64Block(S * A, adv));
    const o = take(f64Block(S * A));
    kernels().mirrorGreedySimd(q.ptr, S, A, o.ptr);
    out.set(o.view);
  });
  return out;
}
