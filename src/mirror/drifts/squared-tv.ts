/**
 * The squared total-variation drift D = C TV(pi(.|s), pi_old(.|s))^2,
 * TV = 1/2 sum_a |pi - pi_old| (the TV^2 <= KL/2 bound behind TRPO's
 * guarantee: Schulman et al. 2015, "Trust Region Policy Optimization",
 * Theorem 1 and Pinsker's inequality).
 *
 * Exact step: per state, draining the lowest-advantage actions into the best
 * one (kernels/tv.ts), also the TV ball's solver with the penalty
 * c(s) = w(s) C. No per-sample estimator: TV^2 = (1/2 E_{a~pi_old}|r - 1|)^2
 * is the square of a per-state expectation, which no function of one sample
 * estimates without bias. `batch` is the unbiased U-statistic from n >= 2
 * independent actions of one state: C/4 ((sum_i x_i)^2 - sum_i x_i^2) / (n (n-1)),
 * x_i = |r_i - 1|.
 */
import { type StepContext, type StepSolution, penalties } from "../context.js";
import { type BatchEstimator, type Drift, type DriftSpec, type ParameterSite, checkScale, hidden } from "../drift.js";
import { ValidationError } from "../../core/errors.js";
import { tvRow } from "../kernels/kl.twin.js";
import { tvSolve } from "../kernels/tv.js";

function sampleCount(ratios: ArrayLike<number>): number {
  const n = ratios.length;
  if (!(n >= 2)) throw new ValidationError("ratios", "the squared-TV batch estimator needs at least 2 samples of one state", n);
  return n;
}

export class SquaredTvDrift implements Drift {
  readonly name: string;
  readonly kind = "squaredTv" as const;
  readonly coefficient: number;
  readonly needsAdvantage = false;
  readonly vanishesOnlyAtOld = true;
  declare readonly batch: BatchEstimator;

  /** C: a checked finite number >= 0. */
  constructor(C: number) {
    this.name = `squaredTv(C=${C})`;
    this.coefficient = C;
    hidden(this, "batch", Object.freeze({
      unbiased: true as const,
      minSamples: 2,
      value(ratios: ArrayLike<number>): number {
        const n = sampleCount(ratios);
        let sum = 0;
        let squares = 0;
        for (let i = 0; i < n; i++) {
          const x = Math.abs(ratios[i] - 1);
          sum += x;
          squares += x * x;
        }
        return C === 0 ? 0 : (C / 4) * ((sum * sum - squares) / (n * (n - 1)));
      },
      gradient(ratios: ArrayLike<number>, _adv: ArrayLike<number>, _p: ArrayLike<number>, out: Float64Array): void {
        const n = sampleCount(ratios);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += Math.abs(ratios[i] - 1);
        for (let i = 0; i < n; i++) {
          const x = Math.abs(ratios[i] - 1);
          out[i] = C === 0 ? 0 : ((C / 2) * (sum - x) * Math.sign(ratios[i] - 1)) / (n * (n - 1));
        }
      },
    }));
    Object.freeze(this);
  }

  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number): number {
    const tv = tvRow(pi, piOld, s, A);
    return this.coefficient * tv * tv;
  }

  /** Subgradient C TV sign(pi(a) - pi_old(a)). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array): void {
    const tv = tvRow(pi, piOld, s, A);
    // C (tv sign): the same bits as (C tv) sign, and no Infinity x 0 when C is near MAX_VALUE.
    for (let a = s * A; a < s * A + A; a++) out[a] = this.coefficient * (tv * Math.sign(pi[a] - piOld[a]));
  }

  /** Drain-the-worst per state with c(s) = w(s) C and no cap. */
  solveAll(ctx: StepContext): StepSolution {
    return { policy: tvSolve(ctx.pi, ctx.adv, penalties(ctx, this.coefficient), Infinity, ctx.S, ctx.A) };
  }

  tvPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, this.coefficient);
  }
}

/** Squared total-variation drift C TV(pi, pi_old)^2, C a finite number >= 0 (see the module comment). */
export function squaredTvDrift(C: number): Drift {
  return new SquaredTvDrift(checkScale("C", C, { prefix: "", factory: "squaredTvDrift" }));
}

/** The drift of a spec { kind: "squaredTv", coefficient: C }, after the factory's check. */
export function squaredTvDriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof SquaredTvDrift) return spec;
  return new SquaredTvDrift(checkScale("coefficient", spec.coefficient, site));
}
