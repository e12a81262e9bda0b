/**
 * Monotone improvement (the Mirror Learning theorem of Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation":
 * eta(pi_{n+1}) >= eta(pi_n) for all n), checked over a history of returns.
 */
import { ValidationError } from "../core/errors.js";
import { isArrayLike, kindOf } from "../core/validate.js";

export interface MonotoneCheck {
  /** True when every step drops by at most tolerance * max(1, |eta_k|). */
  monotone: boolean;
  /** The largest drop eta_k - eta_{k+1} seen (0 or negative when none). */
  worstDrop: number;
  /** k of the worst step (-1 for fewer than two entries). */
  index: number;
}

/**
 * Checks eta_{k+1} >= eta_k - tolerance max(1, |eta_k|) for every k. The
 * tolerance is relative to the scale of eta because exact evaluations carry a
 * relative rounding error (default 1e-10).
 */
export function checkMonotone(eta: ArrayLike<number>, tolerance = 1e-10): MonotoneCheck {
  if (!isArrayLike(eta)) throw new ValidationError("eta", "checkMonotone: must be an array of numbers", kindOf(eta));
  if (typeof tolerance !== "number" || !(tolerance >= 0)) throw new ValidationError("tolerance", "checkMonotone: must be a number >= 0", tolerance);
  for (let k = 0; k < eta.length; k++) {
    if (typeof eta[k] !== "number" || !Number.isFinite(eta[k])) throw new ValidationError("eta", "checkMonotone: must be finite", eta[k], { index: k });
  }
  let monotone = true;
  let worstDrop = -Infinity;
  let index = -1;
  for (let k = 0; k + 1 < eta.length; k++) {
    const drop = eta[k] - eta[k + 1];
    if (drop > worstDrop) {
      worstDrop = drop;
      index = k;
    }
    if (drop > tolerance * Math.max(1, Math.abs(eta[k]))) monotone = false;
  }
  return { monotone, worstDrop: index < 0 ? 0 : worstDrop, index };
}
