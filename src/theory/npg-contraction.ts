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
import { checkFiniteVector, checkGamma, checkObject, checkOptions, checkPolicy, checkShape } from "../core/validate.js";

const ARGS = ["Vstar", "Vk", "Vnext", "Qk", "policy", "eta", "gamma", "S", "A"] as const;

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
  args: {
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
  checkObject("args", args, "npgContraction: { Vstar, Vk, Vnext, Qk, policy, eta, gamma, S, A }");
  checkOptions("args", args, ARGS, "npgContraction", "argument");
  const { Vstar, Vk, Vnext, Qk, policy, eta } = args;
  const { S, A } = checkShape(args.S, args.A);
  const gamma = checkGamma("gamma", args.gamma, { function: "npgContraction" });
  if (typeof eta !== "number" || !(eta > 0)) throw new ValidationError("eta", "npgContraction: must be > 0", eta);
  const where = { function: "npgContraction" };
  for (const [field, v] of [["Vstar", Vstar], ["Vk", Vk], ["Vnext", Vnext]] as const) checkFiniteVector(field, v, S, "S", where);
  checkFiniteVector("Qk", Qk, S * A, "S*A", where);
  checkPolicy("policy", policy, S, A);
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
