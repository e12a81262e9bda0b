/** Test data for the mirror module: random policies (with zeros), advantages, coefficients, a user drift. */

import { type Drift, customDrift } from "../../src/mirror/drifts.js";
import { PARITY_LENGTHS, randomArray } from "./lengths.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";

/**
 * The (S, A) shapes of the per-state kernels' parity tests: for every
 * parity length n > 0, (2, n) (one long row per state) and (n, 1 + n mod 5)
 * (many short rows).
 */
export const PER_STATE_SHAPES: [number, number][] = PARITY_LENGTHS.filter((n) => n > 0).flatMap((n) => [
  [2, n] as [number, number],
  [n, 1 + (n % 5)] as [number, number],
]);

/** A random policy over S states and A actions; each entry is zeroed with probability `zeros` (rows keep one positive entry). */
export function randomPolicy(rng: () => number, S: number, A: number, zeros = 0): Float64Array {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    const keep = Math.floor(rng() * A);
    for (let a = 0; a < A; a++) {
      const v = a !== keep && rng() < zeros ? 0 : rng() + 0.05;
      pi[s * A + a] = v;
      sum += v;
    }
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

/** Advantages of `pi`: random values centred so that sum_a pi(a|s) A(s,a) = 0, times `scale`. */
export function randomAdvantage(rng: () => number, pi: Float64Array, S: number, A: number, scale = 1): Float64Array {
  const adv = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let a = 0; a < A; a++) {
      adv[s * A + a] = scale * (2 * rng() - 1);
      mean += pi[s * A + a] * adv[s * A + a];
    }
    for (let a = 0; a < A; a++) adv[s * A + a] -= mean;
  }
  return adv;
}

/**
 * S per-state coefficients uniform in [0, hi), except coef[0] = 0 and
 * coef[1] = +inf when S > 2 (the greedy and keep-pi limits in one table).
 */
export function randomCoefficients(rng: () => number, S: number, hi = 3): Float64Array {
  const coef = randomArray(rng, S, 0, hi);
  if (S > 2) {
    coef[0] = 0;
    coef[1] = Infinity;
  }
  return coef;
}

/** max_i |x_i - y_i| / max(1, |y_i|), treating equal infinities as equal. */
export function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    const d = Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i]));
    m = Math.max(m, Number.isNaN(d) ? Infinity : d);
  }
  return m;
}

/** Row sums of an S*A table. */
export function rowSums(x: ArrayLike<number>, S: number, A: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < S; s++) {
    let t = 0;
    for (let a = 0; a < A; a++) t += x[s * A + a];
    out.push(t);
  }
  return out;
}

/**
 * A user drift built with `customDrift`: the chi-squared divergence
 * D(q, p)(s) = 0.7 sum_a (p(a|s) - q(a|s))^2 / q(a|s), gradient in p
 * 1.4 (p - q) / q. Rows of q must be positive.
 */
export function chiSquaredDrift(): Drift {
  return customDrift({
    name: "chi2",
    // Outside pi_old's support: 0 where p = 0 too, +inf where p > 0 (gradient 0: such p stay 0).
    value(q, p, s, A) {
      let t = 0;
      for (let a = s * A; a < s * A + A; a++) t += q[a] === 0 ? (p[a] === 0 ? 0 : Infinity) : (p[a] - q[a]) ** 2 / q[a];
      return 0.7 * t;
    },
    gradient(q, p, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) out[a] = q[a] === 0 ? 0 : (1.4 * (p[a] - q[a])) / q[a];
    },
  });
}

/**
 * The Mirror Learning objective of a step's result, written independently of
 * src/mirror (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning: A
 * Unifying Framework of Policy Optimisation", the Mirror Learning update):
 * E_{s~beta} E_{a~p}[A(s,a)] - E_{s~nu} D(p | s) = sum_s beta(s) <p_s, A_s> - sum_s nu(s) D(p_s | s),
 * with 0 x D = 0 (a state of nu(s) = 0 adds no drift, even an infinite one).
 */
export function stepObjective(
  r: { evaluation: { advantage: Float64Array }; beta: Float64Array; nu: Float64Array },
  pi: Float64Array,
  drift: Drift,
  p: Float64Array,
  S: number,
  A: number,
): number {
  const adv = r.evaluation.advantage;
  let J = 0;
  for (let s = 0; s < S; s++) {
    let g = 0;
    for (let a = s * A; a < s * A + A; a++) g += p[a] * adv[a];
    J += r.beta[s] * g;
    if (r.nu[s] === 0) continue;
    const D = drift.value(pi, p, s, A, adv);
    J -= D === 0 ? 0 : r.nu[s] * D;
  }
  return J;
}

/** A random distribution over A actions, each entry zero with probability 0.2 (one entry kept). */
export function randomRow(rng: () => number, A: number): Float64Array {
  const row = new Float64Array(A);
  let sum = 0;
  for (let a = 0; a < A; a++) {
    row[a] = rng() < 0.2 ? 0 : -Math.log(1 - rng());
    sum += row[a];
  }
  if (sum === 0) {
    row[0] = 1;
    sum = 1;
  }
  for (let a = 0; a < A; a++) row[a] /= sum;
  return row;
}

/** A small dense garnet (branching 3, gamma 0.9). */
export function smallGarnet(seed: number, S = 6, A = 4): TabularMdp {
  return garnet({ S, A, branching: 3, seed, gamma: 0.9 });
}
