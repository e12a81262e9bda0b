/**
 * Li, Clavette & He's bound on the surrogate's error (ICML 2022, "An
 * Analytical Update Rule for General Policy Optimization", Result 2, "Upper
 * Bound on Surrogate Approximation Error"): for any
 * policies pi', pi and gamma in [0.5, 1),
 *
 *   |J(pi') - L_pi(pi')| <= 1/(1-gamma) C_pi E_{s~d_pi}[ KL(pi'(.|s) || pi(.|s)) ],
 *   L_pi(pi') = J(pi) + 1/(1-gamma) E_{s~d_pi, a~pi'}[A_pi(s,a)],
 *   C_pi = gamma^2 eps / (1-gamma)^3,   eps = max_{s,a} |A_pi(s,a)|.
 *
 * The KL is D_KL[pi' || pi] = sum_a pi'(a|s) log(pi'(a|s) / pi(a|s)): the NEW
 * policy first (the direction the analytical update's drift uses), as the
 * paper states it, and the expectation is under the OLD policy's visitation
 * d_pi. J = eta = mu . V. The paper states it for gamma in [0.5, 1) only;
 * `applies` says whether gamma is in that range (the numbers are computed
 * either way).
 */
import { evaluate, type EvaluateOptions } from "../evaluation/evaluate.js";
import { checkTabularMdp, type TabularMdp } from "../mdp/tabular-mdp.js";
import { outsideWasm } from "../core/arena.js";
import { klRow } from "../mirror/kernels/kl.twin.js";
import { checkPolicy } from "../core/validate.js";
import { checkMdp } from "../instances/instance.js";

export interface SurrogateBound {
  /** J(pi') = eta(pi'). */
  J: number;
  /** L_pi(pi'). */
  L: number;
  /** |J(pi') - L_pi(pi')|. */
  error: number;
  /** C_pi / (1-gamma) E_{s~d_pi} KL(pi' || pi) (+Infinity when pi' leaves pi's support where d_pi > 0). */
  bound: number;
  /** C_pi = gamma^2 eps / (1-gamma)^3. */
  C: number;
  /** eps = max_{s,a} |A_pi(s,a)|. */
  epsilon: number;
  /** E_{s~d_pi} KL(pi' || pi). */
  meanKl: number;
  /** gamma in [0.5, 1): the range the paper states the bound for. */
  applies: boolean;
}

/** J, L and the bound of Li et al. for piNew = pi' and piOld = pi (see the module comment). */
export function surrogateBound(mdp: TabularMdp, piNew: Float64Array, piOld: Float64Array, options?: EvaluateOptions): SurrogateBound {
  checkBoundInputs(mdp, piNew, piOld, "surrogateBound");
  // Read again after evaluate, which allocates: copies if they are views of WebAssembly memory.
  piNew = outsideWasm(piNew);
  piOld = outsideWasm(piOld);
  const { S, A, gamma } = mdp;
  const old = evaluate(mdp, piOld, options);
  const next = evaluate(mdp, piNew, options);
  let epsilon = 0;
  for (let i = 0; i < S * A; i++) epsilon = Math.max(epsilon, Math.abs(old.advantage[i]));
  let gain = 0;
  let meanKl = 0;
  for (let s = 0; s < S; s++) {
    if (old.d[s] === 0) continue;
    let inner = 0;
    for (let a = 0; a < A; a++) {
      const p = piNew[s * A + a];
      if (p !== 0) inner += p * old.advantage[s * A + a];
    }
    gain += old.d[s] * inner;
    meanKl += old.d[s] * klRow(piNew, piOld, s, A);
  }
  const L = old.eta + gain / (1 - gamma);
  const C = (gamma * gamma * epsilon) / (1 - gamma) ** 3;
  // 0 * Infinity is 0 here: with C = 0 (gamma = 0 or all advantages 0) the surrogate is exact, J = L.
  const bound = meanKl === 0 || C === 0 ? 0 : (C / (1 - gamma)) * meanKl;
  return { J: next.eta, L, error: Math.abs(next.eta - L), bound, C, epsilon, meanKl, applies: gamma >= 0.5 && gamma < 1 };
}

/** The MDP and the two policies of a bound (S*A policies of that MDP). */
export function checkBoundInputs(mdp: TabularMdp, piNew: unknown, piOld: unknown, where: string): void {
  checkMdp(mdp, where);
  checkPolicy("piNew", piNew, mdp.S, mdp.A);
  checkPolicy("piOld", piOld, mdp.S, mdp.A);
}
