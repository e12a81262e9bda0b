/**
 * The Neighbourhood contract of Mirror Learning (Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation", the neighbourhood operator): the set N(pi_old) the step maximises over.
 * A neighbourhood object carries its parameters, their checks, its exact
 * solver and its constraint measure; the drift enters its solver only through
 * the drift's own hooks (drift.ts: `solveAll`, `klPenalty`, `tvPenalty`, or
 * `value`/`gradient` for the generic solver), so no solver names a drift.
 *
 * Adding a neighbourhood: one file in src/mirror/neighbourhoods/ (its
 * factory, class, `...From` builder and solver; see
 * neighbourhoods/max-kl-ball.ts for a model), its kind in `NeighbourhoodKind`
 * below, and one line in the registry `NEIGHBOURHOODS` in
 * src/mirror/neighbourhoods.ts (which also re-exports the factory and adds
 * its interface to the `Neighbourhood` union).
 */
import { ValidationError } from "../core/errors.js";
import type { StepContext, StepSolution } from "./context.js";
import { type ParameterSite, siteOf } from "./drift.js";

export type { ParameterSite } from "./drift.js";

/** The built-in neighbourhoods. */
export type NeighbourhoodKind = "all" | "meanKl" | "maxKl" | "tv" | "mixture";

/** Extra inputs of a constraint measure: the resolved mean-KL weights, the mixture's target policy. */
export interface MeasureContext {
  readonly weights?: ArrayLike<number>;
  readonly target?: ArrayLike<number>;
}

/** What every neighbourhood object provides. */
export interface NeighbourhoodSolver {
  readonly kind: NeighbourhoodKind;
  /**
   * pi_new = argmax over N(pi_old) of sum_s beta(s) <pi_s, A_s> - sum_s nu(s) D_old(pi_s | s),
   * exactly where the drift offers what this neighbourhood needs, else by the
   * generic solver (or a ValidationError when there is none). States with
   * beta(s) = 0 may be left to step.ts, which restores pi_old there when
   * `restoresKept` (unless the solution says `restored`).
   */
  solve(ctx: StepContext): StepSolution;
  /**
   * The step under the drift distribution "max" (nu depends on the candidate:
   * E_{s~nu^pi} D = max_s D_old(pi|s); max-drift.ts), for neighbourhoods that
   * solve it; `ctx` carries nu = beta (w = 1 where beta > 0) and the solution
   * its nu* as `driftDistribution`. Absent: step.ts rejects nu = "max".
   */
  solveMaxDrift?(ctx: StepContext): StepSolution;
  /**
   * The value of the constraint at `pi` (to compare with its bound): mean KL,
   * max KL, max TV, the mixing weight; 0 for all policies.
   */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number, extra?: MeasureContext): number;
  /** Whether step.ts restores pi_old in states with beta(s) = 0 after `solve` (false for the mixture segment, whose one weight moves every state). */
  readonly restoresKept: boolean;
  /** Whether there is a constraint to report: step.ts calls `measure` after restoring kept states when `solve` did not give one. */
  readonly constrains: boolean;
}

/** A ball radius: a finite number >= 0 (`site`: the factory, or the "neighbourhood." prefix of mirrorStep's options). */
export function checkRadius(field: string, delta: unknown, site: ParameterSite): number {
  if (typeof delta !== "number" || !(delta >= 0 && delta < Infinity)) {
    throw new ValidationError(site.prefix + field, "must be a finite number >= 0", delta, siteOf(site));
  }
  return delta;
}
