/**
 * One-step contraction of NPG / policy mirror descent towards V*, the
 * inequality behind its linear rate gamma with growing step sizes (the
 * argument of Xiao 2022 and Johnson, Pike-Burke & Rebeschini 2023, in the
 * form we check):
 *
 *   ||V* - V_{k+1}||_inf <= gamma ||V* - V_k||_inf + eps_k,
 *   eps_k = max_s log(1 / pi_k(g_k(s)|s)) / eta_k,   g_k(s) = argmax_a Q_k(s,a).
 *
 * Why: the step maximises eta_k <Q_k(s,.), p> - KL(p || pi_k(.|s)) in every
 * state, so comparing with p = the greedy action gives
 * <Q_k(s,.), pi_{k+1}(.|s)> >= max_a Q_k(s,a) - eps_k; with V_{k+1} >= V_k
 * (the step improves every state) V_{k+1} >= T^{pi_{k+1}} V_k >= T V_k - eps_k,
 * and V* - T V_k <= gamma ||V* - V_k||. With eta_k = eta_0 / gamma^k, eps_k
 * shrinks like gamma^k, so ||V* - V_k|| = O(gamma^k): policy iteration's rate.
 * (eps_k = +Infinity when pi_k gives a greedy action probability 0.)
 */
import { ValidationError } from "../core/errors.js";

export interface NpgContraction {
  /** ||V* - V_{k+1}||_inf. */
  lhs: number;
  /** gamma ||V* - V_k||_inf + eps_k. */
  rhs: number;
  /** eps_k = max_s log(1/pi_k(g_k(s)|s)) / eta_k. */
  epsilon: number;
}

/**
 * Both sides of the contraction for one NPG step with step size eta from pi_k
 * (values Vk, action values Qk) to a policy with values Vnext; Vstar = V*.
 * Vectors of length S, tables S*A.
 */
export function npgContraction(
  { Vstar, Vk, Vnext, Qk, policy, eta, gamma, S, A }: {
    Vstar: ArrayLike<number>;
    Vk: ArrayLike<number>;
    Vnext: ArrayLike<number>;
    Qk: ArrayLike<number>;
    policy: ArrayLike<number>;
    eta: number;
    gamma: number;
    S: number;
    A: number;
  },
): NpgContraction {
  if (!(eta > 0)) throw new ValidationError("eta", "npgContraction: must be > 0", eta);
  if (Vstar.length !== S || Vk.length !== S || Vnext.length !== S) throw new ValidationError("V", "npgContraction: value vectors must have length S", S);
  if (Qk.length !== S * A || policy.length !== S * A) throw new ValidationError("Qk", "npgContraction: tables must have length S*A", S * A);
  let before = 0;
  let after = 0;
  let worst = 0;
  for (let s = 0; s < S; s++) {
    before = Math.max(before, Math.abs(Vstar[s] - Vk[s]));
    after = Math.max(after, Math.abs(Vstar[s] - Vnext[s]));
    let best = 0;
    for (let a = 1; a < A; a++) if (Qk[s * A + a] > Qk[s * A + best]) best = a;
    worst = Math.max(worst, -Math.log(policy[s * A + best]));
  }
  const epsilon = worst / eta;
  return { lhs: after, rhs: gamma * before + epsilon, epsilon };
}
