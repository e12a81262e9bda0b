/**
 * A linear (geometric) convergence rate fitted to an optimality-gap history:
 * least squares of log gap_k = log c + k log rate over the entries with
 * gap_k > floor, i.e. gap_k ≈ c rate^k (Alfano, Yuan & Rebeschini 2023: linear convergence of NPG /
 * AMPO with geometrically increasing steps, V* - V_k <= O((1-c)^k)).
 */
import { ValidationError } from "../core/errors.js";
import { checkObject, checkOptions, isArrayLike, kindOf } from "../core/validate.js";

export interface LinearRate {
  /** exp(slope): the fitted factor per iteration (< 1 for convergence). */
  rate: number;
  /** exp(intercept): the fitted gap at k = 0. */
  constant: number;
  slope: number;
  intercept: number;
  /** Entries used. */
  points: number;
  /** Coefficient of determination of the fit in log space (1 = exactly geometric; NaN for < 3 points). */
  r2: number;
}

/**
 * Fits gap_k ≈ constant rate^k to the entries of `gaps` (index k = position)
 * with floor < gap_k < Infinity; `floor` (default 0) excludes gaps at rounding
 * level, `from` / `to` restrict the range of k. Needs at least 2 entries.
 */
export function fitLinearRate(gaps: ArrayLike<number>, options: { floor?: number; from?: number; to?: number } = {}): LinearRate {
  if (!isArrayLike(gaps)) {
    throw new ValidationError("gaps", "fitLinearRate: must be an array of numbers", kindOf(gaps));
  }
  checkObject("options", options, "fitLinearRate: { floor, from, to }");
  checkOptions("options", options, ["floor", "from", "to"], "fitLinearRate");
  const { floor = 0, from = 0, to = gaps.length } = options;
  if (typeof floor !== "number" || !(floor >= 0)) throw new ValidationError("floor", "fitLinearRate: must be a number >= 0", floor);
  for (const [field, v] of [["from", from], ["to", to]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new ValidationError(field, "fitLinearRate: must be an integer >= 0", v);
  }
  for (let k = 0; k < gaps.length; k++) {
    if (typeof gaps[k] !== "number") throw new ValidationError("gaps", "fitLinearRate: entries must be numbers", gaps[k], { index: k });
  }
  const ks: number[] = [];
  const ys: number[] = [];
  for (let k = Math.max(0, from); k < Math.min(gaps.length, to); k++) {
    const g = gaps[k];
    if (g > floor && g < Infinity) {
      ks.push(k);
      ys.push(Math.log(g));
    }
  }
  const n = ks.length;
  if (n < 2) throw new ValidationError("gaps", "fitLinearRate: needs at least 2 gaps above the floor", n);
  let mk = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mk += ks[i];
    my += ys[i];
  }
  mk /= n;
  my /= n;
  let skk = 0;
  let sky = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    skk += (ks[i] - mk) ** 2;
    sky += (ks[i] - mk) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  const slope = sky / skk;
  const intercept = my - slope * mk;
  const r2 = n < 3 ? NaN : syy === 0 ? 1 : (sky * sky) / (skk * syy);
  return { rate: Math.exp(slope), constant: Math.exp(intercept), slope, intercept, points: n, r2 };
}
