/**
 * The analytical update rule (Li, Clavette & He, ICML 2022, "Result 1"):
 *
 *   pi_new(a|s) = pi_old(a|s) exp(A_old(s,a) / C) / sum_b pi_old(b|s) exp(A_old(s,b) / C),
 *   C = gamma^2 eps / (1 - gamma)^3,   eps = max_{s,a} |A_old(s,a)|,   gamma in [0.5, 1).
 *
 * It maximises Li et al.'s lower bound J(pi') >= L_pi(pi') - C/(1-gamma) E_{s~d_pi} KL(pi' || pi)
 * (theory/surrogate-bound.ts), hence J(pi_new) >= J(pi_old). As Mirror
 * Learning: neighbourhood = all policies, drift = C KL(pi || pi_old) (reverse
 * KL with step 1/C): NPG with the adaptive step size eta = 1/C. Computed in
 * log space like npg.
 *
 * gamma outside [0.5, 1): Li et al. state the bound (and so the constant C)
 * only for gamma >= 0.5. By default the step throws a ValidationError there;
 * `belowHalf: "clamp"` uses C computed at gamma = 0.5 instead, which is larger
 * than the formula's C at the true gamma (C grows with gamma), i.e. a smaller,
 * more conservative step; the update stays a Mirror Learning instance, so it
 * still improves monotonically. eps = 0 means every advantage is 0 (the policy
 * is optimal): the step returns pi_old.
 */
import { ValidationError } from "../core/errors.js";
import { type StateDistribution, checkStateDistribution } from "../mirror/distributions.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type NpgResult, exponentialStep } from "./npg.js";
import { type Update, type UpdateStepOptions, maxAbs, prepareStep } from "./instance.js";

export interface AnalyticalOptions {
  /** What to do when gamma < 0.5, outside Li et al.'s assumption: "throw" (default) or "clamp" (C at gamma = 0.5). */
  belowHalf?: "throw" | "clamp";
  /** beta = nu (default "uniform": every state updated). */
  states?: StateDistribution;
}

export type AnalyticalResult = NpgResult & {
  /** C = gamma^2 eps / (1-gamma)^3 (Infinity when eps = 0). */
  C: number;
  /** eps = max_{s,a} |A_old(s,a)|. */
  epsilon: number;
};

/** Li, Clavette & He's constant C_pi = gamma^2 eps / (1-gamma)^3 (ICML 2022, "Result 2"). */
export function analyticalConstant(gamma: number, epsilon: number): number {
  return (gamma * gamma * epsilon) / (1 - gamma) ** 3;
}

/** The analytical update rule of Li, Clavette & He (see the module comment). */
export function analytical(options: AnalyticalOptions = {}): Update<AnalyticalResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "analytical: must be an object", options);
  checkOptions("options", options, ["belowHalf", "states"], "analytical");
  const belowHalf = options.belowHalf ?? "throw";
  if (belowHalf !== "throw" && belowHalf !== "clamp") {
    throw new ValidationError("belowHalf", 'analytical: must be "throw" or "clamp"', belowHalf);
  }
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "analytical" }) ?? "uniform";
  return {
    name: "analytical",
    neighbourhood: "all policies",
    drift: "C KL(pi || pi_old), C = gamma^2 max|A_old| / (1-gamma)^3",
    logSpace: true,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): AnalyticalResult {
      const p = prepareStep(mdp, policy, k, opts, "analytical");
      let gamma = p.mdp.gamma;
      if (gamma < 0.5) {
        if (belowHalf === "throw") {
          throw new ValidationError(
            "gamma",
            'analytical: Li et al.\'s constant C is stated for gamma in [0.5, 1); use analytical({ belowHalf: "clamp" }) to take C at gamma = 0.5',
            gamma,
          );
        }
        gamma = 0.5;
      }
      const epsilon = maxAbs(p.evaluation.advantage);
      const C = analyticalConstant(gamma, epsilon);
      if (epsilon === 0) {
        // All advantages vanish: pi_old is optimal and exp(A/C) = 1 in the limit.
        const r = exponentialStep(p.mdp, p.policy, 1, p.evaluation, opts?.logPolicy, states);
        return { ...r, stepSize: 0, C: Infinity, epsilon };
      }
      const r = exponentialStep(p.mdp, p.policy, 1 / C, p.evaluation, opts?.logPolicy, states);
      return { ...r, C, epsilon };
    },
  };
}
