/**
 * The zero drift D = 0: generalised policy iteration (Howard 1960; Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning": GPI is
 * Mirror Learning with the zero drift and all policies), whose step is greedy.
 */
import type { StepContext, StepSolution } from "../context.js";
import { penalties } from "../context.js";
import type { Drift, DriftSpec, ParameterSite, SampleEstimator } from "../drift.js";
import { greedyStep } from "../kernels/greedy.js";

const SAMPLE: SampleEstimator = Object.freeze({ unbiased: true as const, value: () => 0, derivative: () => 0 });

export class ZeroDrift implements Drift {
  readonly name = "zero";
  readonly kind = "zero" as const;
  readonly coefficient = 0;
  readonly needsAdvantage = false;
  readonly vanishesOnlyAtOld = false;

  constructor() {
    Object.freeze(this);
  }

  value(): number {
    return 0;
  }

  gradient(_piOld: ArrayLike<number>, _pi: ArrayLike<number>, s: number, A: number, out: Float64Array): void {
    out.fill(0, s * A, s * A + A);
  }

  /** 0 for every sample. */
  get sample(): SampleEstimator {
    return SAMPLE;
  }

  sampleEstimate(): number {
    return 0;
  }

  sampleGradient(): number {
    return 0;
  }

  /** The greedy policy in the advantage, ties to the lowest action (the weight does not matter). */
  solveAll(ctx: StepContext): StepSolution {
    return { policy: greedyStep(ctx.adv, ctx.S, ctx.A) };
  }

  /** No penalty: 0 in every state (+Infinity in kept states). */
  klPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, 0);
  }

  reverseKlPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, 0);
  }

  tvPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, 0);
  }
}

const ZERO = new ZeroDrift();

/** The zero drift D = 0: generalised policy iteration (greedy steps). */
export function zeroDrift(): Drift {
  return ZERO;
}

/** The zero drift from its plain fields (nothing to check). */
export function zeroDriftFrom(_spec: DriftSpec, _site: ParameterSite): Drift {
  return ZERO;
}
