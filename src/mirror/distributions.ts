/**
 * State distributions of Mirror Learning (Kuba, Schroeder de Witt & Foerster
 * 2022, "Mirror Learning", the Mirror Learning update): the sampling distribution beta,
 * the drift distribution nu, and the weights of the mean-KL ball.
 */
import { ValidationError } from "../core/errors.js";
import { checkDistribution, kindOf } from "../core/validate.js";
import type { ParameterSite } from "./drift.js";

/**
 * "visitation": the old policy's discounted visitation d_old (the default);
 * "mu": the MDP's initial distribution; "uniform": 1/S; or a Float64Array of
 * length S, non-negative, summing to 1 within 1e-9.
 */
export type StateDistribution = "visitation" | "mu" | "uniform" | Float64Array;

const NAMES = ["visitation", "mu", "uniform"];

/**
 * The drift distribution nu of a step: a fixed StateDistribution, or "max",
 * the distribution that depends on the candidate policy pi and puts its mass
 * on the states of largest drift, so that E_{s~nu^pi}[D_old(pi|s)] =
 * max_s D_old(pi|s) (Kuba, Schroeder de Witt & Foerster 2022, "Mirror
 * Learning", where nu may depend on pi: TRL's C KL_max(pi_old, pi) is the
 * forward-KL drift under this nu). E_{nu^pi} D is continuous in pi (a maximum
 * of continuous functions), as the Mirror Learning theorem asks.
 */
export type DriftDistribution = StateDistribution | "max";

/**
 * Checks the form of a StateDistribution (or undefined) where S is not known
 * yet (a factory): a known name, or a Float64Array distribution of any length.
 */
export function checkStateDistribution(field: string, spec: unknown, site?: ParameterSite): StateDistribution | undefined {
  const name = (site?.prefix ?? "") + field;
  if (spec === undefined || (typeof spec === "string" && NAMES.includes(spec))) return spec as StateDistribution | undefined;
  if (spec instanceof Float64Array) {
    checkDistribution(name, spec, spec.length, "state");
    return spec;
  }
  throw new ValidationError(name, 'must be "visitation", "mu", "uniform" or a Float64Array distribution over states', typeof spec === "string" ? spec : kindOf(spec));
}

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
  throw new ValidationError(field, 'must be "visitation", "mu", "uniform" or a Float64Array of length S', typeof spec === "string" ? spec : kindOf(spec));
}
