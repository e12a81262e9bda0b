/**
 * The PPO clip drift (Schulman et al. 2017, "Proximal Policy Optimization
 * Algorithms", eq. 7, as a Mirror Learning drift: Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning"):
 *
 *   D = scale * E_{a~pi_old}[ ReLU( (r - clip(r, 1-eps, 1+eps)) A_old(s,a) ) ],  r = pi/pi_old,
 *
 * zero on a neighbourhood of pi_old (so its derivative vanishes there), and
 * E_{a~pi}[A] - D = E_{a~pi_old}[min(r A, clip(r, 1±eps) A)]: PPO's clipped
 * surrogate. Written per action without the ratio:
 *   A > 0: A max(0, pi(a) - (1+eps) pi_old(a));  A < 0: |A| max(0, (1-eps) pi_old(a) - pi(a)),
 * the limit of the ratio form where pi_old(a) = 0. Subgradient: A(a) where
 * the term is active, 0 elsewhere.
 *
 * Exact step: per state a concave piecewise-linear programme on the simplex,
 * solved by pouring the unit mass into slope segments in decreasing order
 * (kernels/clip.ts); an infinite weight gives the best policy with zero drift
 * (ratios clipped hard). Per-sample estimator (a ~ pi_old): scale
 * ReLU((r - clip r) A), PPO's loss gap min(rA, clip(r) A) - rA with the sign
 * turned, unbiased by definition; derivative scale A where the term is
 * active (r > 1+eps with A > 0, r < 1-eps with A < 0), 0 elsewhere.
 */
import type { StepContext, StepSolution } from "../context.js";
import { type Drift, type DriftSpec, type ParameterSite, type SampleEstimator, checkScale, hidden, needAdvantage, siteOf } from "../drift.js";
import { ValidationError } from "../../core/errors.js";
import { clipSolve } from "../kernels/clip.js";

export class ClipDrift implements Drift {
  readonly name: string;
  readonly kind = "clip" as const;
  /** The scale of the penalty (1 for PPO). */
  readonly coefficient: number;
  readonly epsilon: number;
  readonly needsAdvantage = true;
  readonly vanishesOnlyAtOld = false;
  declare readonly sample: SampleEstimator;

  /** epsilon > 0 finite and scale >= 0 finite, both checked. */
  constructor(epsilon: number, scale: number) {
    this.name = scale === 1 ? `clip(eps=${epsilon})` : `clip(eps=${epsilon}, scale=${scale})`;
    this.coefficient = scale;
    this.epsilon = epsilon;
    const hi = 1 + epsilon;
    const lo = 1 - epsilon;
    hidden(this, "sample", Object.freeze({
      unbiased: true as const,
      value(r: number, adv: number): number {
        if (scale === 0) return 0;
        const clipped = Math.min(Math.max(r, lo), hi);
        return scale * Math.max(0, (r - clipped) * adv);
      },
      derivative(r: number, adv: number): number {
        const active = (adv > 0 && r > hi) || (adv < 0 && r < lo);
        return active && scale !== 0 ? scale * adv : 0;
      },
    }));
    Object.freeze(this);
  }

  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, adv?: ArrayLike<number>): number {
    const q = needAdvantage(adv, "clip");
    const hi = 1 + this.epsilon;
    const lo = 1 - this.epsilon;
    let sum = 0;
    for (let a = s * A; a < s * A + A; a++) {
      if (q[a] > 0) sum += q[a] * Math.max(0, pi[a] - hi * piOld[a]);
      else if (q[a] < 0) sum -= q[a] * Math.max(0, lo * piOld[a] - pi[a]);
    }
    return this.coefficient * sum;
  }

  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array, adv?: ArrayLike<number>): void {
    const q = needAdvantage(adv, "clip");
    const hi = 1 + this.epsilon;
    const lo = 1 - this.epsilon;
    for (let a = s * A; a < s * A + A; a++) {
      const active = (q[a] > 0 && pi[a] > hi * piOld[a]) || (q[a] < 0 && pi[a] < lo * piOld[a]);
      out[a] = active ? this.coefficient * q[a] : 0;
    }
  }

  /** scale ReLU((r - clip r) A), r = exp(log pi - log pi_old). */
  sampleEstimate(lpo: number, lpn: number, advantage: number): number {
    const r = Math.exp(lpn - lpo);
    const clipped = Math.min(Math.max(r, 1 - this.epsilon), 1 + this.epsilon);
    return this.coefficient * Math.max(0, (r - clipped) * advantage);
  }

  sampleGradient(lpo: number, lpn: number, advantage: number): number {
    const r = Math.exp(lpn - lpo);
    const active = (advantage > 0 && r > 1 + this.epsilon) || (advantage < 0 && r < 1 - this.epsilon);
    return active ? this.coefficient * r * advantage : 0;
  }

  /** Water-filling per state with weight w(s) scale (0 in kept states, restored afterwards). */
  solveAll(ctx: StepContext): StepSolution {
    const { S, A, w, keep } = ctx;
    const k = this.coefficient;
    const coef = new Float64Array(S);
    for (let s = 0; s < S; s++) coef[s] = keep[s] || k === 0 || w[s] === 0 ? 0 : w[s] * k;
    return { policy: clipSolve(ctx.pi, ctx.adv, coef, S, A, this.epsilon) };
  }
}

function checkEpsilon(field: string, epsilon: unknown, site: ParameterSite): number {
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < Infinity)) {
    throw new ValidationError(site.prefix + field, "must be a finite number > 0", epsilon, siteOf(site));
  }
  return epsilon;
}

/** The PPO clip drift with clip range eps (finite, > 0) and scale >= 0 (default 1); see the module comment. */
export function clipDrift(epsilon: number, scale = 1): Drift {
  const site = { prefix: "", factory: "clipDrift" };
  return new ClipDrift(checkEpsilon("epsilon", epsilon, site), checkScale("scale", scale, site));
}

/** The drift of a spec { kind: "clip", epsilon, coefficient = scale (default 1) }, after the factory's checks. */
export function clipDriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof ClipDrift) return spec;
  return new ClipDrift(checkEpsilon("epsilon", spec.epsilon, site), checkScale("coefficient", spec.coefficient ?? 1, site));
}
