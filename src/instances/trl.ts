/**
 * Trust-region learning (TRL; Schulman et al. 2015, "Trust Region Policy
 * Optimization", eq. 10; as Mirror Learning in Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation"): neighbourhood = all policies, drift = C KL(pi_old(.|s) || pi(.|s)).
 *
 * penalty "mean" (the default): the KL as a per-state drift under nu = beta,
 *
 *   pi_new(.|s) = argmax_p E_{a~p}[A_old(s,a)] - C KL(pi_old(.|s) || p),
 *
 * which separates over states. The exact solution is the per-state dual
 * p(a) = C pi_old(a) / (lambda - A(a)), lambda > max_a A(a) solved so that
 * sum_a p(a) = 1 (mirrorStep's TRL solver). Actions outside pi_old's support
 * stay at 0.
 *
 * penalty "max": TRL as Kuba et al. state it,
 *
 *   pi_new = argmax_pi E_{s~d_old, a~pi}[A_old(s,a)] - C KL_max(pi_old, pi),
 *   KL_max(pi_old, pi) = max_s KL(pi_old(.|s) || pi(.|s)),
 *
 * the same drift under the drift distribution that depends on the candidate
 * and sits on the worst state (mirrorStep's nu: "max"). Solved exactly by a
 * 1-D search on the radius r of the max-KL ball: the ball's value is concave
 * in r with slope sum_s d_old(s) m_s(r) (the per-state multipliers), and r
 * stops where that slope equals C (src/mirror/max-drift.ts). The expectation
 * is under the normalised visitation d_old; Schulman et al.'s surrogate
 * L_pi(pi') = eta(pi) + 1/(1-gamma) E_{s~d_old, a~pi'}[A_old] carries
 * 1/(1-gamma), so their L - C' KL_max is maximised by C = (1-gamma) C'
 * (their Theorem 1 constant C' = 4 eps gamma / (1-gamma)^2 gives
 * C = 4 eps gamma / (1-gamma)). `states` sets beta (default "visitation"
 * here; states with beta(s) = 0 keep pi_old).
 */
import { ValidationError } from "../core/errors.js";
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { forwardKlDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import { type StateDistribution, checkStateDistribution } from "../mirror/distributions.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./instance.js";

export interface TrlOptions {
  /** Penalty coefficient C > 0 (larger = smaller steps). */
  C: number;
  /**
   * "mean" (default): C KL(pi_old(.|s) || pi(.|s)) per state, under nu = beta;
   * "max": C max_s KL(pi_old(.|s) || pi(.|s)) (TRL as Kuba et al. state it).
   */
  penalty?: "mean" | "max";
  /** beta (= nu for "mean"); default "uniform" for "mean" (every state updated), "visitation" (d_old) for "max". */
  states?: StateDistribution;
}

export type TrlResult = MirrorStepResult & { evaluation: PolicyEvaluation };

/** TRL with the forward-KL drift C KL(pi_old || pi), per state or at the worst state (see the module comment). */
export function trl(options: TrlOptions): Update<TrlResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "trl: must be an object { C }", options);
  checkOptions("options", options, ["C", "penalty", "states"], "trl");
  const { C } = options;
  if (typeof C !== "number" || !(C > 0 && C < Infinity)) throw new ValidationError("C", "trl: must be a finite number > 0", C);
  const penalty = options.penalty ?? "mean";
  if (penalty !== "mean" && penalty !== "max") throw new ValidationError("penalty", 'trl: must be "mean" or "max"', penalty);
  const drift = forwardKlDrift(C);
  const max = penalty === "max";
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "trl" }) ?? (max ? "visitation" : "uniform");
  return {
    name: max ? `trl(C=${C}, max)` : `trl(C=${C})`,
    neighbourhood: "all policies",
    drift: max ? `C max_s KL(pi_old || pi), C = ${C}` : `C KL(pi_old || pi), C = ${C}`,
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): TrlResult {
      const p = prepareStep(mdp, policy, k, opts, "trl");
      const r = mirrorStep(mdp, p.policy, { drift, neighbourhood: allPolicies(), beta: states, nu: max ? "max" : states, evaluation: p.evaluation });
      return { ...r, evaluation: p.evaluation };
    },
  };
}
