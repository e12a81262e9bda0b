/**
 * The squared Euclidean drift D = C ||pi(.|s) - pi_old(.|s)||^2, the Bregman
 * divergence of the squared-norm mirror map (Beck & Teboulle 2003, "Mirror
 * descent and nonlinear projected subgradient methods for convex
 * optimization"; projected policy gradient as Mirror Learning).
 *
 * Exact step: per state the Euclidean projection of pi_old + A_s / (2 w(s) C)
 * onto the simplex (kernels/l2.ts). Per-sample estimator (a ~ pi_old,
 * r = pi / pi_old, p = pi_old(a|s)): C p (r - 1)^2, unbiased since
 * E_{a~pi_old}[p (r - 1)^2] = sum_a (pi(a) - pi_old(a))^2 (a sum over actions,
 * not the square of an expectation), derivative 2 C p (r - 1).
 */
import { type StepContext, type StepSolution, penalties } from "../context.js";
import { type Drift, type DriftSpec, type ParameterSite, type SampleEstimator, checkScale, hidden } from "../drift.js";
import { l2Solve } from "../kernels/l2.js";

export class SquaredL2Drift implements Drift {
  readonly name: string;
  readonly kind = "squaredL2" as const;
  readonly coefficient: number;
  readonly needsAdvantage = false;
  readonly vanishesOnlyAtOld = true;
  declare readonly sample: SampleEstimator;

  /** C: a checked finite number >= 0. */
  constructor(C: number) {
    this.name = `squaredL2(C=${C})`;
    this.coefficient = C;
    hidden(this, "sample", Object.freeze({
      unbiased: true as const,
      value: (r: number, _adv: number, p: number) => C * p * (r - 1) ** 2,
      derivative: (r: number, _adv: number, p: number) => C * (2 * p * (r - 1)),
    }));
    Object.freeze(this);
  }

  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number): number {
    let sum = 0;
    for (let a = s * A; a < s * A + A; a++) sum += (pi[a] - piOld[a]) ** 2;
    return this.coefficient * sum;
  }

  /** 2C (pi - pi_old). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array): void {
    // C (2 d) rather than (2C) d: the same bits, and no Infinity x 0 when C is near MAX_VALUE.
    for (let a = s * A; a < s * A + A; a++) out[a] = this.coefficient * (2 * (pi[a] - piOld[a]));
  }

  /** C pi_old(a) expm1(l)^2, l = log r. */
  sampleEstimate(lo: number, ln: number): number {
    const q = Math.exp(lo);
    return this.coefficient * q * Math.expm1(ln - lo) ** 2;
  }

  sampleGradient(lo: number, ln: number): number {
    const q = Math.exp(lo);
    const r = Math.exp(ln - lo);
    return 2 * this.coefficient * q * (r - 1) * r;
  }

  /** The simplex projection per state with c(s) = w(s) C (+Infinity keeps pi_old; 0 is greedy). */
  solveAll(ctx: StepContext): StepSolution {
    return { policy: l2Solve(ctx.pi, ctx.adv, penalties(ctx, this.coefficient), ctx.S, ctx.A) };
  }
}

/** Squared Euclidean drift C ||pi - pi_old||^2, C a finite number >= 0 (see the module comment). */
export function squaredL2Drift(C: number): Drift {
  return new SquaredL2Drift(checkScale("C", C, { prefix: "", factory: "squaredL2Drift" }));
}

/** The drift of a spec { kind: "squaredL2", coefficient: C }, after the factory's check. */
export function squaredL2DriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof SquaredL2Drift) return spec;
  return new SquaredL2Drift(checkScale("coefficient", spec.coefficient, site));
}
