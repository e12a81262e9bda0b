/**
 * Approximate Mirror Policy Optimisation (AMPO; Alfano, Yuan & Rebeschini
 * 2023, "A Novel Framework for Policy Mirror Descent with General
 * Parameterization and Linear Convergence", Algorithm 1), exact on a tabular
 * MDP. With a mirror map h and step eta_k:
 *
 *   Step I   theta_{k+1} = argmin_theta E_{(s,a)~D_k}[(f_theta(s,a) - Q_k(s,a) - eta_k^{-1} grad h(pi_k(.|s))_a)^2],
 *   Step II  pi_{k+1}(.|s) = argmin_{p in simplex} D_h(p, grad h*(eta_k f_{theta_{k+1}}(s,.)))   (Bregman projection).
 *
 * KL map (h = sum p log p, grad h = log p + 1): Step II is softmax(eta_k f),
 * and with the exact tabular fit f = Q_k + eta_k^{-1}(log pi_k + 1) it is
 * pi_{k+1} ∝ pi_k exp(eta_k Q_k): NPG. Computed from f in log space (pass
 * `logPolicy` back, as optimise does). Tsallis map h_q (tsallis.ts): Step II
 * is the per-state projection with its normaliser found by bisection; the
 * tabular step maximises eta_k <Q_k, p> - D_q(p, pi_k), i.e. Mirror Learning
 * with the Bregman drift (1/eta_k) D_q(pi, pi_old) (tsallisDrift) and
 * neighbourhood all policies.
 *
 * Parametrisations: "tabular" (f_theta(s,a) = theta(s,a), fitted exactly in
 * every state-action pair, whatever D_k) or { features } (f_theta = phi . theta,
 * fitted by weighted least squares under D_k = d_k x pi_k by default, see
 * features.ts). With features the step is Mirror Learning only up to the fit
 * error (reported as `fitError`), so monotone improvement is not guaranteed.
 * KL with features needs finite log pi_k wherever D_k weighs (true for
 * softmax policies); the Tsallis map with q < 1 likewise needs pi_k > 0 there.
 */
import { ValidationError } from "../core/errors.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { expUpdateUnchecked, logOf } from "../mirror/kernels/exp-update.js";
import { type LinearFeatures, checkFeatures, featureLogits } from "./features.js";
import { type FitDistribution, checkFitDistribution, fitWeights, weightedLeastSquares } from "./least-squares.js";
import { checkOptions } from "../core/validate.js";
import { type TsallisMap, tsallisGradient, tsallisProjection } from "../mirror/kernels/tsallis.js";
import {
  type PolicyEvaluation,
  type StepSize,
  type Update,
  type UpdateResult,
  type UpdateStepOptions,
  capStepSize,
  checkStepSize,
  maxAbs,
  prepareStep,
  stepSizeAt,
} from "./instance.js";

export interface AmpoOptions {
  /** "kl" (negative entropy) or tsallis(q). */
  mirrorMap: "kl" | TsallisMap;
  /** eta_k > 0: a number or a function of k (e.g. k => eta0 / gamma ** k). */
  stepSize: StepSize;
  /** "tabular" (default) or { features } for log-linear f_theta = phi . theta. */
  parametrisation?: "tabular" | { features: LinearFeatures };
  /** D_k of Step I with features (default d_k x pi_k). */
  fit?: FitDistribution;
  /** Relative ridge of the least squares (default 1e-12). */
  ridge?: number;
}

export interface AmpoResult extends UpdateResult {
  evaluation: PolicyEvaluation;
  /** log pi_{k+1} (KL map only). */
  logPolicy?: Float64Array;
  /** f_{theta_{k+1}}(s,a) (S*A): the fitted target. */
  f: Float64Array;
  /** theta_{k+1} (features only; for "tabular" f is theta). */
  theta?: Float64Array;
  /** Weighted mean squared error of Step I (0 for "tabular"). */
  fitError: number;
  /** The step size used. */
  stepSize: number;
}

/** AMPO with the KL or a Tsallis mirror map (see the module comment). */
export function ampo(options: AmpoOptions): Update<AmpoResult> {
  if (options === null || typeof options !== "object") throw new ValidationError("options", "ampo: must be an object { mirrorMap, stepSize }", options);
  checkOptions("options", options, ["mirrorMap", "stepSize", "parametrisation", "fit", "ridge"], "ampo");
  const fitDistribution = checkFitDistribution(options.fit, "ampo");
  const map = options.mirrorMap;
  const isKl = map === "kl";
  if (!isKl && (map === null || typeof map !== "object" || map.kind !== "tsallis")) {
    throw new ValidationError("mirrorMap", 'ampo: must be "kl" or tsallis(q)', map);
  }
  const q = isKl ? 1 : (map as TsallisMap).q;
  const stepSize = checkStepSize("stepSize", options.stepSize, "ampo");
  const param = options.parametrisation ?? "tabular";
  let features: LinearFeatures | undefined;
  if (param !== "tabular") {
    if (param === null || typeof param !== "object") throw new ValidationError("parametrisation", 'ampo: must be "tabular" or { features }', param);
    checkOptions("parametrisation", param, ["features"], "ampo");
    features = checkFeatures(param.features, param.features?.S, param.features?.A, "ampo");
  }
  const ridge = options.ridge ?? 1e-12;
  if (typeof ridge !== "number" || !(ridge >= 0 && ridge < Infinity)) throw new ValidationError("ridge", "ampo: must be a finite number >= 0", ridge);
  const mapName = isKl ? "kl" : `tsallis(${q})`;
  const label = typeof stepSize === "number" ? String(stepSize) : "schedule";
  return {
    name: `ampo(${mapName}, ${features ? `features dim=${features.dim}` : "tabular"}, stepSize=${label})`,
    neighbourhood: features ? "all policies (log-linear class)" : "all policies",
    drift: isKl ? "(1/eta_k) KL(pi || pi_old)" : `(1/eta_k) D_q(pi, pi_old), Tsallis q = ${q}`,
    logSpace: isKl,
    step(mdp: TabularMdp, policy: Float64Array, k?: number, opts?: UpdateStepOptions): AmpoResult {
      const p = prepareStep(mdp, policy, k, opts, "ampo");
      const { S, A } = p.mdp;
      const n = S * A;
      const { Q, d } = p.evaluation;
      const eta = stepSizeAt("stepSize", stepSize, p.k, "ampo");
      // grad h(pi_k): log pi_k + 1 for KL (the carried log-policy when given), q pi^(q-1)/(q-1) for Tsallis.
      let gradH: Float64Array;
      let logPi: Float64Array | undefined;
      if (isKl) {
        logPi = opts?.logPolicy === undefined ? logOf(p.policy) : checkLogMatches(opts.logPolicy, p.policy, A);
        gradH = new Float64Array(n);
        for (let i = 0; i < n; i++) gradH[i] = logPi[i] + 1;
      } else gradH = tsallisGradient(q, p.policy);
      // Cap eta so eta Q stays finite; grad h(pi_k) enters eta f unscaled.
      const used = capStepSize(eta, maxAbs(Q));
      const target = new Float64Array(n);
      for (let i = 0; i < n; i++) target[i] = Q[i] + gradH[i] / used;
      let f: Float64Array;
      let theta: Float64Array | undefined;
      let fitError = 0;
      if (features) {
        checkFeatures(features, S, A, "ampo");
        const omega = fitWeights(fitDistribution, p.policy, d, p.mdp.mu.slice(), S, A);
        const fit = weightedLeastSquares(features, target, omega, ridge);
        theta = fit.w;
        fitError = fit.error;
        f = featureLogits(features, theta);
      } else f = target;
      if (logPi) {
        // Step II, softmax of y = eta f, by the log-space exponential-update kernel: with
        // features, y = eta (phi . theta) from a zero log-policy; tabular, y = eta Q + log pi_k + 1,
        // i.e. log pi_k + eta Q (the +1 cancels per state; eta (Q + grad h / eta) would round
        // grad h by eta's scale).
        const coef = new Float64Array(S).fill(used);
        const out = new Float64Array(n);
        const logPolicy = new Float64Array(n);
        if (features) expUpdateUnchecked(new Float64Array(n), f, coef, S, A, out, logPolicy);
        else expUpdateUnchecked(logPi, Q, coef, S, A, out, logPolicy);
        return { policy: out, logPolicy, evaluation: p.evaluation, f, theta, fitError, stepSize: used };
      }
      // Step II for Tsallis: the Bregman projection of y = eta f (tabular: eta Q + grad h(pi_k), formed directly).
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = features ? used * f[i] : used * Q[i] + gradH[i];
      const out = tsallisProjection(q, y, S, A);
      return { policy: out, evaluation: p.evaluation, f, theta, fitError, stepSize: used };
    },
  };
}

/** The carried log-policy must be a log of `policy` (to 1e-9, as mirrorStep requires). */
function checkLogMatches(logPolicy: unknown, policy: Float64Array, A: number): Float64Array {
  if (!(logPolicy instanceof Float64Array) || logPolicy.length !== policy.length) {
    throw new ValidationError("logPolicy", `ampo: must be a Float64Array of length S*A = ${policy.length}`, logPolicy instanceof Float64Array ? logPolicy.length : typeof logPolicy);
  }
  for (let i = 0; i < policy.length; i++) {
    const v = logPolicy[i];
    if (!(v <= 0 && (Number.isFinite(v) || v === -Infinity)) || !(Math.abs(Math.exp(v) - policy[i]) <= 1e-9)) {
      throw new ValidationError("logPolicy", "ampo: must be the log of the policy (finite <= 0 or -Infinity, within 1e-9)", v, {
        state: Math.floor(i / A),
        action: i % A,
      });
    }
  }
  return logPolicy;
}
