/**
 * Trust region policy optimisation, exact tabular step (Schulman et al. 2015,
 * "Trust Region Policy Optimization", eq. 12) as Mirror Learning (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of
 * Policy Optimisation"): drift = 0, neighbourhood = the
 * mean-KL ball under the old visitation,
 *
 *   pi_new = argmax_pi E_{s~d_old} E_{a~pi}[A_old(s,a)]
 *            subject to E_{s~d_old} KL(pi_old(.|s) || pi(.|s)) <= delta.
 *
 * Solved through the Lagrangian: for a multiplier lambda >= 0 each state with
 * d_old(s) > 0 takes the TRL dual step with coefficient lambda,
 * p(a) = lambda pi_old(a) / (c_s - A(a)) (c_s > max A normalises the row),
 * and lambda comes from a 1-D search until the constraint is tight to about
 * 1e-13 relative (mirrorStep's mean-KL solver); `constraint` and `multiplier` report both. States with
 * d_old(s) = 0 carry no weight in either the objective or the constraint and
 * keep pi_old. (With parameters, TRPO approximates this step by a natural
 * gradient, conjugate gradient and a line search; here it is exact.)
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { zeroDrift } from "../mirror/drifts.js";
import { meanKlBall } from "../mirror/neighbourhoods.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./instance.js";

export interface TrpoOptions {
  /** Radius delta > 0 of the mean-KL ball. */
  delta: number;
}

export type TrpoResult = MirrorStepResult & {
  evaluation: PolicyEvaluation;
  /** E_{s~d_old} KL(pi_old || pi_new) (= delta when the ball binds). */
  constraint: number;
  /** The Lagrange multiplier (0 when the ball does not bind). */
  multiplier: number;
};

/** TRPO's exact KL-constrained step (see the module comment). */
export function trpo(options: TrpoOptions): Update<TrpoResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "trpo: must be an object { delta }", options);
  checkOptions("options", options, ["delta"], "trpo");
  const { delta } = options;
  if (typeof delta !== "number" || !(delta > 0 && delta < Infinity)) {
    throw new ValidationError("delta", "trpo: must be a finite number > 0", delta);
  }
  const neighbourhood = meanKlBall(delta, "visitation");
  return {
    name: `trpo(delta=${delta})`,
    neighbourhood: `E_{s~d_old} KL(pi_old || pi) <= ${delta}`,
    drift: "zero",
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): TrpoResult {
      const p = prepareStep(mdp, policy, k, opts, "trpo");
      const r = mirrorStep(mdp, p.policy, {
        drift: zeroDrift(),
        neighbourhood,
        beta: "visitation",
        nu: "visitation",
        evaluation: p.evaluation,
      });
      return { ...r, evaluation: p.evaluation, constraint: r.constraint ?? 0, multiplier: r.multiplier ?? 0 };
    },
  };
}
