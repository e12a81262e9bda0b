/**
 * Trust-region learning (TRL; Schulman et al. 2015, "Trust Region Policy
 * Optimization"; as Mirror Learning in Kuba, Schroeder de Witt & Foerster 2022,
 * "Mirror Learning: A Unifying Framework of Policy Optimisation"):
 * neighbourhood = all policies, drift = C KL(pi_old(.|s) || pi(.|s)),
 *
 *   pi_new(.|s) = argmax_p E_{a~p}[A_old(s,a)] - C KL(pi_old(.|s) || p).
 *
 * Schulman et al. state TRL with the penalty C KL_max(pi_old, pi); Mirror Learning
 * uses the same KL as a per-state drift, which separates over states. The
 * exact solution is the per-state dual p(a) = C pi_old(a) / (lambda - A(a)),
 * lambda > max_a A(a) solved so that sum_a p(a) = 1 (mirrorStep's TRL solver).
 * Actions outside pi_old's support stay at 0.
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
  /** beta = nu (default "uniform": every state updated). */
  states?: StateDistribution;
}

export type TrlResult = MirrorStepResult & { evaluation: PolicyEvaluation };

/** TRL with the forward-KL drift C KL(pi_old || pi) (see the module comment). */
export function trl(options: TrlOptions): Update<TrlResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "trl: must be an object { C }", options);
  checkOptions("options", options, ["C", "states"], "trl");
  const { C } = options;
  if (typeof C !== "number" || !(C > 0 && C < Infinity)) throw new ValidationError("C", "trl: must be a finite number > 0", C);
  const drift = forwardKlDrift(C);
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "trl" }) ?? "uniform";
  return {
    name: `trl(C=${C})`,
    neighbourhood: "all policies",
    drift: `C KL(pi_old || pi), C = ${C}`,
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): TrlResult {
      const p = prepareStep(mdp, policy, k, opts, "trl");
      const r = mirrorStep(mdp, p.policy, { drift, neighbourhood: allPolicies(), beta: states, nu: states, evaluation: p.evaluation });
      return { ...r, evaluation: p.evaluation };
    },
  };
}
