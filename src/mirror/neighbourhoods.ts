/**
 * Neighbourhoods N(pi_old) of Mirror Learning (seed 000): the set the step
 * maximises over. Each is a plain description; `mirrorStep` picks the exact
 * solver for it, and `neighbourhoodMeasure` evaluates its constraint for any
 * candidate policy (for diagnostics and tests).
 */
import { ValidationError } from "../core/errors.js";
import type { StateDistribution } from "./distributions.js";
import { klRow, tvRow } from "./kernels/kl.twin.js";

/** All policies: no constraint (GPI, TRL, NPG, PPO-as-Mirror-Learning). */
export interface AllPolicies {
  readonly kind: "all";
}

/**
 * TRPO's mean-KL ball (Schulman et al. 2015): E_{s~w}[KL(pi_old(.|s) || pi(.|s))] <= delta,
 * w = the old visitation d_old by default.
 */
export interface MeanKlBall {
  readonly kind: "meanKl";
  readonly delta: number;
  readonly weights?: StateDistribution;
}

/** The max-KL ball: KL(pi_old(.|s) || pi(.|s)) <= delta in every state (TRL's KL_max constraint). */
export interface MaxKlBall {
  readonly kind: "maxKl";
  readonly delta: number;
}

/** The total-variation ball: max_s TV(pi(.|s), pi_old(.|s)) <= delta. */
export interface TvBall {
  readonly kind: "tv";
  readonly delta: number;
}

/**
 * CPI's mixture segment (Kakade & Langford 2002, seed 002):
 * {(1 - alpha) pi_old + alpha pi' : alpha in [0, alphaMax]}, pi' = `target`
 * (default: the greedy policy in the old advantage, ties to the lowest index).
 */
export interface MixtureSegment {
  readonly kind: "mixture";
  readonly alphaMax: number;
  readonly target?: Float64Array;
}

export type Neighbourhood = AllPolicies | MeanKlBall | MaxKlBall | TvBall | MixtureSegment;

function radius(name: string, delta: unknown): number {
  if (typeof delta !== "number" || !(delta >= 0 && delta < Infinity)) {
    throw new ValidationError("delta", `${name}: must be a finite number >= 0`, delta);
  }
  return delta;
}

/** All policies. */
export function allPolicies(): AllPolicies {
  return { kind: "all" };
}

/** E_{s~weights} KL(pi_old || pi) <= delta (TRPO); weights default to the old visitation. */
export function meanKlBall(delta: number, weights?: StateDistribution): MeanKlBall {
  return { kind: "meanKl", delta: radius("meanKlBall", delta), weights };
}

/** max_s KL(pi_old(.|s) || pi(.|s)) <= delta. */
export function maxKlBall(delta: number): MaxKlBall {
  return { kind: "maxKl", delta: radius("maxKlBall", delta) };
}

/** max_s TV(pi(.|s), pi_old(.|s)) <= delta. */
export function tvBall(delta: number): TvBall {
  return { kind: "tv", delta: radius("tvBall", delta) };
}

/** {(1 - alpha) pi_old + alpha target : 0 <= alpha <= alphaMax}, alphaMax in [0, 1]. */
export function mixtureSegment(alphaMax: number, target?: Float64Array): MixtureSegment {
  if (typeof alphaMax !== "number" || !(alphaMax >= 0 && alphaMax <= 1)) {
    throw new ValidationError("alphaMax", "mixtureSegment: must be a number in [0, 1]", alphaMax);
  }
  if (target !== undefined && !(target instanceof Float64Array)) {
    throw new ValidationError("target", "mixtureSegment: must be a Float64Array policy", typeof target);
  }
  return { kind: "mixture", alphaMax, target };
}

/**
 * The value of the neighbourhood's constraint at `pi` (to compare with its
 * bound): the weighted mean KL, the max KL, the max TV, or for the mixture the
 * smallest alpha with pi = (1 - alpha) pi_old + alpha target (NaN if pi is not on
 * that line); 0 for "all". `weights` is the resolved mean-KL weight vector.
 */
export function neighbourhoodMeasure(
  n: Neighbourhood,
  piOld: ArrayLike<number>,
  pi: ArrayLike<number>,
  S: number,
  A: number,
  { weights, target }: { weights?: ArrayLike<number>; target?: ArrayLike<number> } = {},
): number {
  switch (n.kind) {
    case "all":
      return 0;
    case "meanKl": {
      if (!weights) throw new ValidationError("weights", "meanKl measure needs the resolved weights", weights);
      let sum = 0;
      for (let s = 0; s < S; s++) if (weights[s] > 0) sum += weights[s] * klRow(piOld, pi, s, A);
      return sum;
    }
    case "maxKl": {
      let m = 0;
      for (let s = 0; s < S; s++) m = Math.max(m, klRow(piOld, pi, s, A));
      return m;
    }
    case "tv": {
      let m = 0;
      for (let s = 0; s < S; s++) m = Math.max(m, tvRow(pi, piOld, s, A));
      return m;
    }
    case "mixture": {
      const t = target ?? n.target;
      if (!t) throw new ValidationError("target", "mixture measure needs the target policy", t);
      let alpha = 0;
      let num = 0;
      let den = 0;
      for (let i = 0; i < S * A; i++) {
        const d = t[i] - piOld[i];
        num += d * (pi[i] - piOld[i]);
        den += d * d;
      }
      if (den === 0) return 0;
      alpha = num / den;
      let off = 0;
      for (let i = 0; i < S * A; i++) off = Math.max(off, Math.abs(pi[i] - piOld[i] - alpha * (t[i] - piOld[i])));
      return off > 1e-9 ? NaN : alpha;
    }
  }
}
