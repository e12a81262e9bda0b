/**
 * The built-in neighbourhoods of Mirror Learning (Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation"), one file each in ./neighbourhoods/, and their registry:
 * `resolveNeighbourhood` turns whatever a caller passes (a factory's object,
 * an object literal, a structured clone) into a checked neighbourhood, or
 * throws a ValidationError naming the field and the bad value. The contract
 * is in ./neighbourhood.ts.
 *
 * Registering a neighbourhood: import its `...From` function here, add it to
 * `NEIGHBOURHOODS` under its kind and its interface to `Neighbourhood`.
 */
import { ValidationError } from "../core/errors.js";
import { kindOf } from "../core/validate.js";
import type { ParameterSite } from "./drift.js";
import type { StateDistribution } from "./distributions.js";
import type { MeasureContext, NeighbourhoodKind } from "./neighbourhood.js";
import { type AllPolicies, allPoliciesFrom } from "./neighbourhoods/all-policies.js";
import { type KlDirection, type MeanKlBall, meanKlBallFrom } from "./neighbourhoods/mean-kl-ball.js";
import { type MaxKlBall, maxKlBallFrom } from "./neighbourhoods/max-kl-ball.js";
import { type TvBall, tvBallFrom } from "./neighbourhoods/tv-ball.js";
import { type MixtureSegment, mixtureSegmentFrom } from "./neighbourhoods/mixture-segment.js";

export type { NeighbourhoodKind, NeighbourhoodSolver, MeasureContext } from "./neighbourhood.js";
export { allPolicies, type AllPolicies } from "./neighbourhoods/all-policies.js";
export { meanKlBall, type MeanKlBall, type MeanKlBallOptions, type KlDirection } from "./neighbourhoods/mean-kl-ball.js";
export { maxKlBall, type MaxKlBall } from "./neighbourhoods/max-kl-ball.js";
export { tvBall, type TvBall } from "./neighbourhoods/tv-ball.js";
export { mixtureSegment, type MixtureSegment } from "./neighbourhoods/mixture-segment.js";

/** A built-in neighbourhood object (what the factories return). */
export type Neighbourhood = AllPolicies | MeanKlBall | MaxKlBall | TvBall | MixtureSegment;

/**
 * The plain description of a neighbourhood, as an object literal or a
 * structured clone holds it; mirrorStep checks it as the factory would.
 */
export type NeighbourhoodSpec =
  | { readonly kind: "all" }
  | { readonly kind: "meanKl"; readonly delta: number; readonly weights?: StateDistribution; readonly direction?: KlDirection }
  | { readonly kind: "maxKl"; readonly delta: number }
  | { readonly kind: "tv"; readonly delta: number }
  | { readonly kind: "mixture"; readonly alphaMax: number; readonly target?: Float64Array };

const NEIGHBOURHOODS: Readonly<Record<NeighbourhoodKind, (spec: object, site: ParameterSite) => Neighbourhood>> = {
  all: allPoliciesFrom,
  meanKl: meanKlBallFrom,
  maxKl: maxKlBallFrom,
  tv: tvBallFrom,
  mixture: mixtureSegmentFrom,
};

/** The registered kinds. */
export const NEIGHBOURHOOD_KINDS = Object.freeze(Object.keys(NEIGHBOURHOODS) as NeighbourhoodKind[]);

/**
 * A checked neighbourhood from what a caller passed as `field` (default
 * "neighbourhood"): a factory's object as it is (frozen, checked once), any
 * other object rebuilt from its `kind` and parameters after the factory's
 * checks, e.g. `{ kind: "mixture", alphaMax: 2 }` throws
 * `neighbourhood.alphaMax: must be in [0, 1] (got 2)`.
 */
export function resolveNeighbourhood(x: unknown, field = "neighbourhood"): Neighbourhood {
  if (x === null || typeof x !== "object" || Array.isArray(x)) {
    throw new ValidationError(field, "must be a neighbourhood (allPolicies(), meanKlBall(delta), ...)", kindOf(x));
  }
  const kind = (x as { kind?: unknown }).kind;
  const build = typeof kind === "string" && Object.hasOwn(NEIGHBOURHOODS, kind) ? NEIGHBOURHOODS[kind as NeighbourhoodKind] : undefined;
  if (!build) {
    throw new ValidationError(`${field}.kind`, `must be one of ${NEIGHBOURHOOD_KINDS.map((k) => `"${k}"`).join(", ")}`, kind);
  }
  return build(x, { prefix: `${field}.` });
}

/**
 * The value of a neighbourhood's constraint at `pi` (to compare with its
 * bound): the weighted mean KL (in the ball's direction), the max KL, the max TV, or for the mixture the
 * smallest alpha with pi = (1 - alpha) pi_old + alpha target (NaN if pi is not
 * on that line); 0 for all policies. `weights` is the resolved mean-KL weight
 * vector.
 */
export function neighbourhoodMeasure(
  n: Neighbourhood | NeighbourhoodSpec,
  piOld: ArrayLike<number>,
  pi: ArrayLike<number>,
  S: number,
  A: number,
  extra: MeasureContext = {},
): number {
  return resolveNeighbourhood(n).measure(piOld, pi, S, A, extra);
}
