/**
 * User-defined drifts. `mirrorStep` solves them with the generic solver
 * (mirror ascent, generic.ts), which assumes the drift is convex in pi(.|s)
 * for its certificate of optimality; the Mirror Learning theorem itself
 * (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning", its fundamental theorem)
 * needs only D >= 0 with D(pi_old) = 0 and zero derivative there (checkable
 * with `checkDrift`). A structured clone of a custom drift keeps its name but
 * not its functions: mirrorStep rejects it (rebuild it with customDrift).
 */
import { ValidationError } from "../../core/errors.js";
import { checkOptions } from "../../core/validate.js";
import {
  type BatchEstimator,
  type Drift,
  type DriftSpec,
  type ParameterSite,
  type SampleEstimator,
  hidden,
  siteOf,
} from "../drift.js";

/** What a user supplies for `customDrift`. */
export interface CustomDriftSpec {
  name?: string;
  needsAdvantage?: boolean;
  value: Drift["value"];
  gradient: Drift["gradient"];
  /** A per-sample estimator in the ratio (see SampleEstimator), if the drift has an unbiased one. */
  sample?: SampleEstimator;
  /** A several-samples-per-state estimator (see BatchEstimator). */
  batch?: BatchEstimator;
  sampleEstimate?: Drift["sampleEstimate"];
  sampleGradient?: Drift["sampleGradient"];
}

const SPEC_KEYS = ["name", "needsAdvantage", "value", "gradient", "sample", "batch", "sampleEstimate", "sampleGradient"] as const;

export class CustomDrift implements Drift {
  readonly name: string;
  readonly kind = "custom" as const;
  readonly coefficient = 1;
  readonly needsAdvantage: boolean;
  declare readonly value: Drift["value"];
  declare readonly gradient: Drift["gradient"];
  declare readonly sample?: SampleEstimator;
  declare readonly batch?: BatchEstimator;
  declare readonly sampleEstimate?: NonNullable<Drift["sampleEstimate"]>;
  declare readonly sampleGradient?: NonNullable<Drift["sampleGradient"]>;

  /** A checked spec; the functions are kept as non-enumerable own properties. */
  constructor(spec: CustomDriftSpec) {
    this.name = spec.name ?? "custom";
    this.needsAdvantage = spec.needsAdvantage ?? false;
    hidden(this, "value", spec.value);
    hidden(this, "gradient", spec.gradient);
    for (const key of ["sample", "batch", "sampleEstimate", "sampleGradient"] as const) {
      if (spec[key] !== undefined) hidden(this, key, spec[key]);
    }
    Object.freeze(this);
  }
}

function checkSpec(spec: Partial<CustomDriftSpec>, site: ParameterSite): CustomDriftSpec {
  const where = siteOf(site);
  const fn = (key: keyof CustomDriftSpec): void => {
    const f = spec[key];
    if (typeof f !== "function") throw new ValidationError(site.prefix + key, "must be a function", f === null ? "null" : typeof f, where);
  };
  fn("value");
  fn("gradient");
  for (const key of ["sampleEstimate", "sampleGradient"] as const) if (spec[key] !== undefined) fn(key);
  if (spec.name !== undefined && typeof spec.name !== "string") throw new ValidationError(`${site.prefix}name`, "must be a string", spec.name, where);
  if (spec.needsAdvantage !== undefined && typeof spec.needsAdvantage !== "boolean") {
    throw new ValidationError(`${site.prefix}needsAdvantage`, "must be a boolean", spec.needsAdvantage, where);
  }
  for (const [key, methods] of [["sample", ["value", "derivative"]], ["batch", ["value", "gradient"]]] as const) {
    const e = spec[key] as unknown as Record<string, unknown> | undefined;
    if (e === undefined) continue;
    if (e === null || typeof e !== "object" || e.unbiased !== true || methods.some((m) => typeof e[m] !== "function")) {
      throw new ValidationError(site.prefix + key, `must be an estimator { unbiased: true, ${methods.join(", ")} }`, e === null ? "null" : typeof e, where);
    }
  }
  return spec as CustomDriftSpec;
}

/**
 * A user-defined drift from its value and gradient (see the module comment;
 * the value may be +Infinity, e.g. outside pi_old's support).
 */
export function customDrift(spec: CustomDriftSpec): Drift {
  if (spec === null || typeof spec !== "object") throw new ValidationError("spec", "must be an object", spec, { function: "customDrift" });
  checkOptions("spec", spec, SPEC_KEYS, "customDrift");
  return new CustomDrift(checkSpec(spec, { prefix: "", factory: "customDrift" }));
}

/** A custom drift from an object carrying its functions (a structured clone has none: rejected). */
export function customDriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof CustomDrift) return spec;
  const { name, needsAdvantage, value, gradient, sample, batch, sampleEstimate, sampleGradient } = spec;
  if (typeof value !== "function" || typeof gradient !== "function") {
    throw new ValidationError(
      site.prefix + (typeof value !== "function" ? "value" : "gradient"),
      "a custom drift must carry its value and gradient functions (a structured clone loses them: rebuild it with customDrift)",
      typeof (typeof value !== "function" ? value : gradient),
    );
  }
  return new CustomDrift(checkSpec({ name, needsAdvantage, value, gradient, sample, batch, sampleEstimate, sampleGradient }, site));
}
