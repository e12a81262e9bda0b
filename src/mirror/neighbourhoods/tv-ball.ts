/**
 * The total-variation ball: max_s TV(pi(.|s), pi_old(.|s)) <= delta (the
 * TV trust region behind TRPO's bound: Schulman et al. 2015, "Trust Region
 * Policy Optimization", Theorem 1; Kakade & Langford 2002, "Approximately
 * Optimal Approximate Reinforcement Learning").
 *
 * Exact solver, for drifts that are a squared-TV penalty c(s) TV^2 (the zero
 * and squared-TV drifts, `drift.tvPenalty`): per state the best move of a TV
 * budget drains the lowest-advantage actions into the best one, the budget
 * capped at delta (kernels/tv.ts). There is no generic solver for this ball:
 * other drifts, and `solver: "generic"`, are rejected.
 */
import { ValidationError } from "../../core/errors.js";
import { type StepContext, type StepSolution, zeroOr } from "../context.js";
import type { ParameterSite } from "../drift.js";
import { type NeighbourhoodSolver, checkRadius } from "../neighbourhood.js";
import { tvRow } from "../kernels/kl.twin.js";
import { tvSolve } from "../kernels/tv.js";

export interface TvBall extends NeighbourhoodSolver {
  readonly kind: "tv";
  readonly delta: number;
}

class TvBallImpl implements TvBall {
  readonly kind = "tv" as const;
  readonly delta: number;
  readonly restoresKept = true;
  readonly constrains = true;

  /** A checked radius. */
  constructor(delta: number) {
    this.delta = delta;
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const base = ctx.forceGeneric ? undefined : zeroOr(ctx, ctx.drift.tvPenalty);
    if (!base) {
      throw new ValidationError(
        "neighbourhood",
        "the TV ball is solved exactly with drifts that are a squared-TV penalty (zero, squared TV) only (no generic solver for it)",
        `${ctx.drift.name}${ctx.forceGeneric ? " (generic solver)" : ""}`,
      );
    }
    return { policy: tvSolve(ctx.pi, ctx.adv, base, this.delta, ctx.S, ctx.A), solver: "exact" };
  }

  /** max_s TV(pi(.|s), pi_old(.|s)). */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number): number {
    let m = 0;
    for (let s = 0; s < S; s++) m = Math.max(m, tvRow(pi, piOld, s, A));
    return m;
  }
}

/** max_s TV(pi(.|s), pi_old(.|s)) <= delta, delta finite >= 0. */
export function tvBall(delta: number): TvBall {
  return new TvBallImpl(checkRadius("delta", delta, { prefix: "", factory: "tvBall" }));
}

/** The ball of a spec { kind: "tv", delta }, after the factory's check. */
export function tvBallFrom(spec: object, site: ParameterSite): TvBall {
  if (spec instanceof TvBallImpl) return spec;
  return new TvBallImpl(checkRadius("delta", (spec as { delta?: unknown }).delta, site));
}
