/**
 * The Drift contract of Mirror Learning (Kuba, Schroeder de Witt & Foerster
 * 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation",
 * the drift functional): a drift D_old(pi | s) >= 0 measures how far pi(.|s) moved
 * from pi_old(.|s), with D_old(pi_old | s) = 0 and zero derivative there. One
 * drift object serves both sides of the library:
 *
 *   - the exact tabular step (mirrorStep): its per-state `value` and
 *     `gradient` (enough for the generic mirror-ascent solver), and optional
 *     hooks with which a built-in drift solves the step in closed form
 *     (`solveAll`) or offers itself to a neighbourhood's solver as a KL or a
 *     squared-TV penalty (`klPenalty`, `reverseKlPenalty`, `tvPenalty`);
 *   - the sample-based losses: `sample`, its per-sample estimator (below), or
 *     `batch` for a drift with no unbiased single-sample form.
 *
 * Adding a drift: one file in src/mirror/drifts/ (its factory, class, solver
 * hooks and estimator; see drifts/forward-kl.ts for a model), its kind in
 * `DriftKind` below, and one line in the registry `DRIFTS` in
 * src/mirror/drifts.ts (which also re-exports the factory). Nothing in step.ts
 * or in the neighbourhoods names a drift.
 *
 * Layout: `piOld`, `pi` (and `adv`) are S*A tables read at offsets
 * s*A .. s*A+A-1, so one state of a full table or a length-A row with s = 0
 * both work. Gradients are those of the drift's natural extension off the
 * simplex (the generalised KL sum [q log(q/p) - q + p] rather than
 * sum q log(q/p)): equal on the simplex, with the same derivative along every
 * direction inside it, and exactly zero at pi = pi_old.
 */
import { ValidationError } from "../core/errors.js";
import type { StepContext, StepSolution } from "./context.js";

/** The built-in drifts, by the name of their closed form ("custom": user drifts, solved by mirror ascent). */
export type DriftKind = "zero" | "forwardKl" | "reverseKl" | "squaredTv" | "squaredL2" | "clip" | "custom";

/**
 * The per-sample estimator of a drift, the hook of the sample-based learners.
 *
 * Setting: a state s, one action a ~ pi_old(.|s), the candidate policy's
 * ratio r = pi(a|s) / pi_old(a|s) >= 0, the old advantage (estimate)
 * A = A_old(s, a), and pi_old(a|s) itself (`probOld`, which only the
 * squared-L2 estimator reads). Contract, for every built-in that has one:
 *
 *   E_{a ~ pi_old(.|s)}[ value(r_a, A(s,a), pi_old(a|s)) ] = D_old(pi | s)
 *
 * exactly (unbiased), for every pi whose support lies inside pi_old's (no
 * sample from pi_old sees mass that pi puts outside it; softmax policies
 * never do); `derivative` is d value / d r (a subgradient at kinks); and
 * value(1, A, p) = 0 = derivative(1, A, p), value >= 0. With a minibatch of
 * n pairs (s_i, a_i), s_i ~ beta, a_i ~ pi_old(.|s_i), the sample-based Mirror
 * Learning objective and its derivative in each ratio are
 *
 *   L = (1/n) sum_i [ r_i A_i - w_i value(r_i, A_i, p_i) ],   w_i = nu(s_i) / beta(s_i)  (1 on-policy, nu = beta),
 *   dL/dr_i = (A_i - w_i derivative(r_i, A_i, p_i)) / n,      and dr/dlog pi = r,
 *
 * the same objective the exact step maximises (E_{s~beta}[E_{a~pi} A - w D]).
 * Drifts without an unbiased single-sample form leave `sample` undefined:
 * the squared TV drift C TV^2 = C (1/2 E_{a~pi_old}|r - 1|)^2 is the square of
 * a per-state expectation, with cross terms |r_a - 1| |r_b - 1| between
 * actions, while the mean of any function of one sample (r_a, A, pi_old(a)) is
 * a sum of per-action terms (squaring one sample's |r - 1|/2 is biased
 * upwards, by Jensen); it offers `batch` instead. The
 * squared-L2 drift C sum_a (pi - pi_old)^2 = C E_{a~pi_old}[pi_old(a) (r - 1)^2]
 * is a sum over actions, not a square of an expectation, and has one.
 */
export interface SampleEstimator {
  /** Always true for `sample`: E over a ~ pi_old equals D_old(pi | s) (see the contract). */
  readonly unbiased: true;
  /** The estimate for one sample (ratio r >= 0, advantage A, pi_old(a|s) in (0, 1]). */
  value(ratio: number, advantage: number, probOld: number): number;
  /** d value / d ratio at the same arguments. */
  derivative(ratio: number, advantage: number, probOld: number): number;
}

/**
 * An estimator from several samples of the same state, for drifts that have
 * no single-sample one: n >= 2 independent actions a_i ~ pi_old(.|s) of one
 * state s (e.g. several actions tried from one state of a simulator), with
 * their ratios, advantages and old probabilities. `value` is unbiased for
 * D_old(pi | s) under the same support condition as SampleEstimator;
 * `gradient` writes d value / d r_i into out[i].
 */
export interface BatchEstimator {
  readonly unbiased: true;
  /** The smallest number of samples of one state the estimator needs. */
  readonly minSamples: number;
  value(ratios: ArrayLike<number>, advantages: ArrayLike<number>, probsOld: ArrayLike<number>): number;
  gradient(ratios: ArrayLike<number>, advantages: ArrayLike<number>, probsOld: ArrayLike<number>, out: Float64Array): void;
}

export interface Drift {
  /** A readable name with parameters, e.g. "forwardKl(C=2)". */
  readonly name: string;
  readonly kind: DriftKind;
  /**
   * The drift's scale: C for forwardKl / squaredTv / squaredL2, 1/eta for
   * reverseKl, the weight of the clip penalty for clip (1 by default), 0 for
   * zero, 1 for custom drifts. A drift with coefficient 0 is identically zero
   * (the solvers rely on it).
   */
  readonly coefficient: number;
  /** Clip range of the clip drift. */
  readonly epsilon?: number;
  /** Whether value/gradient read the old advantage (the clip drift does). */
  readonly needsAdvantage: boolean;
  /** D_old(pi | s) >= 0 for state s (rows at s*A); may be +Infinity. */
  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, adv?: ArrayLike<number>): number;
  /** Writes dD/dpi(a|s) into out[s*A + a] for a in [0, A) (a subgradient where D has kinks). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array, adv?: ArrayLike<number>): void;

  /** The per-sample estimator in the ratio (see SampleEstimator); undefined when there is no unbiased one. */
  readonly sample?: SampleEstimator;
  /** A several-samples-per-state estimator, for drifts without `sample` (see BatchEstimator). */
  readonly batch?: BatchEstimator;
  /**
   * `sample` in log-probabilities, computed without cancellation: for a ~ pi_old(.|s),
   * given log pi_old(a|s), log pi(a|s) and A(s,a), a number whose expectation
   * over a ~ pi_old is D_old(pi | s).
   */
  sampleEstimate?(logProbOld: number, logProbNew: number, advantage: number): number;
  /** Derivative of sampleEstimate in logProbNew (= r times `sample.derivative`). */
  sampleGradient?(logProbOld: number, logProbNew: number, advantage: number): number;

  /**
   * True when D_old(p | s) = 0 only at p = pi_old (KL, TV, L2; not the clip
   * drift, which is zero on a neighbourhood of pi_old): then an infinite
   * weight keeps pi_old exactly.
   */
  readonly vanishesOnlyAtOld?: boolean;
  /**
   * Exact step over all policies: per state with beta(s) > 0,
   * argmax_p <p, A_s> - w(s) D_old(p | s) (the drift's closed form, through
   * its kernel in src/mirror/kernels/). Kept states (beta(s) = 0) may hold
   * anything unless the solution says `restored`; step.ts restores them.
   * Absent: the generic solver runs.
   */
  solveAll?(ctx: StepContext): StepSolution;
  /**
   * The drift as a KL(pi_old || p) penalty: c(s) with w(s) D_old(p | s) = c(s) KL(pi_old(.|s) || p)
   * for every p (+Infinity in kept states), so that the KL balls merge it into
   * the trust-region dual. Absent: the balls use the generic solver.
   */
  klPenalty?(ctx: StepContext): Float64Array;
  /**
   * The drift as a KL(p || pi_old) penalty (the reverse direction): c(s) with
   * w(s) D_old(p | s) = c(s) KL(p || pi_old(.|s)) for every p (+Infinity in
   * kept states), for the reverse mean-KL ball's exact solver (the zero and
   * reverse-KL drifts). Absent: that ball uses the generic solver.
   */
  reverseKlPenalty?(ctx: StepContext): Float64Array;
  /** The drift as c(s) TV(p, pi_old(.|s))^2, for the TV ball's exact solver. Absent: the TV ball rejects the drift. */
  tvPenalty?(ctx: StepContext): Float64Array;
  /**
   * D_old(p | s) for every state at once (e.g. in one SIMD pass), for the
   * objective; `klFromOld` is KL(p_s || pi_old,s) when a solver has it. Absent:
   * `value` is called per state.
   */
  stateValues?(ctx: StepContext, p: Float64Array, klFromOld?: Float64Array): Float64Array;
}

/**
 * The plain fields of a drift, as a structured clone or an object literal
 * keeps them: `mirrorStep` rebuilds the built-in drift of that kind from
 * them after the checks its factory makes (`coefficient`, and `epsilon` for
 * the clip drift); a custom drift needs its functions.
 */
export interface DriftSpec {
  readonly kind: DriftKind;
  readonly coefficient?: number;
  readonly epsilon?: number;
  readonly name?: string;
  readonly needsAdvantage?: boolean;
  readonly value?: Drift["value"];
  readonly gradient?: Drift["gradient"];
  readonly sample?: SampleEstimator;
  readonly batch?: BatchEstimator;
  readonly sampleEstimate?: NonNullable<Drift["sampleEstimate"]>;
  readonly sampleGradient?: NonNullable<Drift["sampleGradient"]>;
}

/** Where a drift parameter is checked: a factory (`{ function: "forwardKlDrift" }`) or a field of mirrorStep's options ("drift."). */
export interface ParameterSite {
  /** Prefix of the field name in messages: "" in a factory, "drift." for an object given to mirrorStep. */
  readonly prefix: string;
  /** The factory's name, appended to messages as the location. */
  readonly factory?: string;
}

/** Defines a non-enumerable own property (a structured clone leaves it out, as it does methods). */
export function hidden<T extends object>(target: T, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: false, configurable: false });
}

/** The factory's name as a message location (`at function forwardKlDrift`), none for a spec. */
export function siteOf(site: ParameterSite): { function: string } | undefined {
  return site.factory ? { function: site.factory } : undefined;
}

/** A drift scale: a finite number >= 0 (C of the KL, TV and L2 drifts, the clip drift's scale). */
export function checkScale(field: string, C: unknown, site: ParameterSite): number {
  if (typeof C !== "number" || !(C >= 0 && C < Infinity)) {
    throw new ValidationError(site.prefix + field, "must be a finite number >= 0", C, siteOf(site));
  }
  return C;
}

/** The old advantage, which the clip drift's value and gradient need. */
export function needAdvantage(adv: ArrayLike<number> | undefined, name: string): ArrayLike<number> {
  if (!adv) throw new ValidationError("advantage", `the ${name} drift needs the old advantage`, adv);
  return adv;
}
