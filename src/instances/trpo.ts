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
 *
 * `direction: "reverse"` constrains E_{s~d_old} KL(pi(.|s) || pi_old(.|s))
 * instead (the other argument order, which the two orders agree with to
 * second order around pi_old): each state then takes the exponential update
 * p ∝ pi_old exp(A_old(s,.) / lambda), lambda from the same search
 * (meanKlBall(delta, { direction: "reverse" })).
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
  /** "forward" (default): KL(pi_old || pi); "reverse": KL(pi || pi_old). */
  direction?: "forward" | "reverse";
}

export type TrpoResult = MirrorStepResult & {
  evaluation: PolicyEvaluation;
  /** E_{s~d_old} KL(pi_old || pi_new) (reverse: KL(pi_new || pi_old)); = delta when the ball binds. */
  constraint: number;
  /** The Lagrange multiplier (0 when the ball does not bind). */
  multiplier: number;
};

/** TRPO's exact KL-constrained step (see the module comment). */
export function trpo(options: TrpoOptions): Update<TrpoResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "trpo: must be an object { delta }", options);
  checkOptions("options", options, ["delta", "direction"], "trpo");
  const { delta } = options;
  if (typeof delta !== "number" || !(delta > 0 && delta < Infinity)) {
    throw new ValidationError("delta", "trpo: must be a finite number > 0", delta);
  }
  const direction = options.direction ?? "forward";
  if (direction !== "forward" && direction !== "reverse") throw new ValidationError("direction", 'trpo: must be "forward" or "reverse"', direction);
  const reverse = direction === "reverse";
  const neighbourhood = reverse ? meanKlBall(delta, { weights: "visitation", direction }) : meanKlBall(delta, "visitation");
  return {
    name: reverse ? `trpo(delta=${delta}, reverse)` : `trpo(delta=${delta})`,
    neighbourhood: reverse ? `E_{s~d_old} KL(pi || pi_old) <= ${delta}` : `E_{s~d_old} KL(pi_old || pi) <= ${delta}`,
    drift: "zero",
    logSpace: reverse,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): TrpoResult {
      const p = prepareStep(mdp, policy, k, opts, "trpo");
      const r = mirrorStep(mdp, p.policy, {
        drift: zeroDrift(),
        neighbourhood,
        beta: "visitation",
        nu: "visitation",
        evaluation: p.evaluation,
        ...(reverse && opts?.logPolicy !== undefined ? { logPolicy: opts.logPolicy } : {}),
      });
      return { ...r, evaluation: p.evaluation, constraint: r.constraint ?? 0, multiplier: r.multiplier ?? 0 };
    },
  };
}
