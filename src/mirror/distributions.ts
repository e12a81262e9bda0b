/**
 * State distributions of Mirror Learning: the sampling distribution beta and
 * the drift distribution nu (seed 000), and the weights of the mean-KL ball.
 */
import { ValidationError } from "../core/errors.js";
import { checkDistribution } from "../core/validate.js";

/**
 * "visitation": the old policy's discounted visitation d_old (the default);
 * "mu": the MDP's initial distribution; "uniform": 1/S; or a Float64Array of
 * length S, non-negative, summing to 1 within 1e-9.
 */
export type StateDistribution = "visitation" | "mu" | "uniform" | Float64Array;

/** Resolves a StateDistribution to an array of length S (`field` names it in errors). */
export function resolveDistribution(
  field: string,
  spec: StateDistribution | undefined,
  S: number,
  visitation: Float64Array,
  mu: Float64Array,
): Float64Array {
  if (spec === undefined || spec === "visitation") return visitation;
  if (spec === "mu") return mu;
  if (spec === "uniform") return new Float64Array(S).fill(1 / S);
  if (spec instanceof Float64Array) {
    checkDistribution(field, spec, S, "state");
    return spec;
  }
  throw new ValidationError(field, 'must be "visitation", "mu", "uniform" or a Float64Array of length S', spec);
}
