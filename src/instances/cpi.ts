/**
 * Conservative policy iteration (Kakade & Langford 2002, "Approximately
 * Optimal Approximate Reinforcement Learning") as Mirror
 * Learning: drift = 0, neighbourhood = the mixture segment
 * {(1 - a) pi_old + a pi' : 0 <= a <= alpha}, pi' = greedy in A_old (ties to
 * the lowest index), beta = d_old:
 *
 *   pi_new = (1 - alpha) pi_old + alpha pi'   when Abar > 0 (else pi_old),
 *   Abar   = E_{s~d_old} E_{a~pi'}[A_old(s,a)] = E_{s~d_old} max_a A_old(s,a).
 *
 * The surrogate is linear in the weight, so the argmax over the segment is
 * its end alpha whenever Abar > 0. `alpha: "optimal"` takes Kakade & Langford's
 *   alpha* = Abar (1-gamma)^2 / (4 gamma),
 * which guarantees eta(pi_new) - eta(pi_old) >= Abar^2 (1-gamma) / (8 gamma)
 * for rewards in [0, 1]; for rewards spanning more than 1 both are divided by
 * the span (see theory/cpi-bound.ts; `rewardSpan` overrides it). alpha* is
 * clipped to [0, 1]. The result reports Abar, alpha and the guaranteed gain.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { zeroDrift } from "../mirror/drifts.js";
import { mixtureSegment } from "../mirror/neighbourhoods.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { cpiAdvantage, cpiBound, cpiOptimalAlpha, cpiRewardSpan } from "../theory/cpi-bound.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./instance.js";

export interface CpiOptions {
  /** Mixing weight in [0, 1], or "optimal" for Kakade & Langford's alpha*. */
  alpha: number | "optimal";
  /** Width of the reward range used by alpha* and the guarantee (default max(1, max R - min R)). */
  rewardSpan?: number;
}

export type CpiResult = MirrorStepResult & {
  evaluation: PolicyEvaluation;
  /** The mixing weight used (0 when Abar = 0). */
  alpha: number;
  /** Abar = E_{s~d_old} max_a A_old(s,a). */
  abar: number;
  /** The guaranteed improvement alpha/(1-gamma) (Abar - 2 alpha gamma span/(1-gamma)^2) (may be < 0 for a large fixed alpha). */
  guarantee: number;
  /** The reward span the guarantee used. */
  rewardSpan: number;
};

/** Conservative policy iteration (see the module comment). */
export function cpi(options: CpiOptions): Update<CpiResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "cpi: must be an object { alpha }", options);
  checkOptions("options", options, ["alpha", "rewardSpan"], "cpi");
  const { alpha } = options;
  if (alpha !== "optimal" && (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1))) {
    throw new ValidationError("alpha", 'cpi: must be a number in [0, 1] or "optimal"', alpha);
  }
  const spanOption = options.rewardSpan;
  if (spanOption !== undefined && (typeof spanOption !== "number" || !(spanOption > 0 && spanOption < Infinity))) {
    throw new ValidationError("rewardSpan", "cpi: must be a finite number > 0", spanOption);
  }
  return {
    name: `cpi(alpha=${alpha})`,
    neighbourhood: `{(1 - a) pi_old + a greedy(A_old) : 0 <= a <= ${alpha === "optimal" ? "alpha*" : alpha}}`,
    drift: "zero",
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): CpiResult {
      const p = prepareStep(mdp, policy, k, opts, "cpi");
      const { S, A, gamma } = p.mdp;
      const abar = cpiAdvantage(p.evaluation.advantage, p.evaluation.d, S, A);
      const rewardSpan = spanOption ?? cpiRewardSpan(p.mdp);
      const a = alpha === "optimal" ? cpiOptimalAlpha(Math.max(abar, 0), gamma, rewardSpan) : alpha;
      const r = mirrorStep(p.mdp, p.policy, {
        drift: zeroDrift(),
        neighbourhood: mixtureSegment(a),
        beta: "visitation",
        nu: "visitation",
        evaluation: p.evaluation,
      });
      const used = r.alpha ?? 0;
      const guarantee = cpiBound({ abar: Math.max(abar, 0), gamma, alpha: used, rewardSpan });
      return { ...r, evaluation: p.evaluation, alpha: used, abar, guarantee, rewardSpan };
    },
  };
}
