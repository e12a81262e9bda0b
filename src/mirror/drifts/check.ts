/**
 * A numerical check of the drift axioms of Mirror Learning (Kuba, Schroeder
 * de Witt & Foerster 2022, "Mirror Learning", the drift functional: D >= 0, zero
 * at pi_old, zero derivative there), for built-in and user drifts alike.
 */
import { checkOptions } from "../../core/validate.js";
import type { Drift } from "../drift.js";

/** What `checkDrift` found at one old policy. */
export interface DriftCheck {
  /** D_old(pi_old | s), should be 0. */
  valueAtOld: number;
  /** Largest |directional derivative| at pi_old along random directions inside the simplex (finite differences). */
  slopeAtOld: number;
  /** Smallest D_old(pi | s) seen at random policies pi (should be >= 0). */
  minValue: number;
}

/**
 * Numerical check of the drift axioms at one state of `piOld` (a full-support
 * row is best): value at pi_old, central-difference directional derivatives at
 * pi_old along `directions` random zero-sum directions, and non-negativity at
 * random points. `random` is a uniform [0, 1) source (e.g. `() => rng.random()`).
 */
export function checkDrift(
  drift: Drift,
  piOld: Float64Array,
  s: number,
  A: number,
  random: () => number,
  options: { adv?: Float64Array; directions?: number; points?: number; h?: number } = {},
): DriftCheck {
  const { adv, directions = 8, points = 64, h = 1e-6 } = checkOptions("options", options, ["adv", "directions", "points", "h"], "checkDrift");
  const base = s * A;
  const valueAtOld = drift.value(piOld, piOld, s, A, adv);
  const row = Float64Array.from(piOld);
  let slopeAtOld = 0;
  for (let k = 0; k < directions; k++) {
    const d = new Float64Array(A);
    let mean = 0;
    for (let a = 0; a < A; a++) {
      d[a] = 2 * random() - 1;
      mean += d[a];
    }
    mean /= A;
    for (let a = 0; a < A; a++) d[a] -= mean;
    let scale = 1;
    for (let a = 0; a < A; a++) if (d[a] !== 0) scale = Math.min(scale, piOld[base + a] / Math.abs(d[a]));
    const step = h * scale;
    for (let a = 0; a < A; a++) row[base + a] = piOld[base + a] + step * d[a];
    const up = drift.value(piOld, row, s, A, adv);
    for (let a = 0; a < A; a++) row[base + a] = piOld[base + a] - step * d[a];
    const down = drift.value(piOld, row, s, A, adv);
    slopeAtOld = Math.max(slopeAtOld, Math.abs(up - down) / (2 * step));
  }
  let minValue = Infinity;
  for (let k = 0; k < points; k++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      row[base + a] = -Math.log(1 - random());
      sum += row[base + a];
    }
    for (let a = 0; a < A; a++) row[base + a] /= sum;
    minValue = Math.min(minValue, drift.value(piOld, row, s, A, adv));
  }
  return { valueAtOld, slopeAtOld, minValue };
}
