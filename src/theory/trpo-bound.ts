/**
 * The lower bound behind trust-region learning (Schulman, Levine, Moritz,
 * Jordan & Abbeel 2015, "Trust Region Policy Optimization", Theorem 1 and
 * eq. 9): for any policies pi (old) and pi' (new),
 *
 *   eta(pi') >= L_pi(pi') - C KL_max(pi, pi'),
 *   C = 4 eps gamma / (1-gamma)^2,      eps = max_{s,a} |A_pi(s,a)|,
 *   KL_max(pi, pi') = max_s KL(pi(.|s) || pi'(.|s))          (the OLD policy first),
 *   L_pi(pi') = eta(pi) + sum_s rho_pi(s) sum_a pi'(a|s) A_pi(s,a)
 *             = eta(pi) + 1/(1-gamma) E_{s~d_pi, a~pi'}[A_pi(s,a)].
 *
 * Theorem 1 states it with alpha = max_s TV(pi(.|s), pi'(.|s)) (TV = half the
 * L1 distance) as eta(pi') >= L_pi(pi') - C alpha^2, and its proof (the
 * alpha-coupling of Appendix A) bounds the error both ways,
 * |eta(pi') - L_pi(pi')| <= C alpha^2 (more sharply 4 eps alpha^2 gamma /
 * ((1-gamma)(1-gamma(1-alpha)))); TV^2 <= KL (Pinsker) gives the KL form, in
 * either argument order.
 *
 * Normalisation: the paper's eta is the unnormalised expected discounted
 * return E[sum_t gamma^t r_t], which is mirror-rl's eta = mu . V; its rho_pi
 * is the unnormalised discounted visitation sum_t gamma^t P(s_t = s), i.e.
 * d_pi / (1-gamma) with mirror-rl's normalised d_pi; and eps is in the units
 * of A = Q - V. So L is exactly `surrogateBound`'s L (Li, Clavette & He
 * 2022), and the two bounds compare on the same error |eta(pi') - L_pi(pi')|.
 * The constant holds for every gamma in [0, 1) (`applies` is always true).
 */
import { evaluate, type EvaluateOptions } from "../evaluation/evaluate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { klRow, tvRow } from "../mirror/kernels/kl.twin.js";
import { checkBoundInputs } from "./surrogate-bound.js";

export interface TrpoBound {
  /** J(pi') = eta(pi'). */
  J: number;
  /** L_pi(pi') (as surrogateBound's). */
  L: number;
  /** |J(pi') - L_pi(pi')|. */
  error: number;
  /** C KL_max(pi, pi') (+Infinity when pi' leaves pi's support in some state). */
  bound: number;
  /** C = 4 eps gamma / (1-gamma)^2. */
  C: number;
  /** eps = max_{s,a} |A_pi(s,a)|. */
  epsilon: number;
  /** max_s KL(pi(.|s) || pi'(.|s)), over every state. */
  maxKl: number;
  /** alpha = max_s TV(pi(.|s), pi'(.|s)). */
  maxTv: number;
  /** C alpha^2: Theorem 1 in its TV form (<= bound). */
  tvBound: number;
  /** Always true: the theorem holds for every gamma in [0, 1). */
  applies: boolean;
}

/** J, L and Schulman et al.'s bound for piNew = pi' and piOld = pi (see the module comment); the signature of surrogateBound. */
export function trpoBound(mdp: TabularMdp, piNew: Float64Array, piOld: Float64Array, options?: EvaluateOptions): TrpoBound {
  checkBoundInputs(mdp, piNew, piOld, "trpoBound");
  const { S, A, gamma } = mdp;
  const old = evaluate(mdp, piOld, options);
  const next = evaluate(mdp, piNew, options);
  let epsilon = 0;
  for (let i = 0; i < S * A; i++) epsilon = Math.max(epsilon, Math.abs(old.advantage[i]));
  let gain = 0;
  let maxKl = 0;
  let maxTv = 0;
  for (let s = 0; s < S; s++) {
    maxKl = Math.max(maxKl, klRow(piOld, piNew, s, A));
    maxTv = Math.max(maxTv, tvRow(piNew, piOld, s, A));
    if (old.d[s] === 0) continue;
    let inner = 0;
    for (let a = 0; a < A; a++) {
      const p = piNew[s * A + a];
      if (p !== 0) inner += p * old.advantage[s * A + a];
    }
    gain += old.d[s] * inner;
  }
  const L = old.eta + gain / (1 - gamma);
  const C = (4 * epsilon * gamma) / (1 - gamma) ** 2;
  const bound = maxKl === 0 || C === 0 ? 0 : C * maxKl;
  const tvBound = maxTv === 0 || C === 0 ? 0 : C * maxTv * maxTv;
  return { J: next.eta, L, error: Math.abs(next.eta - L), bound, C, epsilon, maxKl, maxTv, tvBound, applies: true };
}
