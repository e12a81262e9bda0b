/**
 * TRPO's mean-KL ball (Schulman et al. 2015, "Trust Region Policy
 * Optimization", eq. 12): E_{s~weights}[KL(pi_old(.|s) || pi(.|s))] <= delta,
 * the weights the old visitation d_old by default.
 *
 * Exact solver, for drifts that are a KL(pi_old || p) penalty c(s) (the zero
 * and forward-KL drifts, `drift.klPenalty`): the Lagrangian separates, each
 * state takes the trust-region dual step (kernels/trl.ts) with penalty
 * c(s) + lambda weights(s)/beta(s), and lambda comes from the 1-D multiplier
 * search (search.ts) until the constraint is tight to 1e-13 relative. Other
 * drifts: the generic solver inside the same search (tight to 1e-9). A state
 * with beta(s) = 0 keeps pi_old and spends none of the budget.
 */
import { f64Block, scratch } from "../../core/arena.js";
import { kernels } from "../../core/wasm.js";
import { type StepContext, type StepSolution, allStates, genericStates, keepAll, multiplierGuess, zeroOr } from "../context.js";
import type { ParameterSite } from "../drift.js";
import { type StateDistribution, checkStateDistribution, resolveDistribution } from "../distributions.js";
import { type MeasureContext, type NeighbourhoodSolver, checkRadius } from "../neighbourhood.js";
import { ValidationError } from "../../core/errors.js";
import { klRow } from "../kernels/kl.twin.js";
import { searchMultiplier } from "../search.js";

export interface MeanKlBall extends NeighbourhoodSolver {
  readonly kind: "meanKl";
  readonly delta: number;
  readonly weights?: StateDistribution;
}

class MeanKlBallImpl implements MeanKlBall {
  readonly kind = "meanKl" as const;
  readonly delta: number;
  readonly weights?: StateDistribution;
  readonly restoresKept = true;
  readonly constrains = true;

  /** Checked parameters. */
  constructor(delta: number, weights: StateDistribution | undefined) {
    this.delta = delta;
    if (weights !== undefined) this.weights = weights;
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const { S, A, pi, adv, beta } = ctx;
    const weights = resolveDistribution("neighbourhood.weights", this.weights, S, ctx.visitation, ctx.mu);
    const delta = this.delta;
    if (delta === 0) return keepAll(ctx);
    // Per state: max <p, A_s> - base(s) KL - (lambda weights(s) / beta(s)) KL, KL = KL(pi_old || p).
    const rho = new Float64Array(S);
    for (let s = 0; s < S; s++) rho[s] = ctx.keep[s] ? 0 : weights[s] / beta[s];
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

  /** E_{s~weights} KL(pi_old || pi); `weights`: the resolved distribution (required). */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number, extra: MeasureContext = {}): number {
    const { weights } = extra;
    if (!weights) throw new ValidationError("weights", "meanKl measure needs the resolved weights", weights);
    let sum = 0;
    for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * klRow(piOld, pi, s, A);
    return sum;
  }
}

/** E_{s~weights} KL(pi_old || pi) <= delta (TRPO); delta finite >= 0, weights default to the old visitation. */
export function meanKlBall(delta: number, weights?: StateDistribution): MeanKlBall {
  const site = { prefix: "", factory: "meanKlBall" };
  return new MeanKlBallImpl(checkRadius("delta", delta, site), checkStateDistribution("weights", weights, site));
}

/** The ball of a spec { kind: "meanKl", delta, weights? }, after the factory's checks. */
export function meanKlBallFrom(spec: object, site: ParameterSite): MeanKlBall {
  if (spec instanceof MeanKlBallImpl) return spec;
  const { delta, weights } = spec as { delta?: unknown; weights?: unknown };
  return new MeanKlBallImpl(checkRadius("delta", delta, site), checkStateDistribution("weights", weights, site));
}
