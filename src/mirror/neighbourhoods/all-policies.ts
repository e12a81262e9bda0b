/**
 * All policies: no constraint (GPI, TRL, NPG, PPO as Mirror Learning; Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning", their examples). The step
 * separates over states; the drift's own closed form (`solveAll`) solves it,
 * or the generic solver when the drift has none or `solver: "generic"`.
 * It also solves the step under the drift distribution "max" (max-drift.ts).
 */
import { type StepContext, type StepSolution, solveAllGeneric } from "../context.js";
import { solveMaxDrift } from "../max-drift.js";
import type { ParameterSite } from "../drift.js";
import type { NeighbourhoodSolver } from "../neighbourhood.js";

export interface AllPolicies extends NeighbourhoodSolver {
  readonly kind: "all";
}

class AllPoliciesImpl implements AllPolicies {
  readonly kind = "all" as const;
  readonly restoresKept = true;
  readonly constrains = false;

  constructor() {
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const exact = ctx.forceGeneric ? undefined : ctx.drift.solveAll;
    return exact ? { ...exact.call(ctx.drift, ctx), solver: "exact" } : solveAllGeneric(ctx);
  }

  /** nu = "max": the radius search of max-drift.ts (a zero drift is the plain step). */
  solveMaxDrift(ctx: StepContext): StepSolution {
    return solveMaxDrift(ctx, (c) => this.solve(c));
  }

  measure(): number {
    return 0;
  }
}

const ALL = new AllPoliciesImpl();

/** All policies. */
export function allPolicies(): AllPolicies {
  return ALL;
}

/** All policies from a spec { kind: "all" } (nothing to check). */
export function allPoliciesFrom(_spec: object, _site: ParameterSite): AllPolicies {
  return ALL;
}
