/**
 * Shared pieces of the classic solvers: option checks, the one-hot policy,
 * the MacQueen bounds and the span stopping rule's options and answer.
 * Internal to src/planning/.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { type OptimalityModel, checkTieTolerance } from "./optimality.js";
import { checkTabularMdp } from "../mdp/spec.js";
import { checkValueScale } from "../mdp/tabular-mdp.js";
import type { Block } from "../core/arena.js";
import { deterministicPolicy } from "../policy/policy.js";

/** Wall-clock milliseconds (performance.now exists in Node >= 16 and every browser). */
export const now = (): number => performance.now();


/** A finite number > 0. */
export function checkPositive(field: string, value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(field, `must be a finite number > 0 (${where})`, value);
  }
  return value;
}

/** An integer >= 1. */
export function checkCount(field: string, value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(field, `must be an integer >= 1 (${where})`, value);
  }
  return value;
}

/** Checks a deterministic policy given as one action per state; returns an Int32Array copy. */
export function checkActions(field: string, value: unknown, S: number, A: number, where: string): Int32Array {
  if (value === null || typeof value !== "object" || typeof (value as ArrayLike<number>).length !== "number") {
    throw new ValidationError(field, `must be an array of ${S} action indices (${where})`, value);
  }
  const arr = value as ArrayLike<number>;
  if (arr.length !== S) throw new ValidationError(field, `must have length S = ${S} (${where})`, arr.length);
  const out = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const a = arr[s];
    if (typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= A) {
      throw new ValidationError(field, `action must be an integer in [0, ${A}) (${where})`, a, { state: s });
    }
    out[s] = a;
  }
  return out;
}

/** The flat one-hot policy pi[s*A + a] of per-state actions. */
export function oneHot(actions: Int32Array, A: number): Float64Array {
  return deterministicPolicy(actions, A);
}

/**
 * MacQueen's bounds on V* from one backup V = T Vprev (Puterman 1994,
 * Proposition 6.6.1 / eq. 6.6.12):
 *   V + gamma/(1-gamma) min_s (V - Vprev)  <=  V*  <=  V + gamma/(1-gamma) max_s (V - Vprev),
 * componentwise. Their gap is gamma/(1-gamma) span(V - Vprev).
 */
export function macQueenBounds(
  V: Float64Array,
  Vprev: Float64Array,
  gamma: number,
): { lower: Float64Array; upper: Float64Array } {
  const S = V.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = 0; s < S; s++) {
    const d = V[s] - Vprev[s];
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const c = gamma / (1 - gamma);
  const lower = new Float64Array(S);
  const upper = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    lower[s] = V[s] + c * lo;
    upper[s] = V[s] + c * hi;
  }
  return { lower, upper };
}

/** pymdptoolbox's variation threshold epsilon (1 - gamma) / gamma (Infinity at gamma = 0: one step is exact). */
export function epsilonThreshold(epsilon: number, gamma: number): number {
  return gamma === 0 ? Infinity : (epsilon * (1 - gamma)) / gamma;
}

/**
 * The checks that value iteration and modified policy iteration open with:
 * the model, the option names (`known`), epsilon (a finite number > 0,
 * default 0.01) and tieTolerance; returns those two and the stop threshold
 * epsilon (1 - gamma) / gamma. The solver checks its other options after.
 */
export function checkSpanStopOptions(
  mdp: OptimalityModel,
  options: { epsilon?: number; tieTolerance?: number },
  known: readonly string[],
  where: string,
): { epsilon: number; tieTolerance: number; threshold: number } {
  checkTabularMdp(mdp, where);
  checkValueScale(mdp as never, where);
  checkOptions("options", options, known, where);
  const epsilon = checkPositive("epsilon", options.epsilon, 0.01, where);
  const tieTolerance = checkTieTolerance(options.tieTolerance, where);
  return { epsilon, tieTolerance, threshold: epsilonThreshold(epsilon, mdp.gamma) };
}

/**
 * The answer of a solve stopped by the span rule, after a last backup
 * V = T Vprev whose greedy actions are `greedy`: V (a copy), the actions, their
 * one-hot policy and MacQueen's bounds from (V, Vprev). S = V's length.
 */
export function spanStopAnswer(
  V: Block<"f64">,
  Vprev: Block<"f64">,
  greedy: Block<"i32">,
  A: number,
  gamma: number,
): { V: Float64Array; actions: Int32Array; policy: Float64Array; bounds: { lower: Float64Array; upper: Float64Array } } {
  const values = V.toArray();
  const actions = greedy.toArray();
  return { V: values, actions, policy: oneHot(actions, A), bounds: macQueenBounds(values, Vprev.view, gamma) };
}
