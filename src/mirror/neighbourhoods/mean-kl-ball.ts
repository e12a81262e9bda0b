/**
 * TRPO's mean-KL ball (Schulman et al. 2015, "Trust Region Policy
 * Optimization", eq. 12): E_{s~weights}[KL(pi_old(.|s) || pi(.|s))] <= delta,
 * the weights the old visitation d_old by default; with
 * `direction: "reverse"` the other argument order,
 * E_{s~weights}[KL(pi(.|s) || pi_old(.|s))] <= delta (the KL of Li, Clavette
 * & He 2022's bound and of policy mirror descent's drift).
 *
 * Forward, exact solver, for drifts that are a KL(pi_old || p) penalty c(s)
 * (the zero and forward-KL drifts, `drift.klPenalty`): the Lagrangian
 * separates, each state takes the trust-region dual step (kernels/trl.ts)
 * with penalty c(s) + lambda weights(s)/beta(s), and lambda comes from the
 * 1-D multiplier search (search.ts) until the constraint is tight to 1e-13
 * relative.
 *
 * Reverse, exact solver, for drifts that are a KL(p || pi_old) penalty c(s)
 * (the zero and reverse-KL drifts, `drift.reverseKlPenalty`): per state the
 * maximiser of <p, A_s> - (c(s) + lambda weights(s)/beta(s)) KL(p || pi_old)
 * is the exponential update p ∝ pi_old exp(A_s / (c(s) + lambda weights(s)/beta(s)))
 * (kernels/exp-update.ts, in log space; the penalties add), with the same
 * search on lambda. As lambda -> 0+ the step tends to the greedy step within
 * pi_old's support, whose KL(p || pi_old) is finite: when that already fits
 * in the ball, lambda = 0 and the step is that limit (mass outside the
 * support would cost an infinite KL).
 *
 * Other drifts (either direction), and `solver: "generic"`: the generic
 * solver inside the same search (tight to 1e-9); for the reverse ball it
 * maximises w(s) D_old(p|s) + lambda weights(s)/beta(s) KL(p || pi_old) as
 * one drift. A state with beta(s) = 0 keeps pi_old and spends none of the
 * budget.
 */
import { f64Block, scratch } from "../../core/arena.js";
import { kernels } from "../../core/wasm.js";
import { type StepContext, type StepSolution, allStates, genericStates, keepAll, multiplierGuess, zeroOr } from "../context.js";
import { type Drift, type ParameterSite, siteOf } from "../drift.js";
import { expPenaltyStep } from "../drifts/reverse-kl.js";
import { type StateDistribution, checkStateDistribution, resolveDistribution } from "../distributions.js";
import { type MeasureContext, type NeighbourhoodSolver, checkRadius } from "../neighbourhood.js";
import { ValidationError } from "../../core/errors.js";
import { checkOptions, kindOf } from "../../core/validate.js";
import { klRow, klTerm } from "../kernels/kl.twin.js";
import { searchMultiplier } from "../search.js";

/** The argument order of a ball's KL: "forward" KL(pi_old || pi) (TRPO's), "reverse" KL(pi || pi_old). */
export type KlDirection = "forward" | "reverse";

/** The second argument of meanKlBall in its object form. */
export interface MeanKlBallOptions {
  /** The distribution of states the KL is averaged under (default "visitation": d_old). */
  weights?: StateDistribution;
  /** "forward" (default): KL(pi_old || pi); "reverse": KL(pi || pi_old). */
  direction?: KlDirection;
}

export interface MeanKlBall extends NeighbourhoodSolver {
  readonly kind: "meanKl";
  readonly delta: number;
  readonly weights?: StateDistribution;
  readonly direction: KlDirection;
}

class MeanKlBallImpl implements MeanKlBall {
  readonly kind = "meanKl" as const;
  readonly delta: number;
  readonly weights?: StateDistribution;
  readonly direction: KlDirection;
  readonly restoresKept = true;
  readonly constrains = true;

  /** Checked parameters. */
  constructor(delta: number, weights: StateDistribution | undefined, direction: KlDirection) {
    this.delta = delta;
    if (weights !== undefined) this.weights = weights;
    this.direction = direction;
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const { S, A, pi, adv, beta } = ctx;
    const weights = resolveDistribution("neighbourhood.weights", this.weights, S, ctx.visitation, ctx.mu);
    const delta = this.delta;
    if (delta === 0) return keepAll(ctx);
    const rho = new Float64Array(S);
    for (let s = 0; s < S; s++) rho[s] = ctx.keep[s] ? 0 : weights[s] / beta[s];
    if (this.direction === "reverse") return this.solveReverse(ctx, weights, rho);
    // Per state: max <p, A_s> - base(s) KL - (lambda weights(s) / beta(s)) KL, KL = KL(pi_old || p).
    const base = ctx.forceGeneric ? undefined : zeroOr(ctx, ctx.drift.klPenalty);
    const guess = multiplierGuess(ctx, delta, allStates(S), (s) => weights[s]);
    const policy = new Float64Array(S * A);
    if (!base) {
      let gap = 0;
      const K = (lambda: number): number => {
        gap = genericStates(ctx, (s) => (lambda > 0 && rho[s] > 0 ? lambda * rho[s] : 0), policy);
        return this.measure(pi, policy, S, A, { weights });
      };
      const multiplier = searchMultiplier(K, delta, guess, 1e-9);
      return { policy, multiplier, gap, constraint: this.measure(pi, policy, S, A, { weights }), solver: "generic" };
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
        // lambda = 0 adds nothing even where rho overflowed to +Infinity.
        for (let s = 0; s < S; s++) c[s] = rho[s] > 0 && lambda > 0 ? base[s] + lambda * rho[s] : base[s];
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
    return { policy, multiplier, constraint, solver: "exact" };
  }

  /**
   * The reverse ball: per state max <p, A_s> - (c(s) + lambda rho(s)) KL(p || pi_old),
   * exactly by the exponential update when the drift is a reverse-KL penalty c(s), else
   * by the generic solver on the drift plus the penalty.
   */
  private solveReverse(ctx: StepContext, weights: Float64Array, rho: Float64Array): StepSolution {
    const { S, A, pi, drift } = ctx;
    const delta = this.delta;
    const guess = multiplierGuess(ctx, delta, allStates(S), (s) => weights[s]);
    const measure = (p: Float64Array, kl?: Float64Array): number => {
      let sum = 0;
      for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * (kl ? kl[s] : klRow(p, pi, s, A));
      return sum;
    };
    const base = ctx.forceGeneric ? undefined : zeroOr(ctx, drift.reverseKlPenalty);
    if (base) {
      let sol: StepSolution = keepAll(ctx);
      let constraint = 0;
      const pen = new Float64Array(S);
      // A state with neither a drift nor a share of the budget (c(s) = 0, weights(s) = 0) is greedy over all actions.
      const free = (s: number): boolean => base[s] === 0 && !(rho[s] > 0);
      const K = (lambda: number): number => {
        for (let s = 0; s < S; s++) pen[s] = rho[s] > 0 && lambda > 0 ? base[s] + lambda * rho[s] : base[s];
        sol = expPenaltyStep(ctx, pen, free);
        constraint = measure(sol.policy, sol.klFromOld);
        return constraint;
      };
      const multiplier = searchMultiplier(K, delta, guess);
      return { ...sol, multiplier, constraint, solver: "exact" };
    }
    const policy = new Float64Array(S * A);
    const w = new Float64Array(S);
    for (let s = 0; s < S; s++) w[s] = drift.coefficient !== 0 && ctx.w[s] === Infinity ? Infinity : 1;
    let gap = 0;
    const K = (lambda: number): number => {
      const local: StepContext = { ...ctx, w, drift: withReversePenalty(ctx, lambda, rho) };
      gap = genericStates(local, () => 0, policy);
      return measure(policy);
    };
    const multiplier = searchMultiplier(K, delta, guess, 1e-9);
    return { policy, multiplier, gap, constraint: measure(policy), solver: "generic" };
  }

  /** E_{s~weights} KL(pi_old || pi) (reverse: KL(pi || pi_old)); `weights`: the resolved distribution (required). */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number, extra: MeasureContext = {}): number {
    const { weights } = extra;
    if (!weights) throw new ValidationError("weights", "meanKl measure needs the resolved weights", weights);
    const reverse = this.direction === "reverse";
    let sum = 0;
    for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * (reverse ? klRow(pi, piOld, s, A) : klRow(piOld, pi, s, A));
    return sum;
  }
}

/**
 * The step's drift, weighted by w(s), plus lambda rho(s) KL(p || pi_old), as one
 * drift for the generic solver (weight 1): its value and gradient (the reverse
 * KL's, log(p / pi_old), +Infinity outside pi_old's support).
 */
function withReversePenalty(ctx: StepContext, lambda: number, rho: Float64Array): Drift {
  const d = ctx.drift;
  const wd = (s: number): number => (d.coefficient === 0 || ctx.w[s] === 0 ? 0 : ctx.w[s]);
  const lr = (s: number): number => (lambda > 0 && rho[s] > 0 ? lambda * rho[s] : 0);
  const grad = new Float64Array(ctx.S * ctx.A);
  return {
    name: `${d.name} + lambda KL(pi || pi_old)`,
    kind: "custom",
    coefficient: 1,
    needsAdvantage: d.needsAdvantage,
    value(piOld, p, s, A, adv) {
      let v = 0;
      if (wd(s) > 0) {
        const D = d.value(piOld, p, s, A, adv);
        if (D !== 0) v += wd(s) * D;
      }
      if (lr(s) > 0) {
        let kl = 0;
        for (let a = s * A; a < s * A + A; a++) kl += klTerm(p[a], piOld[a]);
        if (kl !== 0) v += lr(s) * kl;
      }
      return v;
    },
    gradient(piOld, p, s, A, out, adv) {
      if (wd(s) > 0) d.gradient(piOld, p, s, A, grad, adv);
      for (let a = s * A; a < s * A + A; a++) {
        let g = wd(s) > 0 ? wd(s) * grad[a] : 0;
        if (lr(s) > 0) g += piOld[a] === 0 ? Infinity : lr(s) * Math.log(p[a] / piOld[a]);
        out[a] = g;
      }
    },
  };
}

/** The ball's parameters from meanKlBall's second argument: a weights distribution, or { weights, direction }. */
function checkBallOptions(x: unknown, site: ParameterSite): [StateDistribution | undefined, KlDirection] {
  if (x === undefined || typeof x === "string" || x instanceof Float64Array) return [checkStateDistribution("weights", x, site), "forward"];
  if (x === null || typeof x !== "object" || Array.isArray(x)) {
    throw new ValidationError(`${site.prefix}weights`, 'must be a state distribution or an object { weights, direction }', kindOf(x), siteOf(site));
  }
  const o = checkOptions(`${site.prefix}options`, x as { weights?: unknown; direction?: unknown }, ["weights", "direction"], "meanKlBall");
  return [checkStateDistribution("weights", o.weights, site), checkDirection(o.direction, site)];
}

function checkDirection(x: unknown, site: ParameterSite): KlDirection {
  if (x === undefined) return "forward";
  if (x !== "forward" && x !== "reverse") throw new ValidationError(`${site.prefix}direction`, 'must be "forward" or "reverse"', x, siteOf(site));
  return x;
}

/**
 * E_{s~weights} KL(pi_old || pi) <= delta (TRPO), or with `{ direction: "reverse" }`
 * E_{s~weights} KL(pi || pi_old) <= delta; delta finite >= 0, weights default to the
 * old visitation. The second argument is the weights, or `{ weights, direction }`.
 */
export function meanKlBall(delta: number, options?: StateDistribution | MeanKlBallOptions): MeanKlBall {
  const site = { prefix: "", factory: "meanKlBall" };
  return new MeanKlBallImpl(checkRadius("delta", delta, site), ...checkBallOptions(options, site));
}

/** The ball of a spec { kind: "meanKl", delta, weights?, direction? }, after the factory's checks. */
export function meanKlBallFrom(spec: object, site: ParameterSite): MeanKlBall {
  if (spec instanceof MeanKlBallImpl) return spec;
  const { delta, weights, direction } = spec as { delta?: unknown; weights?: unknown; direction?: unknown };
  return new MeanKlBallImpl(checkRadius("delta", delta, site), checkStateDistribution("weights", weights, site), checkDirection(direction, site));
}
