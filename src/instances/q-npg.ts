/**
 * Q-NPG with log-linear policies (Agarwal, Kakade, Lee & Mahajan 2021, "On the
 * Theory of Policy Gradient Methods: Optimality, Approximation, and
 * Distribution Shift"; Yuan, Du, Gower, Lazaric & Xiao 2023, "Linear
 * Convergence of Natural Policy Gradient Methods with Log-Linear Policies"):
 * pi_theta(a|s) ∝ exp(phi(s,a) . theta), and per iteration
 *
 *   w*_k     = argmin_w E_{s~d_k, a~pi_k}[(phi(s,a) . w - Q_k(s,a))^2]   (compatible function approximation),
 *   theta_k+1 = theta_k + eta_k w*_k,
 *
 * i.e. pi_{k+1}(.|s) = argmax_p eta_k E_{a~p}[phi(s,a) . w*_k] - KL(p || pi_k(.|s))
 *                    ∝ pi_k(.|s) exp(eta_k phi(s,.) . w*_k).
 * In Mirror Learning terms: the reverse-KL (NPG) step with Q_k replaced by its
 * projection phi . w*_k, so it is mirrorStep's exponential update on that
 * projection; with one-hot features (tabularFeatures) and a fit distribution
 * of full support it is exactly tabular NPG. w* comes from the weighted normal
 * equations (least-squares.ts: LU for small dim, Jacobi-preconditioned CG on
 * the sparse features above 2048; `ridge`, default 1e-12 relative).
 *
 * The default fit distribution d_k x pi_k (on-policy) carries no information
 * about actions pi_k has (nearly) abandoned or states d_k never reaches: there
 * the ridge sets the fitted values to about 0 and such actions cannot recover,
 * so with one-hot features a run can stall short of the optimum (FrozenLake).
 * An exploratory fit with full support on every state-action pair, e.g.
 * `fit: { states: "uniform", actions: "uniform" }`, makes one-hot Q-NPG
 * exactly tabular NPG in every state.
 *
 * The step needs only pi_k (and its log, carried in log space); `theta`, when
 * given, must be the parameters of pi_k (checked to 1e-9) and comes back as
 * theta + eta w*. With features that cannot represent Q_k the step is not an
 * exact Mirror Learning step and need not improve monotonically.
 */
import { ValidationError } from "../core/errors.js";
import { mirrorUpdate, type MirrorStepResult } from "../mirror/step.js";
import { reverseKlDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { type LinearFeatures, checkFeatures, featureLogits, logLinearPolicy } from "./features.js";
import { type FitDistribution, checkFitDistribution, fitWeights, weightedLeastSquares } from "./least-squares.js";
import { checkOptions } from "../core/validate.js";
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

export interface QNpgOptions {
  /** The feature map phi (linearFeatures, sparseFeatures, tabularFeatures, randomFeatures). */
  features: LinearFeatures;
  /** eta_k > 0: a number or a function of k. */
  stepSize: StepSize;
  /** Where the least squares weigh errors (default d_old x pi_old, Yuan et al. 2023's on-policy fit). */
  fit?: FitDistribution;
  /** Relative ridge of the normal equations (default 1e-12; 0 = none). */
  ridge?: number;
}

export type QNpgResult = Omit<MirrorStepResult, "evaluation"> & {
  evaluation: PolicyEvaluation;
  logPolicy: Float64Array;
  /** w*_k, the compatible least-squares weights. */
  w: Float64Array;
  /** Weighted mean squared error of phi . w* against Q_k (0 when Q_k is representable). */
  fitError: number;
  /** theta_k + eta_k w*_k, when theta_k was given. */
  theta?: Float64Array;
  /** The step size used (capped so that eta max|phi . w*| <= 1e300). */
  stepSize: number;
};

/** Checks theta has length dim and generates `policy` (to 1e-9). */
export function checkTheta(features: LinearFeatures, theta: unknown, policy: Float64Array, where: string): Float64Array {
  if (!(theta instanceof Float64Array) || theta.length !== features.dim) {
    throw new ValidationError("theta", `${where}: must be a Float64Array of length dim = ${features.dim}`, theta instanceof Float64Array ? theta.length : typeof theta);
  }
  const { policy: own } = logLinearPolicy(features, theta);
  for (let i = 0; i < own.length; i++) {
    if (!(Math.abs(own[i] - policy[i]) <= 1e-9)) {
      throw new ValidationError("theta", `${where}: softmax(phi . theta) does not match the policy (> 1e-9)`, own[i], {
        state: Math.floor(i / features.A),
        action: i % features.A,
      });
    }
  }
  return theta;
}

/** ", fit=states/actions" for a non-default fit distribution (for names). */
export function fitLabel(fit: FitDistribution | undefined): string {
  if (!fit) return "";
  const states = fit.states instanceof Float64Array ? "custom" : (fit.states ?? "visitation");
  return `, fit=${states}/${fit.actions ?? "policy"}`;
}

/** Q-NPG with log-linear policies (see the module comment). */
export function qNpg(options: QNpgOptions): Update<QNpgResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "qNpg: must be an object { features, stepSize }", options);
  checkOptions("options", options, ["features", "stepSize", "fit", "ridge"], "qNpg");
  const stepSize = checkStepSize("stepSize", options.stepSize, "qNpg");
  const { features } = options;
  const fit = checkFitDistribution(options.fit, "qNpg");
  checkFeatures(features, features?.S, features?.A, "qNpg");
  const ridge = options.ridge ?? 1e-12;
  if (typeof ridge !== "number" || !(ridge >= 0 && ridge < Infinity)) throw new ValidationError("ridge", "qNpg: must be a finite number >= 0", ridge);
  const label = typeof stepSize === "number" ? String(stepSize) : "schedule";
  return {
    name: `qNpg(dim=${features.dim}, stepSize=${label}${fitLabel(fit)})`,
    neighbourhood: "all policies (log-linear class)",
    drift: "(1/eta_k) KL(pi || pi_old), with Q_old projected on the features",
    logSpace: true,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): QNpgResult {
      const p = prepareStep(mdp, policy, k, opts, "qNpg");
      const { S, A } = p.mdp;
      checkFeatures(features, S, A, "qNpg");
      const theta = opts?.theta === undefined ? undefined : checkTheta(features, opts.theta, p.policy, "qNpg");
      const eta = stepSizeAt("stepSize", stepSize, p.k, "qNpg");
      const mu = p.mdp.mu.slice();
      const omega = fitWeights(fit, p.policy, p.evaluation.d, mu, S, A);
      const { w, error } = weightedLeastSquares(features, p.evaluation.Q, omega, ridge);
      const projected = featureLogits(features, w);
      const used = capStepSize(eta, maxAbs(projected));
      const r = mirrorUpdate(
        { S, A, policy: p.policy, advantage: projected, visitation: p.evaluation.d, mu },
        { drift: reverseKlDrift(used), neighbourhood: allPolicies(), beta: "uniform", nu: "uniform", logPolicy: opts?.logPolicy },
      );
      let thetaNew: Float64Array | undefined;
      if (theta) {
        thetaNew = new Float64Array(theta.length);
        for (let j = 0; j < theta.length; j++) thetaNew[j] = theta[j] + used * w[j];
      }
      return { ...r, logPolicy: r.logPolicy!, evaluation: p.evaluation, w, fitError: error, theta: thetaNew, stepSize: used };
    },
  };
}
