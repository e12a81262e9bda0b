/**
 * The built-in drifts of Mirror Learning (Kuba, Schroeder de Witt & Foerster
 * 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation"), one
 * file each in ./drifts/, and their registry: `resolveDrift` turns whatever a
 * caller passes as a drift (a factory's object, an object literal, a
 * structured clone) into a checked drift object, or throws a ValidationError
 * naming the field and the bad value. The contract is in ./drift.ts.
 *
 * Registering a drift: import its `...From` function here and add it to
 * `DRIFTS` under its kind (and the kind to `DriftKind` in drift.ts).
 */
import { ValidationError } from "../core/errors.js";
import { kindOf } from "../core/validate.js";
import type { Drift, DriftKind, DriftSpec, ParameterSite } from "./drift.js";
import { zeroDriftFrom } from "./drifts/zero.js";
import { forwardKlDriftFrom } from "./drifts/forward-kl.js";
import { reverseKlDriftFrom } from "./drifts/reverse-kl.js";
import { squaredTvDriftFrom } from "./drifts/squared-tv.js";
import { squaredL2DriftFrom } from "./drifts/squared-l2.js";
import { clipDriftFrom } from "./drifts/clip.js";
import { customDriftFrom } from "./drifts/custom.js";

export type { Drift, DriftKind, DriftSpec, SampleEstimator, BatchEstimator } from "./drift.js";
export { zeroDrift } from "./drifts/zero.js";
export { forwardKlDrift } from "./drifts/forward-kl.js";
export { reverseKlDrift } from "./drifts/reverse-kl.js";
export { squaredTvDrift } from "./drifts/squared-tv.js";
export { squaredL2Drift } from "./drifts/squared-l2.js";
export { clipDrift } from "./drifts/clip.js";
export { customDrift, type CustomDriftSpec } from "./drifts/custom.js";
export { checkDrift, type DriftCheck } from "./drifts/check.js";

/** Each kind's builder from plain fields: the same checks as its factory, the factory's own object passed through. */
const DRIFTS: Readonly<Record<DriftKind, (spec: DriftSpec, site: ParameterSite) => Drift>> = {
  zero: zeroDriftFrom,
  forwardKl: forwardKlDriftFrom,
  reverseKl: reverseKlDriftFrom,
  squaredTv: squaredTvDriftFrom,
  squaredL2: squaredL2DriftFrom,
  clip: clipDriftFrom,
  custom: customDriftFrom,
};

/** The registered kinds. */
export const DRIFT_KINDS = Object.freeze(Object.keys(DRIFTS) as DriftKind[]);

/**
 * A checked drift from what a caller passed as `field` (default "drift"): a
 * drift built by its factory is returned as it is (they are frozen, so their
 * parameters were checked once); any other object is rebuilt from its `kind`
 * and parameters (`coefficient`, and `epsilon` for the clip drift; the
 * functions for a custom drift) after the checks the factory makes, so an
 * object literal or a structured clone behaves exactly like the factory's
 * drift, or is rejected with a ValidationError naming `field.parameter`.
 */
export function resolveDrift(x: unknown, field = "drift"): Drift {
  if (x === null || typeof x !== "object" || Array.isArray(x)) {
    throw new ValidationError(field, "must be a drift (zeroDrift(), forwardKlDrift(C), ...)", kindOf(x));
  }
  const kind = (x as { kind?: unknown }).kind;
  const build = typeof kind === "string" && Object.hasOwn(DRIFTS, kind) ? DRIFTS[kind as DriftKind] : undefined;
  if (!build) throw new ValidationError(`${field}.kind`, `must be one of ${DRIFT_KINDS.map((k) => `"${k}"`).join(", ")}`, kind);
  return build(x as DriftSpec, { prefix: `${field}.` });
}
