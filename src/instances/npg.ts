/**
 * Natural policy gradient / policy mirror descent with softmax tabular
 * policies (Kakade 2001, "A Natural Policy Gradient"; Xiao 2022, "On the
 * Convergence Rates of Policy Gradient Methods") as Mirror Learning:
 * neighbourhood = all policies, drift = (1/eta_k) KL(pi(.|s) || pi_old(.|s)),
 *
 *   pi_new(.|s) = argmax_p eta_k E_{a~p}[Q_old(s,a)] - KL(p || pi_old(.|s))
 *              ∝ pi_old(.|s) exp(eta_k Q_old(s,.)),
 *
 * the same policy as with exp(eta_k A_old) (V_old(s) cancels in the
 * normaliser). Computed in log space (log-sum-exp), so probabilities never
 * underflow to 0: pass the previous step's `logPolicy` back (optimise does).
 * Step sizes: constant, or a schedule such as k => eta0 / gamma ** k (the
 * geometric schedule of Xiao 2022's linear convergence and of AMPO). Actions
 * outside pi_old's support stay at 0.
 */
import { mirrorStep, type MirrorStepResult } from "../mirror/step.js";
import { reverseKlDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import { type StateDistribution, checkStateDistribution } from "../mirror/distributions.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { ValidationError } from "../core/errors.js";
import {
  type PolicyEvaluation,
  type StepSize,
  type Update,
  type UpdateStepOptions,
  capStepSize,
  checkStepSize,
  maxAbs,
  prepareStep,
  stepSizeAt,
} from "./instance.js";

export interface NpgOptions {
  /** eta_k > 0: a number, or a function of the iteration index k. */
  stepSize: StepSize;
  /** beta = nu (default "uniform": every state updated). */
  states?: StateDistribution;
}

export type NpgResult = MirrorStepResult & {
  evaluation: PolicyEvaluation;
  logPolicy: Float64Array;
  /** The step size used (eta_k, capped so that eta_k max|A| <= 1e300). */
  stepSize: number;
};

/**
 * @internal The exponential step pi_old exp(eta A) / Z through mirrorStep's
 * reverse-KL solver, shared by npg and analytical.
 */
export function exponentialStep(
  mdp: TabularMdp,
  policy: Float64Array,
  eta: number,
  evaluation: PolicyEvaluation,
  logPolicy: Float64Array | undefined,
  states: StateDistribution,
): NpgResult {
  const used = capStepSize(eta, maxAbs(evaluation.advantage));
  const r = mirrorStep(mdp, policy, {
    drift: reverseKlDrift(used),
    neighbourhood: allPolicies(),
    beta: states,
    nu: states,
    evaluation,
    logPolicy,
  });
  return { ...r, logPolicy: r.logPolicy!, evaluation, stepSize: used };
}

/** NPG / policy mirror descent with the KL mirror map (see the module comment). */
export function npg(options: NpgOptions): Update<NpgResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "npg: must be an object { stepSize }", options);
  checkOptions("options", options, ["stepSize", "states"], "npg");
  const stepSize = checkStepSize("stepSize", options.stepSize, "npg");
  const states = checkStateDistribution("states", options.states, { prefix: "", factory: "npg" }) ?? "uniform";
  const label = typeof stepSize === "number" ? String(stepSize) : "schedule";
  return {
    name: `npg(stepSize=${label})`,
    neighbourhood: "all policies",
    drift: "(1/eta_k) KL(pi || pi_old)",
    logSpace: true,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): NpgResult {
      const p = prepareStep(mdp, policy, k, opts, "npg");
      const eta = stepSizeAt("stepSize", stepSize, p.k, "npg");
      return exponentialStep(p.mdp, p.policy, eta, p.evaluation, opts?.logPolicy, states);
    },
  };
}
