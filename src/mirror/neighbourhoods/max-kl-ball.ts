/**
 * The max-KL ball: KL(pi_old(.|s) || pi(.|s)) <= delta in every state (the
 * KL_max constraint of trust-region learning: Schulman et al. 2015, "Trust
 * Region Policy Optimization", eq. 11).
 *
 * The constraint separates over states. Exact solver, for drifts that are a
 * KL(pi_old || p) penalty c(s) (`drift.klPenalty`): per state a safeguarded
 * Halley search on its own multiplier inside the WebAssembly kernel
 * (kernels/trl.ts, klBallSolve), KL tight to 1e-14 relative where the ball
 * binds. Other drifts: per state the generic solver inside the 1-D
 * multiplier search (search.ts), tight to 1e-9. `multipliers` are the
 * per-state multipliers of the objectives divided by beta(s); `multiplier`
 * their maximum.
 */
import { type StepContext, type StepSolution, genericStates, keepAll, maxOf, multiplierGuess, zeroOr } from "../context.js";
import type { ParameterSite } from "../drift.js";
import { type NeighbourhoodSolver, checkRadius } from "../neighbourhood.js";
import { klRow } from "../kernels/kl.twin.js";
import { klBallRun } from "../kernels/trl.js";
import { searchMultiplier } from "../search.js";

export interface MaxKlBall extends NeighbourhoodSolver {
  readonly kind: "maxKl";
  readonly delta: number;
}

class MaxKlBallImpl implements MaxKlBall {
  readonly kind = "maxKl" as const;
  readonly delta: number;
  readonly restoresKept = true;
  readonly constrains = true;

  /** A checked radius. */
  constructor(delta: number) {
    this.delta = delta;
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const { S, A, pi, adv } = ctx;
    const delta = this.delta;
    if (delta === 0) return keepAll(ctx);
    const base = ctx.forceGeneric ? undefined : zeroOr(ctx, ctx.drift.klPenalty);
    if (base) {
      const { policy, multipliers } = klBallRun(pi, adv, base, S, A, delta);
      return { policy, multipliers, multiplier: maxOf(multipliers), solver: "exact" };
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
    return { policy, multipliers, multiplier: maxOf(multipliers), gap, solver: "generic" };
  }

  /** max_s KL(pi_old(.|s) || pi(.|s)). */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number): number {
    let m = 0;
    for (let s = 0; s < S; s++) m = Math.max(m, klRow(piOld, pi, s, A));
    return m;
  }
}

/** max_s KL(pi_old(.|s) || pi(.|s)) <= delta, delta finite >= 0. */
export function maxKlBall(delta: number): MaxKlBall {
  return new MaxKlBallImpl(checkRadius("delta", delta, { prefix: "", factory: "maxKlBall" }));
}

/** The ball of a spec { kind: "maxKl", delta }, after the factory's check. */
export function maxKlBallFrom(spec: object, site: ParameterSite): MaxKlBall {
  if (spec instanceof MaxKlBallImpl) return spec;
  return new MaxKlBallImpl(checkRadius("delta", (spec as { delta?: unknown }).delta, site));
}
