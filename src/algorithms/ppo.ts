/**
 * Proximal policy optimisation, exact tabular step (Schulman et al. 2017;
 * seeds 000 and 002) as Mirror Learning: neighbourhood = all policies, drift
 * = the clip drift
 *
 *   D_old(pi|s) = E_{a~pi_old}[ ReLU( (r - clip(r, 1-eps, 1+eps)) A_old(s,a) ) ],  r = pi(a|s)/pi_old(a|s).
 *
 * Per state, E_{a~pi}[A_old] - D_old(pi|s) = E_{a~pi_old}[min(r A, clip(r, 1±eps) A)]:
 * PPO's clipped surrogate, concave and piecewise linear in pi(.|s); mirrorStep
 * maximises it exactly over the simplex by pouring the unit mass into slope
 * segments in decreasing order. The surrogate is flat past the clip edges, so
 * the maximiser need not be unique; the water-filling returns one of them
 * (the optimal value is what is unique, and what the tests compare).
 */
import { ValidationError } from "../errors.js";
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { clipDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import type { StateDistribution } from "../mirror/distributions.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./update.js";

export interface PpoOptions {
  /** Clip range eps > 0 (0.2 in Schulman et al.). */
  epsilon: number;
  /** beta = nu (default "uniform": every state updated). */
  states?: StateDistribution;
}

export type PpoResult = MirrorStepResult & { evaluation: PolicyEvaluation };

/** PPO's exact clipped-surrogate step (see the module comment). */
export function ppo(options: PpoOptions): Update<PpoResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "ppo: must be an object { epsilon }", options);
  const { epsilon } = options;
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < Infinity)) {
    throw new ValidationError("epsilon", "ppo: must be a finite number > 0", epsilon);
  }
  const drift = clipDrift(epsilon);
  const states = options.states ?? "uniform";
  return {
    name: `ppo(epsilon=${epsilon})`,
    neighbourhood: "all policies",
    drift: `E_{a~pi_old}[ReLU((r - clip(r, 1±${epsilon})) A_old)], r = pi/pi_old`,
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): PpoResult {
      const p = prepareStep(mdp, policy, k, opts, "ppo");
      const r = mirrorStep(mdp, p.policy, { drift, neighbourhood: allPolicies(), beta: states, nu: states, evaluation: p.evaluation });
      return { ...r, evaluation: p.evaluation };
    },
  };
}
