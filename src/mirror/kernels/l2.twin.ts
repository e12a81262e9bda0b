/** Plain-TypeScript twin of assembly/mirror/l2.ts (Michelot's projection onto the simplex). */

import { greedyRowTwin } from "./greedy.twin.js";

/** Largest |theta| whose result stands; above, the shifted frame (LARGE in assembly/mirror/l2.ts). */
const THETA_MAX = 256;

/** Twin of mirrorL2Solve{Simd,Scalar}: Proj_simplex(pi_s + A_s / (2 coef[s])) per state. */
export function l2SolveTwin(pi: Float64Array, adv: Float64Array, coef: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const c = coef[s];
    if (c === Infinity) {
      for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
      continue;
    }
    const h = 0.5 / c;
    let total = 0;
    let finite = c > 0 && h < Infinity;
    for (let a = 0; a < A && finite; a++) {
      const y = pi[base + a] + h * adv[base + a];
      if (!(Math.abs(y) < Infinity)) finite = false;
      out[base + a] = y;
      total += y;
    }
    if (!finite) {
      greedyRowTwin(adv, base, A, out); // the c -> 0 limit
      continue;
    }
    let count = A;
    let theta = (total - 1) / A;
    let done = false;
    for (let it = 0; it <= A; it++) {
      let sum = 0;
      let k = 0;
      for (let a = 0; a < A; a++) {
        const y = out[base + a];
        if (y > theta) {
          sum += y;
          k++;
        }
      }
      if (k === count) {
        done = true;
        break;
      }
      count = k;
      theta = (sum - 1) / k;
    }
    if (!(done && Math.abs(theta) <= THETA_MAX)) {
      // y too large for its rounding (see LARGE in assembly/mirror/l2.ts): the shifted frame.
      shiftedTwin(pi, adv, base, A, h, out);
      continue;
    }
    for (let a = 0; a < A; a++) out[base + a] = Math.max(out[base + a] - theta, 0);
  }
  return out;
}

/** Twin of l2Shifted: Michelot's passes on z = pi + h (adv - max adv) of the row at base. */
function shiftedTwin(pi: Float64Array, adv: Float64Array, base: number, A: number, h: number, out: Float64Array): void {
  let top = -Infinity;
  for (let a = 0; a < A; a++) top = Math.max(top, adv[base + a]);
  let total = 0;
  for (let a = 0; a < A; a++) {
    const z = pi[base + a] + h * (adv[base + a] - top);
    out[base + a] = z;
    total += z;
  }
  let count = A;
  let theta = (total - 1) / A;
  for (let it = 0; it <= A; it++) {
    let sum = 0;
    let k = 0;
    for (let a = 0; a < A; a++) {
      const z = out[base + a];
      if (z > theta) {
        sum += z;
        k++;
      }
    }
    if (k === count) break;
    count = k;
    theta = (sum - 1) / k;
  }
  for (let a = 0; a < A; a++) out[base + a] = Math.max(out[base + a] - theta, 0);
}
