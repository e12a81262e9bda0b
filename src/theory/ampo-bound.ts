/**
 * AMPO's convergence with an inexact Step I (Alfano, Yuan & Rebeschini 2023,
 * "A Novel Framework for Policy Mirror Descent with General Parameterization
 * and Linear Convergence", the linear convergence theorem): with step sizes
 * growing like 1/gamma,
 *
 *   V* - V(pi_K) <= O((1-c)^K) + O(eps_approx),
 *   eps_approx >= E_{(s,a)~D_k}[ (f_{k+1}(s,a) - Q_k(s,a) - eta_k^{-1} (log pi_k(a|s) + 1))^2 ]   for every k,
 *
 * a linear convergence term plus an approximation-error term. This module
 * gives that bound in a form with every constant measured, for the KL mirror
 * map (pi_{k+1} = softmax(eta_k f_{k+1}), f_{k+1} the fit of Step I).
 *
 * Derivation (the argument of the NPG contraction, `npgContraction`, with
 * the fit error carried along). Write the Step I residual
 * e_k = f_{k+1} - Q_k - eta_k^{-1}(log pi_k + 1). Then
 * eta_k f_{k+1} = log pi_k + 1 + eta_k (Q_k + e_k), so Step II is the exact NPG
 * step on Q_k + e_k: pi_{k+1}(.|s) maximises eta_k <p, Q_k + e_k> - KL(p || pi_k(.|s)).
 * Let sp_k = max_s (max_a e_k(s,a) - min_a e_k(s,a)) (a per-state constant in
 * e_k changes nothing, and sp_k ignores it) and
 * eps_k = max_s log(1/pi_k(g_k(s)|s)) / eta_k, g_k(s) = argmax_a Q_k(s,a).
 *   (a) comparing with the greedy action: <pi_{k+1}, Q_k> >= max_a Q_k - sp_k - eps_k, i.e. T^{pi_{k+1}} V_k >= T V_k - sp_k - eps_k;
 *   (b) comparing with pi_k: <pi_{k+1}, Q_k> >= V_k - sp_k, so V_k - V_{k+1} <= sp_k / (1-gamma);
 *   (c) V* - V_{k+1} = (V* - T V_k) + (T V_k - T^{pi_{k+1}} V_k) + (T^{pi_{k+1}} V_k - T^{pi_{k+1}} V_{k+1})
 *       <= gamma ||V* - V_k|| + sp_k + eps_k + gamma sp_k / (1-gamma).
 * Hence, with Delta_k = ||V* - V_k||_inf,
 *
 *   Delta_{k+1} <= gamma Delta_k + eps_k + sp_k / (1-gamma),
 *   eta* - eta(pi_K) <= Delta_K <= gamma^K Delta_0 + sum_{k<K} gamma^{K-1-k} (eps_k + sp_k / (1-gamma)).
 *
 * With eta_k = eta_0 / gamma^k the eps terms sum to at most
 * K gamma^(K-1) max_k log(1/pi_k(g_k)) / eta_0, the linear term; the fit
 * errors contribute at most max_k sp_k / (1-gamma)^2, the approximation term.
 * In the paper's L2 measure: sp_k <= 2 ||e_k||_inf <= 2 sqrt(C_k eps_approx_k)
 * with the concentrability C_k = 1 / min_{s,a} D_k(s,a) (D_k normalised), so
 * the approximation term is at most 2 sqrt(C eps_approx) / (1-gamma)^2: the
 * squared error eps_approx enters through its square root (the slides' O(.)
 * hides that and the distribution-mismatch constant). `ampoGapBound` returns
 * both versions, `bound` (measured sp_k) and `boundL2` (eps_approx and C_k).
 */
import { ValidationError } from "../core/errors.js";
import { checkArray, checkGamma, checkNumber, checkOptions, checkPolicy, checkShape, checkTable } from "../core/validate.js";

/** The measured terms of one AMPO step (KL map). */
export interface AmpoStepTerms {
  /** eps_k = max_s log(1/pi_k(g_k(s)|s)) / eta_k, g_k(s) = argmax_a Q_k(s,a) (ties to the lowest index). */
  epsilon: number;
  /** sp_k = max_s (max_a e_k(s,a) - min_a e_k(s,a)), e_k the Step I residual. */
  span: number;
  /** max_{s,a} |e_k(s,a)|. */
  supError: number;
  /** eps_approx of the step: E_{(s,a)~D_k}[e_k(s,a)^2], D_k = weights / sum(weights) (0 without weights: a tabular fit). */
  epsApprox: number;
  /** C_k = 1 / min_{s,a} D_k(s,a) (+Infinity if a pair has weight 0; 1 without weights). */
  concentrability: number;
  /** e_k(s,a) = f_{k+1}(s,a) - Q_k(s,a) - (log pi_k(a|s) + 1) / eta_k. */
  residual: Float64Array;
}

/**
 * The terms of one AMPO step from pi_k (`policy`, and its exact `logPolicy`
 * when carried) with action values Q_k = `Q`, the fitted f_{k+1} = `f`, the
 * step eta_k = `eta` (the one Step II used: AmpoResult.stepSize) and the fit
 * weights D_k (S*A, as fitWeights gives them; omit for a tabular fit).
 */
export function ampoStepTerms(input: {
  Q: Float64Array;
  policy: Float64Array;
  logPolicy?: Float64Array;
  f: Float64Array;
  eta: number;
  weights?: Float64Array;
  S: number;
  A: number;
}): AmpoStepTerms {
  checkOptions("input", input, ["Q", "policy", "logPolicy", "f", "eta", "weights", "S", "A"], "ampoStepTerms", "field");
  const { Q, policy, logPolicy, f, eta, weights } = input;
  const { S, A } = checkShape(input.S, input.A);
  checkTable("Q", Q, S, A);
  checkPolicy("policy", policy, S, A);
  checkTable("f", f, S, A);
  if (logPolicy !== undefined) checkArray("logPolicy", logPolicy, S * A, "S*A");
  checkNumber("eta", eta, { lo: 0, openLo: true, hi: Infinity, openHi: true }, { function: "ampoStepTerms" });
  const n = S * A;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lp = logPolicy ? logPolicy[i] : Math.log(policy[i]);
    residual[i] = f[i] - Q[i] - (lp + 1) / eta;
  }
  let epsilon = 0;
  let span = 0;
  let supError = 0;
  for (let s = 0; s < S; s++) {
    let g = s * A;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s * A; i < s * A + A; i++) {
      if (Q[i] > Q[g]) g = i;
      lo = Math.min(lo, residual[i]);
      hi = Math.max(hi, residual[i]);
      supError = Math.max(supError, Math.abs(residual[i]));
    }
    span = Math.max(span, hi - lo);
    const lg = logPolicy ? logPolicy[g] : Math.log(policy[g]);
    epsilon = Math.max(epsilon, -lg / eta);
  }
  if (Number.isNaN(span)) span = Infinity;
  let epsApprox = 0;
  let concentrability = 1;
  if (weights !== undefined) {
    checkArray("weights", weights, n, "S*A");
    let total = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0 && w < Infinity)) throw new ValidationError("weights", "must be finite and >= 0", w, { state: Math.floor(i / A), action: i % A });
      total += w;
      min = Math.min(min, w);
    }
    if (!(total > 0)) throw new ValidationError("weights", "must not all be 0", total);
    for (let i = 0; i < n; i++) if (weights[i] > 0) epsApprox += (weights[i] / total) * residual[i] ** 2;
    concentrability = min > 0 ? total / min : Infinity;
  }
  return { epsilon, span, supError, epsApprox, concentrability, residual };
}

/** The bound on Delta_k = ||V* - V_k||_inf along a run, k = 0 .. K (see the module comment). */
export interface AmpoGapBound {
  /** B_0 = Delta_0, B_{k+1} = gamma B_k + eps_k + sp_k / (1-gamma). */
  bound: number[];
  /** The same with 2 sqrt(C_k eps_approx_k) >= sp_k in place of sp_k (the paper's L2 fit error; >= bound). */
  boundL2: number[];
  /** gamma^k Delta_0 + sum_{j<k} gamma^(k-1-j) eps_j: the linear convergence term alone. */
  linear: number[];
}

/**
 * Unrolls Delta_{k+1} <= gamma Delta_k + eps_k + sp_k / (1-gamma) from
 * `initialError` = ||V* - V_0||_inf over the measured `steps` (ampoStepTerms
 * of steps 0 .. K-1). eta* - eta(pi_k) <= Delta_k <= bound[k].
 */
export function ampoGapBound(input: {
  gamma: number;
  initialError: number;
  steps: readonly Pick<AmpoStepTerms, "epsilon" | "span" | "epsApprox" | "concentrability">[];
}): AmpoGapBound {
  checkOptions("input", input, ["gamma", "initialError", "steps"], "ampoGapBound", "field");
  const { gamma, initialError, steps } = input;
  checkGamma("gamma", gamma, { function: "ampoGapBound" });
  checkNumber("initialError", initialError, { lo: 0 }, { function: "ampoGapBound" });
  if (!Array.isArray(steps)) throw new ValidationError("steps", "ampoGapBound: must be an array of ampoStepTerms results", typeof steps);
  const bound = [initialError];
  const boundL2 = [initialError];
  const linear = [initialError];
  steps.forEach((t, k) => {
    if (t === null || typeof t !== "object") throw new ValidationError("steps", "ampoGapBound: each entry must be an ampoStepTerms result", t, { index: k });
    // sp_k <= 2 ||e_k||_inf <= 2 sqrt(C_k eps_approx_k); a pair of weight 0 leaves its error unmeasured (C_k infinite).
    const l2 = t.concentrability === Infinity ? Infinity : 2 * Math.sqrt(t.concentrability * t.epsApprox);
    bound.push(gamma * bound[k] + t.epsilon + t.span / (1 - gamma));
    boundL2.push(gamma * boundL2[k] + t.epsilon + l2 / (1 - gamma));
    linear.push(gamma * linear[k] + t.epsilon);
  });
  return { bound, boundL2, linear };
}
