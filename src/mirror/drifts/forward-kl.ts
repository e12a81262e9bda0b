/**
 * The forward-KL drift D = C KL(pi_old(.|s) || pi(.|s)) = C sum_a pi_old log(pi_old / pi):
 * trust-region learning (Schulman et al. 2015, "Trust Region Policy
 * Optimization", Theorem 1 with the KL penalty; Kuba, Schroeder de Witt &
 * Foerster 2022, "Mirror Learning", as a per-state drift).
 *
 * Exact step: per state the trust-region dual p(a) = c pi_old(a) / (lambda - A(a)),
 * c = w(s) C (kernels/trl.ts). The KL balls merge it into their own dual as
 * the penalty c(s) = w(s) C. Per-sample estimator (a ~ pi_old, r = pi / pi_old):
 * C ((r - 1) - log r) >= 0, unbiased since E[r] = 1 (Schulman 2020's "k3"
 * control variate on -log r), derivative C (1 - 1/r).
 */
import { type StepContext, type StepSolution, penalties } from "../context.js";
import { type Drift, type DriftSpec, type ParameterSite, type SampleEstimator, checkScale, hidden } from "../drift.js";
import { klTerm, phi } from "../kernels/kl.twin.js";
import { perStateKlUnchecked } from "../kernels/kl.js";
import { trlSolve } from "../kernels/trl.js";

export class ForwardKlDrift implements Drift {
  readonly name: string;
  readonly kind = "forwardKl" as const;
  readonly coefficient: number;
  readonly needsAdvantage = false;
  readonly vanishesOnlyAtOld = true;
  declare readonly sample: SampleEstimator;

  /** C: a checked finite number >= 0. */
  constructor(C: number) {
    this.name = `forwardKl(C=${C})`;
    this.coefficient = C;
    hidden(this, "sample", Object.freeze({
      unbiased: true as const,
      value: (r: number) => (C === 0 ? 0 : C * phi(r)),
      derivative: (r: number) => (C === 0 ? 0 : C * (1 - 1 / r)),
    }));
    Object.freeze(this);
  }

  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number): number {
    const C = this.coefficient;
    if (C === 0) return 0;
    let sum = 0;
    for (let a = s * A; a < s * A + A; a++) sum += klTerm(piOld[a], pi[a]);
    return C * sum;
  }

  /** C (1 - pi_old(a) / pi(a)) (C where pi_old(a) = 0, the generalised KL's derivative). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array): void {
    const C = this.coefficient;
    for (let a = s * A; a < s * A + A; a++) out[a] = piOld[a] === 0 ? C : C * (1 - piOld[a] / pi[a]);
  }

  /** C (expm1(l) - l), l = log r. */
  sampleEstimate(lo: number, ln: number): number {
    const l = ln - lo;
    return this.coefficient * (Math.expm1(l) - l);
  }

  sampleGradient(lo: number, ln: number): number {
    return this.coefficient * Math.expm1(ln - lo);
  }

  /** The trust-region dual per state with c(s) = w(s) C (+Infinity keeps pi_old; 0 is greedy). */
  solveAll(ctx: StepContext): StepSolution {
    return { policy: trlSolve(ctx.pi, ctx.adv, penalties(ctx, this.coefficient), ctx.S, ctx.A) };
  }

  klPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, this.coefficient);
  }

  /** C KL(pi_old || p) per state, in one SIMD pass. */
  stateValues(ctx: StepContext, p: Float64Array): Float64Array {
    const kl = perStateKlUnchecked(ctx.pi, p, ctx.S, ctx.A);
    for (let s = 0; s < ctx.S; s++) kl[s] = this.coefficient * kl[s];
    return kl;
  }
}

/** Forward KL drift C KL(pi_old || pi), C a finite number >= 0 (see the module comment). */
export function forwardKlDrift(C: number): Drift {
  return new ForwardKlDrift(checkScale("C", C, { prefix: "", factory: "forwardKlDrift" }));
}

/** The drift of a spec { kind: "forwardKl", coefficient: C }, after the factory's check. */
export function forwardKlDriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof ForwardKlDrift) return spec;
  return new ForwardKlDrift(checkScale("coefficient", spec.coefficient, site));
}
