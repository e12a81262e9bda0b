/**
 * The Mirror Learning step (Kuba, Schroeder de Witt & Foerster 2022, "Mirror
 * Learning: A Unifying Framework of Policy Optimisation"), solved exactly on a
 * tabular MDP:
 *
 *   pi_new = argmax_{pi in N(pi_old)} E_{s~beta}[ E_{a~pi}[A_old(s,a)] - nu(s)/beta(s) D_old(pi|s) ]
 *          = argmax_{pi in N(pi_old)} E_{s~beta} E_{a~pi}[A_old(s,a)] - E_{s~nu} D_old(pi|s),
 *
 * beta the sampling distribution, nu the drift distribution (the drift is
 * measured under nu), both d_old by default.
 *
 * Per-state decomposition. Written out, J(pi) = sum_s beta(s) <pi_s, A_s> - sum_s nu(s) D_old(pi_s | s).
 * With N = all policies it separates: in a state with beta(s) > 0, divide by
 * beta(s) to get
 *   max_{p in simplex} <p, A_s> - w(s) D_old(p | s),   w(s) = nu(s) / beta(s),
 * the weight of the drift against the advantage (w = 1 everywhere when
 * beta = nu, as by default). Edge cases, read as the objective says:
 *   - beta(s) = 0 < nu(s): the state's surrogate term vanishes but its drift
 *     does not, so the maximisers are the drift's minimisers, which always
 *     include pi_old (D_old(pi_old) = 0) and are only pi_old for drifts that
 *     vanish only there (KL, TV, L2); we keep pi_old (also the smallest move
 *     for the clip and zero drifts, whose minimisers are more).
 *   - beta(s) = nu(s) = 0: the state does not enter J; we keep pi_old.
 *   - nu(s) = 0 < beta(s): w(s) = 0, the drift does not count in that state
 *     and the step there is the zero drift's (greedy over all policies; the
 *     drift-free step of a ball).
 *   - w(s) overflowing to +Infinity (beta(s) below ~1e-308 nu(s)): read as the
 *     limit w -> inf, the best p with D_old(p|s) = 0: pi_old for the KL, TV and
 *     L2 drifts, the greedy policy for the zero drift, the hard-clipped step
 *     for the clip drift; the generic solver keeps pi_old.
 * The balls and the mixture segment couple states; their solvers use the same
 * per-state weights. With nu = "max" (a drift distribution that depends on
 * the candidate: E_{s~nu} D = max_s D_old(pi|s), TRL's KL_max) the drift term
 * is the largest per-state drift and the step is solved by a search on its
 * level (max-drift.ts, all policies only); the result's nu is the saddle-point
 * distribution nu*, under which the fixed-nu step gives the same policy.
 *
 * This file is the boundary: it checks the inputs, resolves the drift and the
 * neighbourhood to checked objects (drifts.ts, neighbourhoods.ts: object
 * literals and structured clones get the factories' checks), builds the
 * weights and dispatches to `neighbourhood.solve`, which uses the drift's own
 * solver hooks (drift.ts) or the generic solver (generic.ts).
 */
import { ValidationError } from "../core/errors.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { evaluate } from "../evaluation/evaluate.js";
import { checkArray, checkDistribution, checkNumber, checkOptions, checkPolicy, checkShape, kindOf } from "../core/validate.js";
import { checkMdp } from "../instances/instance.js";
import type { Drift, DriftSpec } from "./drift.js";
import { resolveDrift, zeroDrift } from "./drifts.js";
import { type Neighbourhood, type NeighbourhoodSpec, allPolicies, resolveNeighbourhood } from "./neighbourhoods.js";
import { type DriftDistribution, type StateDistribution, resolveDistribution } from "./distributions.js";
import { type StepContext, type StepSolution, objectiveParts, restoreKeptRows } from "./context.js";
import { maxDriftParts } from "./max-drift.js";
import type { GenericOptions } from "./generic.js";
import { logPolicyCheckUnchecked } from "./kernels/exp-update.js";

/** What the step needs from an evaluation of the old policy (`evaluate`'s result qualifies). */
export interface MirrorEvaluation {
  /** A_old[s*A + a] = Q - V. */
  readonly advantage: Float64Array;
  /** The old policy's discounted visitation d_old (sums to 1). */
  readonly d: Float64Array;
  readonly eta?: number;
  readonly V?: Float64Array;
  readonly Q?: Float64Array;
}

export interface MirrorStepOptions extends GenericOptions {
  /** The drift D (default zeroDrift()); an object literal or a structured clone is checked as its factory would. */
  drift?: Drift | DriftSpec;
  /** The neighbourhood N(pi_old) (default allPolicies()); literals and clones are checked likewise. */
  neighbourhood?: Neighbourhood | NeighbourhoodSpec;
  /** Sampling distribution beta (default "visitation": d_old). */
  beta?: StateDistribution;
  /**
   * Drift distribution nu (default "visitation": d_old), or "max": the
   * distribution that depends on the candidate and puts its mass on the
   * states of largest drift, E_{s~nu} D = max_s D_old(pi|s) (all policies
   * only; max-drift.ts).
   */
  nu?: DriftDistribution;
  /** The old policy's evaluation, if already computed (else `evaluate(mdp, policy)`). */
  evaluation?: MirrorEvaluation;
  /** log pi_old (S*A, -inf allowed), used by the log-space updates so probabilities never underflow to 0. */
  logPolicy?: Float64Array;
  /** "exact" (default): closed forms where they exist; "generic": mirror ascent for every state. */
  solver?: "exact" | "generic";
}

const OPTION_NAMES = ["drift", "neighbourhood", "beta", "nu", "evaluation", "logPolicy", "solver", "tolerance", "maxIterations"] as const;

export interface MirrorStepResult {
  /** pi_new[s*A + a]. */
  policy: Float64Array;
  /** log pi_new, returned by the log-space updates (reverse-KL drift). */
  logPolicy?: Float64Array;
  /** Surrogate gain E_{s~beta} E_{a~pi_new}[A_old(s,a)]. */
  surrogate: number;
  /** Drift penalty E_{s~nu}[D_old(pi_new|s)] (= E_{s~beta}[w(s) D_old(pi_new|s)]; max_s D_old(pi_new|s) with nu "max"). */
  drift: number;
  /** surrogate - drift: the maximised objective. */
  objective: number;
  /** The neighbourhood's constraint at pi_new (mean KL, max KL, max TV, alpha); absent for all policies. */
  constraint?: number;
  /**
   * Lagrange multiplier of a KL ball (the largest per-state one for maxKl; +inf when delta = 0).
   * With nu "max" and a KL drift (exact path): sum_s beta(s) m_s, the multiplier of
   * KL_max(pi_old, pi) <= r in the beta-weighted objective at the radius the step chose,
   * equal to the drift's coefficient C when r > 0.
   */
  multiplier?: number;
  /** Per-state multipliers of the max-KL ball (per-state objectives divided by beta(s)); with nu "max" and a KL drift, those of the chosen radius. */
  multipliers?: Float64Array;
  /** Mixing weight of the CPI segment. */
  alpha?: number;
  /** Which solver produced the step ("generic" when some state went through mirror ascent). */
  solver: "exact" | "generic";
  /** Generic solver: the largest per-state Frank-Wolfe gap left (an upper bound on the per-state suboptimality for convex drifts). */
  gap?: number;
  /**
   * w(s) = nu(s)/beta(s), the per-state drift weight against the surrogate
   * (1 where beta = nu); where beta(s) = 0: +Infinity if nu(s) > 0, 0 if not.
   */
  weights: Float64Array;
  beta: Float64Array;
  /** The drift distribution; with "max", the saddle-point nu* (the fixed-nu step under it gives the same policy). */
  nu: Float64Array;
  /** The old policy's evaluation used. */
  evaluation: MirrorEvaluation;
}

/** The old policy, its advantage and the state distributions: all a step needs, without the MDP. */
export interface MirrorProblem {
  readonly S: number;
  readonly A: number;
  /** pi_old[s*A + a]. */
  readonly policy: Float64Array;
  /** A_old[s*A + a]. */
  readonly advantage: Float64Array;
  /** d_old (sums to 1). */
  readonly visitation: Float64Array;
  /** The initial distribution mu (sums to 1). */
  readonly mu: Float64Array;
}

/**
 * One Mirror Learning step from `policy` on `mdp` (see the module comment for
 * the maths and the edge cases). Evaluates the old policy exactly unless
 * `options.evaluation` is given. Throws a ValidationError for bad input,
 * including unknown option names and drift or neighbourhood objects with bad
 * parameters.
 */
export function mirrorStep(mdp: TabularMdp, policy: Float64Array, options: MirrorStepOptions = {}): MirrorStepResult {
  checkOptions("options", options, OPTION_NAMES, "mirrorStep");
  checkMdp(mdp, "mirrorStep");
  const evaluation = options.evaluation ?? evaluate(mdp, policy);
  if (evaluation === null || typeof evaluation !== "object") {
    throw new ValidationError("evaluation", "must be an evaluation of the policy (evaluate's result)", kindOf(evaluation));
  }
  return mirrorUpdate(
    { S: mdp.S, A: mdp.A, policy, advantage: evaluation.advantage, visitation: evaluation.d, mu: mdp.mu.slice() },
    { ...options, evaluation },
  );
}

/**
 * The Mirror Learning step from an explicit problem (old policy, its advantage,
 * visitation and mu), for callers that evaluate policies themselves.
 */
export function mirrorUpdate(problem: MirrorProblem, options: MirrorStepOptions = {}): MirrorStepResult {
  checkOptions("options", options, OPTION_NAMES, "mirrorUpdate");
  if (problem === null || typeof problem !== "object") throw new ValidationError("problem", "must be an object", kindOf(problem));
  const { S, A } = checkShape(problem.S, problem.A);
  const pi = checkPolicy("policy", problem.policy, S, A);
  const { adv, maxAbs } = checkAdvantage(problem.advantage, S, A);
  const visitation = checkDistribution("visitation", problem.visitation, S) as Float64Array;
  const mu = checkDistribution("mu", problem.mu, S) as Float64Array;
  const drift = resolveDrift(options.drift ?? zeroDrift());
  const neighbourhood = resolveNeighbourhood(options.neighbourhood ?? allPolicies());
  const solver = options.solver ?? "exact";
  if (solver !== "exact" && solver !== "generic") throw new ValidationError("solver", 'must be "exact" or "generic"', solver);
  if (options.tolerance !== undefined) checkNumber("tolerance", options.tolerance, { lo: 0, openLo: true });
  if (options.maxIterations !== undefined && !(Number.isInteger(options.maxIterations) && options.maxIterations >= 1)) {
    throw new ValidationError("maxIterations", "must be an integer >= 1", options.maxIterations);
  }
  const logPi = options.logPolicy === undefined ? undefined : checkLogPolicyOf(options.logPolicy, pi, S, A);
  const beta = resolveDistribution("beta", options.beta, S, visitation, mu);
  // nu "max" depends on the candidate: the solvers see nu = beta (w = 1 where beta > 0) and return nu*.
  const nuMax = options.nu === "max";
  if (typeof options.nu === "string" && !nuMax && !["visitation", "mu", "uniform"].includes(options.nu)) {
    throw new ValidationError("nu", 'must be "visitation", "mu", "uniform", "max" or a Float64Array of length S', options.nu);
  }
  // The same spec twice (npg's "uniform" states) resolves to one array, as "visitation" always did.
  const nu =
    nuMax || (options.nu !== undefined && options.nu === options.beta) ? beta : resolveDistribution("nu", options.nu as StateDistribution | undefined, S, visitation, mu);
  const w = new Float64Array(S);
  const keep = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    if (beta[s] === 0) {
      keep[s] = 1;
      w[s] = nu[s] > 0 ? Infinity : 0;
    } else w[s] = nu[s] / beta[s];
  }
  const ctx: StepContext = {
    S,
    A,
    pi,
    logPi,
    adv,
    maxAbsAdv: maxAbs,
    beta,
    nu,
    w,
    keep,
    drift,
    generic: { tolerance: options.tolerance, maxIterations: options.maxIterations },
    forceGeneric: solver === "generic",
    visitation,
    mu,
  };
  let sol: StepSolution;
  if (nuMax) {
    if (!neighbourhood.solveMaxDrift) {
      throw new ValidationError("nu", '"max" (the drift distribution on the states of largest drift) is solved over allPolicies() only', neighbourhood.kind);
    }
    sol = neighbourhood.solveMaxDrift(ctx);
  } else sol = neighbourhood.solve(ctx);
  const used = sol.solver ?? "exact";
  if (neighbourhood.restoresKept && !sol.restored) restoreKeptRows(ctx, sol.policy, sol.logPolicy, used === "generic");
  const { surrogate, drift: driftTotal } = nuMax ? maxDriftParts(ctx, sol.policy, sol.klFromOld) : objectiveParts(ctx, sol.policy, sol.klFromOld);
  const nuOut = nuMax && sol.driftDistribution ? sol.driftDistribution : nu;
  const wOut = nuOut === nu ? w : weightsOf(beta, nuOut);
  const constraint = sol.constraint ?? (neighbourhood.constrains ? neighbourhood.measure(pi, sol.policy, S, A) : undefined);
  return {
    policy: sol.policy,
    logPolicy: sol.logPolicy,
    surrogate,
    drift: driftTotal,
    objective: surrogate - driftTotal,
    constraint,
    multiplier: sol.multiplier,
    multipliers: sol.multipliers,
    alpha: sol.alpha,
    solver: used,
    gap: sol.gap,
    weights: wOut,
    beta,
    nu: nuOut,
    evaluation: options.evaluation ?? { advantage: adv, d: visitation },
  };
}

/** w(s) = nu(s)/beta(s); where beta(s) = 0, +Infinity if nu(s) > 0 and 0 if not. */
function weightsOf(beta: Float64Array, nu: Float64Array): Float64Array {
  const w = new Float64Array(beta.length);
  for (let s = 0; s < beta.length; s++) w[s] = beta[s] === 0 ? (nu[s] > 0 ? Infinity : 0) : nu[s] / beta[s];
  return w;
}

/** An S*A Float64Array of finite numbers (checkTable's checks and messages) and its largest |entry|, in one pass. */
function checkAdvantage(x: unknown, S: number, A: number): { adv: Float64Array; maxAbs: number } {
  const t = checkArray("advantage", x, S * A, "S*A");
  let m = 0;
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (!Number.isFinite(v)) throw new ValidationError("advantage", "must be finite", v, { state: Math.floor(i / A), action: i % A });
    if (v > m) m = v;
    else if (-v > m) m = -v;
  }
  return { adv: t, maxAbs: m };
}

/**
 * checkLogPolicy plus |exp(log pi) - pi| <= 1e-9 entrywise: the exps in one
 * SIMD pass (the step's boundary cost at S*A ~ 10^6..10^7), the same checks
 * and messages as checkLogPolicy followed by the entrywise comparison.
 */
function checkLogPolicyOf(x: unknown, pi: Float64Array, S: number, A: number): Float64Array {
  const t = checkArray("logPolicy", x, S * A, "S*A");
  for (let i = 0; i < S * A; i++) {
    const v = t[i];
    if (!(v <= 0 && (Number.isFinite(v) || v === -Infinity))) {
      throw new ValidationError("logPolicy", "log-probability must be finite and <= 0, or -Infinity", v, { state: Math.floor(i / A), action: i % A });
    }
  }
  const { worst, badRow, badSum } = logPolicyCheckUnchecked(t, pi, S, A);
  if (badRow >= 0) throw new ValidationError("logPolicy", "exp of the row does not sum to 1", badSum, { state: badRow });
  if (!(worst <= 1e-9)) {
    for (let i = 0; i < S * A; i++) {
      if (!(Math.abs(Math.exp(t[i]) - pi[i]) <= 1e-9)) {
        throw new ValidationError("logPolicy", "does not match policy (|exp(log pi) - pi| > 1e-9)", t[i], { state: Math.floor(i / A), action: i % A });
      }
    }
  }
  return t;
}
