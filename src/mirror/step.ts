/**
 * The Mirror Learning step (Kuba, Schroeder de Witt, Foerster 2022, seed 000):
 *
 *   pi_new = argmax_{pi in N(pi_old)} E_{s~beta}[ E_{a~pi}[A_old(s,a)] - beta(s)/nu(s) D_old(pi|s) ],
 *
 * solved exactly on a tabular MDP.
 *
 * Per-state decomposition. Written out, the objective is
 *   J(pi) = sum_s beta(s) <pi_s, A_s> - sum_s beta(s)^2 / nu(s) D_old(pi_s | s).
 * With N = all policies it separates: in a state with beta(s) > 0, divide by
 * beta(s) to get
 *   max_{p in simplex} <p, A_s> - w(s) D_old(p | s),   w(s) = beta(s) / nu(s),
 * so w(s) is the weight of the drift against the advantage in state s (w = 1
 * everywhere with the default beta = nu = d_old). Edge cases:
 *   - beta(s) = 0: the state does not enter J, every p is a maximiser; we keep
 *     pi_old(.|s) (the smallest move).
 *   - nu(s) = 0 < beta(s): w(s) = +inf, read as the limit of the maximiser as
 *     w -> inf, i.e. the best p with D_old(p|s) = 0: pi_old for the KL, TV and L2
 *     drifts (zero only at pi_old), the greedy policy for the zero drift, the
 *     hard-clipped step for the clip drift; the generic solver keeps pi_old.
 * The balls and the mixture segment couple states; their solvers below use the
 * same per-state weights.
 *
 * Exact solvers, by neighbourhood and drift (any other pairing uses the generic
 * solver, generic.ts):
 *   all        zero -> greedy (ties lowest); forwardKl -> TRL dual; reverseKl ->
 *              log-space exponential update; squaredTv -> drain-the-worst;
 *              squaredL2 -> simplex projection; clip -> slope water-filling.
 *   meanKl     zero / forwardKl -> per-state TRL dual with penalty
 *              C w(s) + lambda weights(s)/beta(s), lambda by a 1-D search until
 *              the constraint is tight to 1e-13 relative.
 *   maxKl      zero / forwardKl -> per-state search (kernel mirrorKlBallSolve).
 *   tv         zero / squaredTv -> per-state drain-the-worst with budget delta
 *              (other drifts are rejected: no generic solver for this ball).
 *   mixture    zero -> alpha = alphaMax if the linear gain is positive, else 0;
 *              other drifts -> golden-section search on alpha (exact up to
 *              1e-12 in alpha when the objective is concave in alpha, as for
 *              every built-in drift), endpoints always compared.
 */
import { ValidationError } from "../core/errors.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { evaluate } from "../evaluation/evaluate.js";
import { kernels } from "../core/wasm.js";
import { f64Block, scratch } from "../core/arena.js";
import { checkArray, checkNumber, checkPolicy, checkTable, checkShape } from "../core/validate.js";
import { checkDistribution } from "../core/validate.js";
import { type Drift, zeroDrift } from "./drifts.js";
import { type Neighbourhood, allPolicies, neighbourhoodMeasure } from "./neighbourhoods.js";
import { type StateDistribution, resolveDistribution } from "./distributions.js";
import { type GenericOptions, checkedDriftValue, solveStateGeneric } from "./generic.js";
import { searchMultiplier } from "./search.js";
import { expStepUnchecked, logPolicyCheckUnchecked } from "./kernels/exp-update.js";
import { greedyStep } from "./kernels/greedy.js";
import { klBallRun, trlSolve } from "./kernels/trl.js";
import { tvSolve } from "./kernels/tv.js";
import { l2Solve } from "./kernels/l2.js";
import { clipSolve } from "./kernels/clip.js";
import { klRow } from "./kernels/kl.twin.js";
import { perStateKlUnchecked } from "./kernels/kl.js";

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
  /** The drift D (default zeroDrift()). */
  drift?: Drift;
  /** The neighbourhood N(pi_old) (default allPolicies()). */
  neighbourhood?: Neighbourhood;
  /** Sampling distribution beta (default "visitation": d_old). */
  beta?: StateDistribution;
  /** Drift distribution nu (default "visitation": d_old). */
  nu?: StateDistribution;
  /** The old policy's evaluation, if already computed (else `evaluate(mdp, policy)`). */
  evaluation?: MirrorEvaluation;
  /** log pi_old (S*A, -inf allowed), used by the log-space updates so probabilities never underflow to 0. */
  logPolicy?: Float64Array;
  /** "exact" (default): closed forms where they exist; "generic": mirror ascent for every state. */
  solver?: "exact" | "generic";
}

export interface MirrorStepResult {
  /** pi_new[s*A + a]. */
  policy: Float64Array;
  /** log pi_new, returned by the log-space updates (reverse-KL drift). */
  logPolicy?: Float64Array;
  /** Surrogate gain E_{s~beta} E_{a~pi_new}[A_old(s,a)]. */
  surrogate: number;
  /** Drift penalty E_{s~beta}[beta(s)/nu(s) D_old(pi_new|s)]. */
  drift: number;
  /** surrogate - drift: the maximised objective. */
  objective: number;
  /** The neighbourhood's constraint at pi_new (mean KL, max KL, max TV, alpha); absent for "all". */
  constraint?: number;
  /** Lagrange multiplier of a KL ball (the largest per-state one for maxKl; +inf when delta = 0). */
  multiplier?: number;
  /** Per-state multipliers of the max-KL ball (per-state objectives divided by beta(s)). */
  multipliers?: Float64Array;
  /** Mixing weight of the CPI segment. */
  alpha?: number;
  /** Which solver produced the step. */
  solver: "exact" | "generic";
  /** Generic solver: the largest per-state Frank-Wolfe gap left (an upper bound on the per-state suboptimality for convex drifts). */
  gap?: number;
  /** w(s) = beta(s)/nu(s), the per-state drift weight (+inf where nu = 0 < beta). */
  weights: Float64Array;
  beta: Float64Array;
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

interface Context {
  S: number;
  A: number;
  pi: Float64Array;
  logPi?: Float64Array;
  adv: Float64Array;
  beta: Float64Array;
  nu: Float64Array;
  w: Float64Array;
  keep: Uint8Array;
  drift: Drift;
  generic: GenericOptions;
}

interface Solution {
  policy: Float64Array;
  logPolicy?: Float64Array;
  /** Per-state KL(policy || pi_old), when the solver computed it (after restoring kept states). */
  klFromOld?: Float64Array;
  /** The solver restored kept states itself. */
  restored?: boolean;
  constraint?: number;
  multiplier?: number;
  multipliers?: Float64Array;
  alpha?: number;
  gap?: number;
}

/**
 * One Mirror Learning step from `policy` on `mdp` (see the module comment for
 * the maths and the solver of each neighbourhood and drift). Evaluates the old
 * policy exactly unless `options.evaluation` is given.
 */
export function mirrorStep(mdp: TabularMdp, policy: Float64Array, options: MirrorStepOptions = {}): MirrorStepResult {
  const evaluation = options.evaluation ?? evaluate(mdp, policy);
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
  if (problem === null || typeof problem !== "object") throw new ValidationError("problem", "must be an object", problem);
  const { S, A } = checkShape(problem.S, problem.A);
  const pi = checkPolicy("policy", problem.policy, S, A);
  const adv = checkTable("advantage", problem.advantage, S, A);
  checkDistribution("visitation", problem.visitation, S);
  checkDistribution("mu", problem.mu, S);
  const drift = options.drift ?? zeroDrift();
  if (drift === null || typeof drift !== "object" || typeof drift.value !== "function") {
    throw new ValidationError("drift", "must be a Drift (zeroDrift(), forwardKlDrift(C), ...)", drift);
  }
  const neighbourhood = options.neighbourhood ?? allPolicies();
  const solver = options.solver ?? "exact";
  if (solver !== "exact" && solver !== "generic") throw new ValidationError("solver", 'must be "exact" or "generic"', solver);
  if (options.tolerance !== undefined) checkNumber("tolerance", options.tolerance, { lo: 0, openLo: true });
  if (options.maxIterations !== undefined) checkNumber("maxIterations", options.maxIterations, { lo: 1 });
  const logPi = options.logPolicy === undefined ? undefined : checkLogPolicyOf(options.logPolicy, pi, S, A);
  const visitation = problem.visitation;
  const beta = resolveDistribution("beta", options.beta, S, visitation, problem.mu);
  // The same spec twice (npg's "uniform" states) resolves to one array, as "visitation" always did.
  const nu = options.nu !== undefined && options.nu === options.beta ? beta : resolveDistribution("nu", options.nu, S, visitation, problem.mu);
  const w = new Float64Array(S);
  const keep = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    if (beta[s] === 0) {
      keep[s] = 1;
      w[s] = 0;
    } else w[s] = nu[s] === 0 ? Infinity : beta[s] / nu[s];
  }
  const ctx: Context = {
    S,
    A,
    pi,
    logPi,
    adv,
    beta,
    nu,
    w,
    keep,
    drift,
    generic: { tolerance: options.tolerance, maxIterations: options.maxIterations },
  };
  const useGeneric = solver === "generic" || drift.kind === "custom";
  let sol: Solution;
  let weights: Float64Array | undefined;
  switch (neighbourhood.kind) {
    case "all":
      sol = useGeneric ? solveAllGeneric(ctx) : solveAllExact(ctx);
      break;
    case "meanKl":
      weights = resolveDistribution("neighbourhood.weights", neighbourhood.weights, S, visitation, problem.mu);
      sol = solveMeanKl(ctx, neighbourhood.delta, weights, useGeneric);
      break;
    case "maxKl":
      sol = solveMaxKl(ctx, neighbourhood.delta, useGeneric);
      break;
    case "tv":
      sol = solveTvBall(ctx, neighbourhood.delta, useGeneric);
      break;
    case "mixture":
      sol = solveMixture(ctx, neighbourhood.alphaMax, neighbourhood.target);
      break;
    default:
      throw new ValidationError("neighbourhood", "must be allPolicies(), meanKlBall(), maxKlBall(), tvBall() or mixtureSegment()", neighbourhood);
  }
  if (neighbourhood.kind !== "mixture" && !sol.restored) restoreKept(ctx, sol, useGeneric);
  const { surrogate, drift: driftTotal } = objectiveParts(ctx, sol.policy, sol.klFromOld);
  let constraint = sol.constraint;
  if (neighbourhood.kind !== "all" && constraint === undefined) {
    constraint = neighbourhoodMeasure(neighbourhood, pi, sol.policy, S, A, { weights });
  }
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
    solver: useGeneric ? "generic" : "exact",
    gap: sol.gap,
    weights: w,
    beta,
    nu,
    evaluation: options.evaluation ?? { advantage: adv, d: visitation },
  };
}

/**
 * checkLogPolicy plus |exp(log pi) - pi| <= 1e-9 entrywise: the exps in one
 * SIMD pass (the step's boundary cost at S*A ~ 10^6..10^7), the same checks
 * and messages as checkLogPolicy followed by the entrywise comparison.
 */
function checkLogPolicyOf(x: Float64Array, pi: Float64Array, S: number, A: number): Float64Array {
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

/**
 * States with beta(s) = 0 keep pi_old (and its log), and so do states with
 * nu(s) = 0 under a drift that vanishes only at pi_old (everything but the
 * zero and clip drifts): exactly, not up to the rounding of a solver.
 */
function restoreKept(ctx: Context, sol: Solution, useGeneric: boolean): void {
  restoreKeptRows(ctx, sol.policy, sol.logPolicy, useGeneric);
}

/** restoreKept on any pair of S*A tables (e.g. views of WebAssembly memory). */
function restoreKeptRows(ctx: Context, policy: Float64Array, logPolicy: Float64Array | undefined, useGeneric: boolean): void {
  const { S, A, pi, keep, drift } = ctx;
  // The generic solver keeps pi_old wherever the weight is infinite, the clip drift included.
  const onlyAtOld = drift.kind !== "zero" && drift.coefficient > 0 && (useGeneric || drift.kind !== "clip");
  for (let s = 0; s < S; s++) {
    if (!keep[s] && !(onlyAtOld && ctx.w[s] === Infinity)) continue;
    for (let a = s * A; a < s * A + A; a++) policy[a] = pi[a];
    if (logPolicy) for (let a = s * A; a < s * A + A; a++) logPolicy[a] = ctx.logPi ? ctx.logPi[a] : Math.log(pi[a]);
  }
}

/** w(s) times a drift scale, with 0 * inf = 0 (a zero drift stays zero) and +inf for kept states. */
function penalty(ctx: Context, s: number, scale: number): number {
  if (ctx.keep[s]) return Infinity;
  if (scale === 0) return 0;
  return ctx.w[s] * scale;
}

/**
 * surrogate = sum_s beta <p_s, A_s>; drift = sum_s beta w D_s (0 where D_s = 0, whatever w).
 * `klFromOld`: KL(p_s || pi_s) per state if the solver has it already (the reverse-KL step).
 */
export function objectiveParts(
  ctx: Pick<Context, "S" | "A" | "pi" | "adv" | "beta" | "w" | "drift">, p: Float64Array, klFromOld?: Float64Array,
): { surrogate: number; drift: number } {
  const { S, A, pi, adv, beta, w, drift } = ctx;
  let surrogate = 0;
  let total = 0;
  // The KL drifts' per-state values in one SIMD pass (no S*A JavaScript logs).
  const kl =
    drift.kind === "reverseKl"
      ? (klFromOld ?? perStateKlUnchecked(p, pi, S, A))
      : drift.kind === "forwardKl" && drift.coefficient !== 0
        ? perStateKlUnchecked(pi, p, S, A)
        : undefined;
  for (let s = 0; s < S; s++) {
    if (beta[s] === 0) continue;
    let g = 0;
    for (let a = s * A; a < s * A + A; a++) g += p[a] * adv[a];
    surrogate += beta[s] * g;
    if (drift.kind === "zero") continue;
    const D = kl ? drift.coefficient * kl[s] : checkedDriftValue(drift, drift.value(pi, p, s, A, adv), s);
    if (D !== 0) total += beta[s] * w[s] * D;
  }
  return { surrogate, drift: total };
}

function solveAllExact(ctx: Context): Solution {
  const { S, A, pi, adv, drift } = ctx;
  const coef = new Float64Array(S);
  switch (drift.kind) {
    case "zero":
      return { policy: greedyStep(adv, S, A) };
    case "forwardKl":
      for (let s = 0; s < S; s++) coef[s] = penalty(ctx, s, drift.coefficient);
      return { policy: trlSolve(pi, adv, coef, S, A) };
    case "squaredTv":
      for (let s = 0; s < S; s++) coef[s] = penalty(ctx, s, drift.coefficient);
      return { policy: tvSolve(pi, adv, coef, Infinity, S, A) };
    case "squaredL2":
      for (let s = 0; s < S; s++) coef[s] = penalty(ctx, s, drift.coefficient);
      return { policy: l2Solve(pi, adv, coef, S, A) };
    case "clip":
      for (let s = 0; s < S; s++) coef[s] = ctx.keep[s] || drift.coefficient === 0 ? 0 : ctx.w[s] * drift.coefficient;
      return { policy: clipSolve(pi, adv, coef, S, A, drift.epsilon!) };
    case "reverseKl": {
      // p ∝ pi_old exp(A / (w C)), C = 1/eta: coefficient eta / w(s) (0 keeps pi_old). Kept states
      // are restored and KL(p || pi_old) taken while the tables are still in WebAssembly memory.
      const fillCoef = (out: Float64Array): void => {
        for (let s = 0; s < S; s++) {
          const c = ctx.w[s] * drift.coefficient;
          out[s] = ctx.keep[s] || c === Infinity ? 0 : 1 / c;
        }
      };
      const r = expStepUnchecked(pi, ctx.logPi, adv, S, A, fillCoef, (o, lo) => restoreKeptRows(ctx, o, lo, false));
      return { policy: r.policy, logPolicy: r.logPolicy, klFromOld: r.kl, restored: true };
    }
    default:
      return solveAllGeneric(ctx);
  }
}

/** Runs the generic solver in every state with finite weight; `mu[s]` adds a KL(pi_old || p) penalty. */
function genericStates(ctx: Context, mu: (s: number) => number, out: Float64Array, states?: number[]): number {
  const { A, pi, adv, drift } = ctx;
  const row = new Float64Array(A);
  const arow = new Float64Array(A);
  const prow = new Float64Array(A);
  // The drift sees whole tables (its contract): pi_old everywhere but the state being solved.
  const frame = { s: 0, piOld: pi, adv, p: Float64Array.from(pi), grad: new Float64Array(ctx.S * A) };
  let gap = 0;
  for (const s of states ?? Array.from({ length: ctx.S }, (_, i) => i)) {
    const base = s * A;
    const weight = drift.kind === "zero" || drift.coefficient === 0 ? 0 : ctx.w[s];
    if (ctx.keep[s] || weight === Infinity) {
      for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
      continue;
    }
    row.set(pi.subarray(base, base + A));
    arow.set(adv.subarray(base, base + A));
    frame.s = s;
    const r = solveStateGeneric(row, arow, A, weight, mu(s), drift, prow, ctx.generic, frame);
    // Row s of the frame back to pi_old for the next state.
    frame.p.set(row, base);
    out.set(prow, base);
    gap = Math.max(gap, r.gap);
  }
  return gap;
}

function solveAllGeneric(ctx: Context): Solution {
  const policy = new Float64Array(ctx.S * ctx.A);
  const gap = genericStates(ctx, () => 0, policy);
  return { policy, gap };
}

/** Var_{a~pi_s}(A(s,a)) of one state. */
function advantageVariance(ctx: Context, s: number): number {
  const { A, pi, adv } = ctx;
  let mean = 0;
  for (let a = s * A; a < s * A + A; a++) mean += pi[a] * adv[a];
  let v = 0;
  for (let a = s * A; a < s * A + A; a++) v += pi[a] * (adv[a] - mean) ** 2;
  return v;
}

/**
 * A starting guess for a KL multiplier: for a large penalty lambda,
 * KL(pi || p) ~ Var_pi(A) / (2 lambda^2), so lambda ~ sqrt(sum_s w_s Var_s / (2 delta)).
 * Only a guess: the search brackets from it geometrically.
 */
function multiplierGuess(ctx: Context, delta: number, states: Iterable<number>, weight: (s: number) => number = () => 1): number {
  let total = 0;
  for (const s of states) total += weight(s) * advantageVariance(ctx, s);
  return Math.max(Math.sqrt(total / (2 * delta)), 1e-12);
}

const allStates = (S: number): number[] => Array.from({ length: S }, (_, s) => s);

/** max(0, x...) without spreading (S may be large). */
function maxOf(x: Float64Array): number {
  let m = 0;
  for (const v of x) if (v > m) m = v;
  return m;
}

function keepAll(ctx: Context): Solution {
  return { policy: ctx.pi.slice(), constraint: 0, multiplier: Infinity, logPolicy: ctx.logPi?.slice() };
}

function solveMeanKl(ctx: Context, delta: number, weights: Float64Array, useGeneric: boolean): Solution {
  const { S, A, pi, adv, drift, beta } = ctx;
  if (delta === 0) return keepAll(ctx);
  const exact = !useGeneric && (drift.kind === "zero" || drift.kind === "forwardKl");
  // Per state: max <p, A_s> - w C KL - (lambda weights(s) / beta(s)) KL, KL = KL(pi_old || p).
  const rho = new Float64Array(S);
  for (let s = 0; s < S; s++) rho[s] = ctx.keep[s] ? 0 : weights[s] / beta[s];
  const base = new Float64Array(S);
  for (let s = 0; s < S; s++) base[s] = drift.kind === "forwardKl" ? penalty(ctx, s, drift.coefficient) : ctx.keep[s] ? Infinity : 0;
  const guess = multiplierGuess(ctx, delta, allStates(S), (s) => weights[s]);
  const policy = new Float64Array(S * A);
  if (!exact) {
    let gap = 0;
    const K = (lambda: number): number => {
      gap = genericStates(ctx, (s) => lambda * rho[s], policy);
      let sum = 0;
      for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * klRow(pi, policy, s, A);
      return sum;
    };
    const multiplier = searchMultiplier(K, delta, guess, 1e-9);
    return { policy, multiplier, gap };
  }
  let constraint = 0;
  const multiplier = scratch((take) => {
    const k = kernels();
    const piB = take(f64Block(S * A, pi));
    const advB = take(f64Block(S * A, adv));
    const coefB = take(f64Block(S));
    const outB = take(f64Block(S * A));
    const klB = take(f64Block(S));
    const K = (lambda: number): number => {
      const c = coefB.view;
      for (let s = 0; s < S; s++) c[s] = rho[s] > 0 ? base[s] + lambda * rho[s] : base[s];
      k.mirrorTrlSolveSimd(piB.ptr, advB.ptr, coefB.ptr, S, A, outB.ptr);
      k.mirrorKlSimd(piB.ptr, outB.ptr, S, A, klB.ptr);
      const kl = klB.view;
      let sum = 0;
      for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * kl[s];
      constraint = sum;
      return sum;
    };
    const lambda = searchMultiplier(K, delta, guess);
    policy.set(outB.view);
    return lambda;
  });
  return { policy, multiplier, constraint };
}

function solveMaxKl(ctx: Context, delta: number, useGeneric: boolean): Solution {
  const { S, A, pi, adv, drift } = ctx;
  if (delta === 0) return keepAll(ctx);
  const exact = !useGeneric && (drift.kind === "zero" || drift.kind === "forwardKl");
  if (exact) {
    const base = new Float64Array(S);
    for (let s = 0; s < S; s++) base[s] = drift.kind === "forwardKl" ? penalty(ctx, s, drift.coefficient) : ctx.keep[s] ? Infinity : 0;
    const { policy, multipliers } = klBallRun(pi, adv, base, S, A, delta);
    return { policy, multipliers, multiplier: maxOf(multipliers) };
  }
  const policy = new Float64Array(S * A);
  const multipliers = new Float64Array(S);
  let gap = 0;
  for (let s = 0; s < S; s++) {
    let g = 0;
    const h = (mu: number): number => {
      g = genericStates(ctx, () => mu, policy, [s]);
      return klRow(pi, policy, s, A);
    };
    multipliers[s] = searchMultiplier(h, delta, multiplierGuess(ctx, delta, [s]), 1e-9);
    gap = Math.max(gap, g);
  }
  return { policy, multipliers, multiplier: maxOf(multipliers), gap };
}

function solveTvBall(ctx: Context, delta: number, useGeneric: boolean): Solution {
  const { S, A, pi, adv, drift } = ctx;
  if (useGeneric || (drift.kind !== "zero" && drift.kind !== "squaredTv")) {
    throw new ValidationError(
      "neighbourhood",
      "the TV ball is solved exactly with the zero and squared-TV drifts only (no generic solver for it)",
      `${drift.name}${useGeneric ? " (generic solver)" : ""}`,
    );
  }
  const coef = new Float64Array(S);
  for (let s = 0; s < S; s++) coef[s] = drift.kind === "squaredTv" ? penalty(ctx, s, drift.coefficient) : ctx.keep[s] ? Infinity : 0;
  return { policy: tvSolve(pi, adv, coef, delta, S, A) };
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

function solveMixture(ctx: Context, alphaMax: number, targetIn: Float64Array | undefined): Solution {
  const { S, A, pi, adv, drift } = ctx;
  const target = targetIn ? checkPolicy("neighbourhood.target", targetIn, S, A) : greedyStep(adv, S, A);
  const mix = (alpha: number, out: Float64Array): Float64Array => {
    for (let i = 0; i < S * A; i++) out[i] = alpha === 1 ? target[i] : (1 - alpha) * pi[i] + alpha * target[i];
    return out;
  };
  const buf = new Float64Array(S * A);
  const phi = (alpha: number): number => {
    const { surrogate, drift: d } = objectiveParts(ctx, mix(alpha, buf));
    return Number.isNaN(d) ? -Infinity : surrogate - d;
  };
  let alpha: number;
  if (drift.kind === "zero") {
    // J((1-alpha) pi + alpha pi') = J(pi) + alpha sum_s beta <pi'_s - pi_s, A_s>: linear in alpha.
    let gain = 0;
    for (let s = 0; s < S; s++) {
      if (ctx.beta[s] === 0) continue;
      let g = 0;
      for (let a = s * A; a < s * A + A; a++) g += (target[a] - pi[a]) * adv[a];
      gain += ctx.beta[s] * g;
    }
    alpha = gain > 0 ? alphaMax : 0;
  } else {
    let lo = 0;
    let hi = alphaMax;
    let x1 = hi - GOLDEN * (hi - lo);
    let x2 = lo + GOLDEN * (hi - lo);
    let f1 = phi(x1);
    let f2 = phi(x2);
    while (hi - lo > 1e-12 * Math.max(alphaMax, 1e-300)) {
      if (f1 >= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - GOLDEN * (hi - lo);
        f1 = phi(x1);
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + GOLDEN * (hi - lo);
        f2 = phi(x2);
      }
    }
    const candidates = [0, alphaMax, 0.5 * (lo + hi)];
    let best = -Infinity;
    alpha = 0;
    for (const c of candidates) {
      const v = phi(c);
      if (v > best) {
        best = v;
        alpha = c;
      }
    }
  }
  return { policy: mix(alpha, new Float64Array(S * A)), alpha, constraint: alpha };
}
