/**
 * The contract every exact tabular instance of Mirror Learning (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of
 * Policy Optimisation") fulfils:
 *
 *   pi_new = argmax_{pi in N(pi_old)} E_{s~beta}[ E_{a~pi}[A_old(s,a)] - nu(s)/beta(s) D_old(pi|s) ]
 *          = argmax_{pi in N(pi_old)} E_{s~beta} E_{a~pi}[A_old(s,a)] - E_{s~nu} D_old(pi|s).
 *
 * An `Update` is a plain object with a `name`, a description of its
 * neighbourhood N and drift D, and `step(mdp, policy, k)`, which returns the
 * next policy and diagnostics. Steps are stateless: what an instance carries
 * from one iteration to the next (log-probabilities, parameters) goes out in
 * the result and comes back through `options`, which is what `optimise` does.
 */
import { ValidationError } from "../core/errors.js";
import { evaluate, type EvaluateOptions } from "../evaluation/evaluate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { checkOptions, checkPolicy } from "../core/validate.js";

/** What a step needs from the exact evaluation of the old policy (`evaluate`'s result qualifies). */
export interface PolicyEvaluation {
  /** V_old[s]. */
  readonly V: Float64Array;
  /** Q_old[s*A + a]. */
  readonly Q: Float64Array;
  /** A_old[s*A + a] = Q - V. */
  readonly advantage: Float64Array;
  /** Discounted visitation d_old (sums to 1). */
  readonly d: Float64Array;
  /** eta(pi_old) = mu . V_old. */
  readonly eta: number;
}

/** Per-step inputs besides the MDP, the policy and the iteration index. */
export interface UpdateStepOptions {
  /** Evaluation of `policy` already computed (else the step calls `evaluate`). */
  evaluation?: PolicyEvaluation;
  /** log pi_old (S*A, -Infinity allowed), carried so log-space updates never underflow to 0; must match `policy` within 1e-9. */
  logPolicy?: Float64Array;
  /** Parameters of a parametrised policy (Q-NPG, log-linear AMPO), carried between steps. */
  theta?: Float64Array;
  /** Options for the evaluation when the step has to evaluate `policy` itself. */
  evaluate?: EvaluateOptions;
}

const STEP_OPTION_NAMES = ["evaluation", "logPolicy", "theta", "evaluate"] as const;

/** What every step returns; instances add their own diagnostics. */
export interface UpdateResult {
  /** pi_new[s*A + a]. */
  policy: Float64Array;
  /** log pi_new, for updates that work in log space. */
  logPolicy?: Float64Array;
  /** New parameters, for parametrised updates. */
  theta?: Float64Array;
  /** The evaluation of the old policy the step used. */
  evaluation: PolicyEvaluation;
}

/** One Mirror Learning instance. */
export interface Update<R extends UpdateResult = UpdateResult> {
  /** Readable name with parameters, e.g. "npg(stepSize=2)". */
  readonly name: string;
  /** The neighbourhood N(pi_old) in Mirror Learning terms. */
  readonly neighbourhood: string;
  /** The drift D_old(pi|s) in Mirror Learning terms. */
  readonly drift: string;
  /** True when the update works in log space and returns `logPolicy`. */
  readonly logSpace: boolean;
  /** One step from `policy` at iteration index k >= 0 (step-size schedules read k). */
  step(mdp: TabularMdp, policy: Float64Array, k?: number, options?: UpdateStepOptions): R;
}

/** A constant step size or a schedule k -> eta_k (e.g. `k => eta0 / gamma ** k`, Xiao 2022's geometric steps). */
export type StepSize = number | ((k: number) => number);

/** Checks a StepSize when the instance is built; a number must be finite and > 0. */
export function checkStepSize(field: string, stepSize: unknown, where: string): StepSize {
  if (typeof stepSize === "function") return stepSize as (k: number) => number;
  if (typeof stepSize !== "number" || !(stepSize > 0 && stepSize < Infinity)) {
    throw new ValidationError(field, `${where}: must be a finite number > 0 or a function k => step size`, stepSize);
  }
  return stepSize;
}

/** eta_k of a StepSize, checked: a schedule must return a finite number > 0. */
export function stepSizeAt(field: string, stepSize: StepSize, k: number, where: string): number {
  const eta = typeof stepSize === "function" ? stepSize(k) : stepSize;
  if (typeof eta !== "number" || !(eta > 0 && eta < Infinity)) {
    throw new ValidationError(field, `${where}: the step size must be a finite number > 0`, eta, { iteration: k });
  }
  return eta;
}

/** Checks the iteration index (an integer >= 0; default 0). */
export function checkIteration(k: unknown, where: string): number {
  if (k === undefined) return 0;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0) {
    throw new ValidationError("k", `${where}: the iteration index must be an integer >= 0`, k);
  }
  return k;
}

/** Checks the MDP is usable (not disposed) and returns it. */
export function checkMdp(mdp: unknown, where: string): TabularMdp {
  const m = mdp as TabularMdp | null;
  if (m === null || typeof m !== "object" || !Number.isInteger(m.S) || !Number.isInteger(m.A) || typeof m.gamma !== "number") {
    throw new ValidationError("mdp", `${where}: must be a TabularMdp`, m === null ? null : typeof m);
  }
  void m.blocks; // throws a clear error after dispose()
  return m;
}

/**
 * The common preamble of a step: checks the MDP, the policy (a Float64Array
 * policy of S*A), the iteration index and the given evaluation's shapes, and
 * evaluates the policy exactly when no evaluation is given.
 */
export function prepareStep(
  mdp: TabularMdp,
  policy: Float64Array,
  k: number | undefined,
  options: UpdateStepOptions | undefined,
  where: string,
): { mdp: TabularMdp; policy: Float64Array; k: number; evaluation: PolicyEvaluation } {
  checkMdp(mdp, where);
  const { S, A } = mdp;
  if (!(policy instanceof Float64Array)) throw new ValidationError("policy", `${where}: must be a Float64Array`, typeof policy);
  checkPolicy("policy", policy, S, A);
  const kk = checkIteration(k, where);
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new ValidationError("options", `${where}: must be an object`, options);
  }
  checkOptions("options", options, STEP_OPTION_NAMES, `${where}.step`);
  let evaluation = options?.evaluation;
  if (evaluation === undefined) evaluation = evaluate(mdp, policy, options?.evaluate);
  else checkEvaluation(evaluation, S, A, where);
  return { mdp, policy, k: kk, evaluation };
}

function checkEvaluation(e: PolicyEvaluation, S: number, A: number, where: string): void {
  if (e === null || typeof e !== "object") throw new ValidationError("evaluation", `${where}: must be an evaluation of the policy`, e);
  const sized: [keyof PolicyEvaluation, number][] = [["V", S], ["Q", S * A], ["advantage", S * A], ["d", S]];
  for (const [field, n] of sized) {
    const x = e[field] as unknown;
    if (!(x instanceof Float64Array) || x.length !== n) {
      throw new ValidationError(`evaluation.${field}`, `${where}: must be a Float64Array of length ${n}`, x instanceof Float64Array ? x.length : typeof x);
    }
  }
  if (typeof e.eta !== "number" || !Number.isFinite(e.eta)) throw new ValidationError("evaluation.eta", `${where}: must be finite`, e.eta);
}

/** max_{s,a} |x[s*A + a]|. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/**
 * Caps a step size so that eta * max|A| stays at most 1e300: larger steps
 * would overflow the exponent to Infinity (and the normaliser to NaN), and the
 * update is greedy to machine precision long before (exp(-1e300) = 0).
 */
export function capStepSize(eta: number, scale: number): number {
  return scale > 0 ? Math.min(eta, 1e300 / scale) : eta;
}
