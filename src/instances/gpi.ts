/**
 * Generalised policy iteration as Mirror Learning (Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation"; Howard 1960, "Dynamic Programming and Markov Processes";
 * Puterman 1994, "Markov Decision Processes", Section 6.4): neighbourhood =
 * all policies, drift = 0, so
 *
 *   pi_new(.|s) = argmax_{p in simplex} E_{a~p}[Q_old(s,a)]   for every s,
 *
 * the greedy policy in Q_old (equivalently in A_old), ties to the lowest
 * action index. With beta = nu = uniform every state is updated, which makes
 * `optimise(mdp, gpi())` policy iteration.
 */
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { zeroDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import { type StateDistribution, checkStateDistribution } from "../mirror/distributions.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./instance.js";

export interface GpiOptions {
  /** beta = nu (default "uniform": every state updated; "visitation" keeps pi_old where d_old = 0). */
  states?: StateDistribution;
}

export type GpiResult = MirrorStepResult & { evaluation: PolicyEvaluation };

/** Generalised policy iteration: the greedy step (see the module comment). */
export function gpi(options: GpiOptions = {}): Update<GpiResult> {
  checkOptions("options", options, ["states"], "gpi");
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "gpi" }) ?? "uniform";
  return {
    name: "gpi",
    neighbourhood: "all policies",
    drift: "zero",
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): GpiResult {
      const p = prepareStep(mdp, policy, k, opts, "gpi");
      const r = mirrorStep(mdp, p.policy, {
        drift: zeroDrift(),
        neighbourhood: allPolicies(),
        beta: states,
        nu: states,
        evaluation: p.evaluation,
      });
      return { ...r, evaluation: p.evaluation };
    },
  };
}
