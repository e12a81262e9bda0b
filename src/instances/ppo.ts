/**
 * Proximal policy optimisation, exact tabular step (Schulman et al. 2017,
 * "Proximal Policy Optimization Algorithms", eq. 7) as Mirror Learning (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of
 * Policy Optimisation"): neighbourhood = all policies, drift
 * = the clip drift
 *
 *   D_old(pi|s) = E_{a~pi_old}[ ReLU( (r - clip(r, 1-eps, 1+eps)) A_old(s,a) ) ],  r = pi(a|s)/pi_old(a|s).
 *
 * Per state, E_{a~pi}[A_old] - D_old(pi|s) = E_{a~pi_old}[min(r A, clip(r, 1±eps) A)]:
 * PPO's clipped surrogate, concave and piecewise linear in pi(.|s); mirrorStep
 * maximises it exactly over the simplex by pouring the unit mass into slope
 * segments in decreasing order. The surrogate is flat past the clip edges, so
 * the maximiser need not be unique (with w = 1 every segment past a clip edge
 * has slope 0). The water-filling returns one of them, chosen so that the
 * iteration does not stall: a disfavoured action keeps its ratio at 1-eps
 * instead of dropping to 0, and an unused action with positive advantage can
 * still receive mass (assembly/mirror/clip.ts).
 *
 * Naming: lower-case factories (`ppo`, `trpo`, ...) are exact tabular Mirror
 * Learning instances run on a known MDP with `optimise`; the capitalised class
 * `PPO` is the agent trained from sampled environment steps, whose loss
 * estimates the same clip drift from samples.
 */
import { ValidationError } from "../core/errors.js";
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { clipDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import { type StateDistribution, checkStateDistribution } from "../mirror/distributions.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type PolicyEvaluation, type Update, type UpdateStepOptions, prepareStep } from "./instance.js";

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
  checkOptions("options", options, ["epsilon", "states"], "ppo");
  const { epsilon } = options;
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < Infinity)) {
    throw new ValidationError("epsilon", "ppo: must be a finite number > 0", epsilon);
  }
  const drift = clipDrift(epsilon);
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "ppo" }) ?? "uniform";
  return {
    name: `ppo(epsilon=${epsilon})`,
    neighbourhood: "all policies",
    drift: `E_{a~pi_old}[ReLU((r - clip(r, 1±${epsilon})) A_old)], r = pi/pi_old`,
    logSpace: false,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): PpoResult {
      const p = prepareStep(mdp, policy, k, opts, "ppo");
      const evaluation = { ...p.evaluation, advantage: centredAdvantage(p.evaluation.Q, p.policy, mdp.S, mdp.A) };
      const r = mirrorStep(mdp, p.policy, { drift, neighbourhood: allPolicies(), beta: states, nu: states, evaluation });
      return { ...r, evaluation: p.evaluation };
    },
  };
}

/**
 * A(s,a) = Q(s,a) - sum_b pi(b|s) Q(s,b): the advantage with V taken as E_pi[Q]
 * (equal to the evaluation's V up to its solver residual). The clip step needs
 * this: at a deterministic policy the chosen action's advantage is then exactly
 * 0, whereas a residual of +1e-12 there would be a positive slope that beats the
 * flat (slope 0) segment of a better unused action, and PPO would stall.
 */
function centredAdvantage(Q: Float64Array, pi: Float64Array, S: number, A: number): Float64Array {
  const adv = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let v = 0;
    for (let a = s * A; a < s * A + A; a++) if (pi[a] > 0) v += pi[a] * Q[a];
    for (let a = s * A; a < s * A + A; a++) adv[a] = Q[a] - v;
  }
  return adv;
}
