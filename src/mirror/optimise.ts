/**
 * The Mirror Learning loop (Kuba, Schroeder de Witt & Foerster 2022, "Mirror
 * Learning: A Unifying Framework of Policy Optimisation"):
 * pi_{k+1} = update.step(mdp, pi_k, k),
 * with every policy evaluated exactly, and a history of
 *
 *   eta[k]         = eta(pi_k) = mu . V_{pi_k},                  k = 0 .. n   (pi_0 = the start policy)
 *   gap[k]         = eta* - eta[k],  eta* from policy iteration,  k = 0 .. n
 *   kl[k]          = E_{s~d_{pi_k}} KL(pi_k(.|s) || pi_{k+1}(.|s)),  k = 0 .. n-1  (+Infinity when pi_{k+1} leaves pi_k's support)
 *   improvement[k] = eta[k+1] - eta[k],                           k = 0 .. n-1
 *   time[k]        = milliseconds of step k + the evaluation of pi_{k+1},  k = 0 .. n-1
 *
 * n = `iterations` exactly, unless the loop stops early: when a `tolerance`
 * is given and gap[k] <= tolerance (checked for the start policy too, so n may
 * be 0), or when `onIteration` returns false. Always eta and gap have n + 1
 * entries and the others n (`iterations` in the result is n). The gap
 * can be slightly negative (~1e-15 relative) from rounding of the two exact
 * evaluations. One evaluation per iteration: the evaluation of pi_{k+1} is
 * passed to step k + 1. What a step returns for the next one is carried:
 * `logPolicy` (log-space updates, so probabilities never underflow to 0) and
 * `theta` (parametrised updates).
 */
import { ValidationError } from "../core/errors.js";
import { evaluate, type EvaluateOptions, type Evaluation } from "../evaluation/evaluate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { uniformPolicy } from "../policy/policy.js";
import { checkPolicy } from "../core/validate.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { type Update, type UpdateResult, checkMdp } from "../instances/instance.js";
import { checkLogPolicy, checkOptions, kindOf } from "../core/validate.js";
import { perStateKlUnchecked } from "./kernels/kl.js";

export interface OptimiseOptions {
  /** Maximum number of steps (default 100; 0 evaluates the start policy only). */
  iterations?: number;
  /** Stop once eta* - eta <= tolerance (default: no tolerance, run all `iterations`; 0 stops at the optimum). */
  tolerance?: number;
  /** Start policy (default uniform). */
  policy?: Float64Array;
  /** log of the start policy, for log-space updates (default log(policy)). */
  logPolicy?: Float64Array;
  /** Parameters of the start policy, for parametrised updates (e.g. zeros for the uniform log-linear policy). */
  theta?: Float64Array;
  /** eta* if known (default: policy iteration's optimum on this MDP). */
  optimum?: number;
  /** Options of every exact evaluation (solver, tolerance). */
  evaluate?: EvaluateOptions;
  /** Called after every step; returning false stops the loop after it. */
  onIteration?: (info: IterationInfo) => boolean | void;
}

const OPTION_NAMES = ["iterations", "tolerance", "policy", "logPolicy", "theta", "optimum", "evaluate", "onIteration"] as const;

/** What `onIteration` sees after step k. */
export interface IterationInfo {
  /** The step index k (pi_{k+1} was just produced). */
  k: number;
  /** pi_{k+1}. */
  policy: Float64Array;
  /** eta(pi_{k+1}). */
  eta: number;
  /** eta* - eta(pi_{k+1}). */
  gap: number;
  /** E_{s~d_k} KL(pi_k || pi_{k+1}). */
  kl: number;
  /** eta(pi_{k+1}) - eta(pi_k). */
  improvement: number;
  /** The step's full result (diagnostics of the instance). */
  result: UpdateResult;
}

export interface OptimiseHistory {
  eta: number[];
  gap: number[];
  kl: number[];
  improvement: number[];
  time: number[];
}

export interface OptimiseResult {
  /** The last policy. */
  policy: Float64Array;
  /** Its log, when the update works in log space. */
  logPolicy?: Float64Array;
  /** Its parameters, for parametrised updates given a start theta. */
  theta?: Float64Array;
  /** The last policy's exact evaluation. */
  evaluation: Evaluation;
  history: OptimiseHistory;
  /** eta* used for the gaps. */
  optimum: number;
  /** Steps taken (history.eta.length - 1). */
  iterations: number;
  /** Why the loop ended. */
  stopped: "iterations" | "tolerance" | "callback";
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** Runs `update` from a start policy, evaluating every policy exactly (see the module comment). */
export function optimise(mdp: TabularMdp, update: Update, options: OptimiseOptions = {}): OptimiseResult {
  if (update === null || typeof update !== "object" || typeof update.step !== "function") {
    throw new ValidationError("update", "optimise: must be an Update (gpi(), npg({ stepSize }), ...)", update === null ? null : typeof update);
  }
  if (options === null || typeof options !== "object") throw new ValidationError("options", "optimise: must be an object", options);
  checkOptions("options", options, OPTION_NAMES, "optimise");
  const iterations = options.iterations ?? 100;
  if (typeof iterations !== "number" || !Number.isInteger(iterations) || iterations < 0) {
    throw new ValidationError("iterations", "optimise: must be an integer >= 0", iterations);
  }
  // No tolerance: exactly `iterations` steps (a run that reaches the optimum keeps stepping from it).
  const tolerance = options.tolerance;
  if (tolerance !== undefined && (typeof tolerance !== "number" || !(tolerance >= 0))) {
    throw new ValidationError("tolerance", "optimise: must be a number >= 0", tolerance);
  }
  const reached = (gap: number): boolean => tolerance !== undefined && gap <= tolerance;
  if (options.onIteration !== undefined && typeof options.onIteration !== "function") {
    throw new ValidationError("onIteration", "optimise: must be a function", typeof options.onIteration);
  }
  const { S, A } = checkMdp(mdp, "optimise");
  let policy: Float64Array = options.policy === undefined ? uniformPolicy(S, A) : checkPolicy("policy", options.policy, S, A).slice();
  let logPolicy: Float64Array | undefined = options.logPolicy === undefined ? undefined : checkLogPolicy("logPolicy", options.logPolicy, S, A).slice();
  let theta: Float64Array | undefined = options.theta === undefined ? undefined : checkTheta(options.theta).slice();
  const optimum = options.optimum ?? optimalEta(mdp);
  if (typeof optimum !== "number" || !Number.isFinite(optimum)) throw new ValidationError("optimum", "optimise: must be a finite number", optimum);

  let evaluation = evaluate(mdp, policy, options.evaluate);
  const history: OptimiseHistory = { eta: [evaluation.eta], gap: [optimum - evaluation.eta], kl: [], improvement: [], time: [] };
  let stopped: OptimiseResult["stopped"] = "iterations";
  if (reached(optimum - evaluation.eta)) stopped = "tolerance";
  for (let k = 0; k < iterations && stopped === "iterations"; k++) {
    const t0 = now();
    const result = update.step(mdp, policy, k, { evaluation, logPolicy, theta, evaluate: options.evaluate });
    if (result === null || typeof result !== "object") {
      throw new ValidationError("update.step", "optimise: must return { policy, ... }", result === null ? null : typeof result, { iteration: k });
    }
    // The previous V and d warm-start the iterative solvers (same accuracy test; about half
    // the iterations once the policies change slowly).
    const next = evaluate(mdp, result.policy, { ...options.evaluate, initialValues: evaluation.V, initialVisitation: evaluation.d });
    history.time.push(now() - t0);
    // Per-state KL(pi_k || pi_{k+1}) in one SIMD pass (the policies are checked: evaluate just took pi_{k+1}).
    const klStates = perStateKlUnchecked(policy, result.policy, S, A);
    let kl = 0;
    for (let s = 0; s < S; s++) if (evaluation.d[s] > 0) kl += evaluation.d[s] * klStates[s];
    const improvement = next.eta - evaluation.eta;
    const gap = optimum - next.eta;
    history.eta.push(next.eta);
    history.gap.push(gap);
    history.kl.push(kl);
    history.improvement.push(improvement);
    policy = result.policy;
    logPolicy = result.logPolicy;
    if (result.theta !== undefined) theta = result.theta;
    evaluation = next;
    if (reached(gap)) stopped = "tolerance";
    if (options.onIteration && options.onIteration({ k, policy, eta: next.eta, gap, kl, improvement, result }) === false) {
      if (stopped === "iterations") stopped = "callback";
    }
  }
  return {
    policy,
    logPolicy,
    theta,
    evaluation,
    history,
    optimum,
    iterations: history.eta.length - 1,
    stopped,
  };
}

/** A start theta: a Float64Array of finite numbers (its length is the update's to check). */
function checkTheta(theta: unknown): Float64Array {
  if (!(theta instanceof Float64Array)) throw new ValidationError("theta", "optimise: must be a Float64Array", kindOf(theta));
  for (let i = 0; i < theta.length; i++) {
    if (!Number.isFinite(theta[i])) throw new ValidationError("theta", "optimise: entries must be finite", theta[i], { index: i });
  }
  return theta;
}

/** eta* = mu . V* from policy iteration (exact evaluation). */
export function optimalEta(mdp: TabularMdp): number {
  const { V } = policyIteration(mdp);
  const mu = mdp.mu;
  let eta = 0;
  for (let s = 0; s < mdp.S; s++) eta += mu[s] * V[s];
  return eta;
}
