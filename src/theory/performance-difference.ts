/**
 * The performance difference lemma (Kakade & Langford 2002, "Approximately Optimal
 * Approximate Reinforcement Learning"):
 *
 *   eta(pi') - eta(pi) = 1/(1-gamma) E_{s~d_pi'} E_{a~pi'(.|s)}[A_pi(s,a)],
 *
 * with d_pi' the discounted visitation of pi' (a distribution). Both sides are
 * computed from separate exact evaluations (values of pi and pi', visitation
 * of pi', advantage of pi), so an error in any of them shows as a difference.
 */
import { ValidationError } from "../core/errors.js";
import { evaluate, type EvaluateOptions } from "../evaluation/evaluate.js";
import { checkTabularMdp, type TabularMdp } from "../mdp/tabular-mdp.js";
import { outsideWasm } from "../core/arena.js";

export interface PerformanceDifference {
  /** eta(pi') - eta(pi), from the two evaluations. */
  lhs: number;
  /** 1/(1-gamma) E_{s~d_pi'} E_{a~pi'}[A_pi(s,a)]. */
  rhs: number;
  /** |lhs - rhs|. */
  difference: number;
  etaNew: number;
  etaOld: number;
}

/** Both sides of the performance difference lemma for piNew = pi' and piOld = pi (S*A policies). */
export function performanceDifference(
  mdp: TabularMdp,
  piNew: Float64Array,
  piOld: Float64Array,
  options?: EvaluateOptions,
): PerformanceDifference {
  checkTabularMdp(mdp, "performanceDifference");
  // Read again after evaluate, which allocates: copies if they are views of WebAssembly memory.
  piNew = outsideWasm(piNew);
  piOld = outsideWasm(piOld);
  if (!(mdp.gamma < 1)) throw new ValidationError("gamma", "performanceDifference: must be < 1", mdp.gamma);
  const { S, A, gamma } = mdp;
  const next = evaluate(mdp, piNew, options);
  const old = evaluate(mdp, piOld, options);
  let rhs = 0;
  for (let s = 0; s < S; s++) {
    if (next.d[s] === 0) continue;
    let inner = 0;
    for (let a = 0; a < A; a++) {
      const p = piNew[s * A + a];
      if (p !== 0) inner += p * old.advantage[s * A + a];
    }
    rhs += next.d[s] * inner;
  }
  rhs /= 1 - gamma;
  const lhs = next.eta - old.eta;
  return { lhs, rhs, difference: Math.abs(lhs - rhs), etaNew: next.eta, etaOld: old.eta };
}
