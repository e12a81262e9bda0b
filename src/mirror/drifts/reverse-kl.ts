/**
 * The reverse-KL drift D = (1/eta) KL(pi(.|s) || pi_old(.|s)): natural policy
 * gradient / policy mirror descent with step size eta (Kakade 2001, "A
 * Natural Policy Gradient"; Xiao 2022, "On the Convergence Rates of Policy
 * Gradient Methods"; Kuba, Schroeder de Witt & Foerster 2022,
 * "Mirror Learning").
 *
 * Exact step: per state p ∝ pi_old exp(A_s / (w(s) C)), C = 1/eta, in log
 * space (kernels/exp-update.ts), so probabilities never underflow to 0. The
 * limits are exact: an infinite penalty (w(s) C = +Infinity, e.g. eta below
 * 1/MAX_VALUE) keeps pi_old; a huge step (eta w(s)^-1 max|A_s| beyond 1e305,
 * e.g. eta = 1e300) is capped there, where the update is already greedy
 * within pi_old's support to machine precision (exp(-1e305) = 0); w(s) = 0
 * (nu(s) = 0 < beta(s): the state's drift does not count) is the greedy step
 * over all actions, the zero drift's. Per-sample estimator (a ~ pi_old,
 * r = pi / pi_old): C (r log r - r + 1) >= 0, unbiased since E[r] = 1,
 * derivative C log r.
 */
import { type StepContext, type StepSolution, penalties } from "../context.js";
import { type Drift, type DriftSpec, type ParameterSite, type SampleEstimator, hidden, siteOf } from "../drift.js";
import { ValidationError } from "../../core/errors.js";
import { expStepUnchecked } from "../kernels/exp-update.js";
import { klTerm, phi } from "../kernels/kl.twin.js";
import { perStateKlUnchecked } from "../kernels/kl.js";

/** |coefficient x advantage| stays below this in the exponential update (no overflow; greedy long before). */
const LOGIT_LIMIT = 1e305;

export class ReverseKlDrift implements Drift {
  readonly name: string;
  readonly kind = "reverseKl" as const;
  /** 1/eta (+Infinity when eta is below 1/MAX_VALUE: the drift then keeps pi_old). */
  readonly coefficient: number;
  /** The step size eta. */
  readonly eta: number;
  readonly needsAdvantage = false;
  readonly vanishesOnlyAtOld = true;
  declare readonly sample: SampleEstimator;

  /** k = 1/eta > 0 (+Infinity allowed), both checked. */
  constructor(k: number, eta: number) {
    this.name = `reverseKl(eta=${eta})`;
    this.coefficient = k;
    this.eta = eta;
    hidden(this, "sample", Object.freeze({
      unbiased: true as const,
      // r log r - r + 1 = r phi(1/r), accurate near r = 1; 1 at r = 0.
      value: (r: number) => scaled(k, r === 0 ? 1 : r * phi(1 / r)),
      derivative: (r: number) => scaled(k, Math.log(r)),
    }));
    Object.freeze(this);
  }

  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number): number {
    let sum = 0;
    for (let a = s * A; a < s * A + A; a++) sum += klTerm(pi[a], piOld[a]);
    return scaled(this.coefficient, sum);
  }

  /** C log(pi(a) / pi_old(a)); +Infinity outside pi_old's support (any mass there costs an infinite drift). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array): void {
    for (let a = s * A; a < s * A + A; a++) out[a] = piOld[a] === 0 ? Infinity : scaled(this.coefficient, Math.log(pi[a] / piOld[a]));
  }

  /** C (r l - expm1(l)), l = log r. */
  sampleEstimate(lo: number, ln: number): number {
    const l = ln - lo;
    const r = Math.exp(l);
    return scaled(this.coefficient, r * l - Math.expm1(l));
  }

  sampleGradient(lo: number, ln: number): number {
    const l = ln - lo;
    return scaled(this.coefficient, Math.exp(l) * l);
  }

  /** The exponential update per state (see the module comment for its limits); returns the log-policy and KL(p || pi_old). */
  solveAll(ctx: StepContext): StepSolution {
    return expPenaltyStep(ctx, penalties(ctx, this.coefficient), (s) => ctx.w[s] === 0);
  }

  /** The drift as c(s) KL(p || pi_old), c(s) = w(s)/eta (+Infinity in kept states), for the reverse mean-KL ball. */
  reverseKlPenalty(ctx: StepContext): Float64Array {
    return penalties(ctx, this.coefficient);
  }

  /** C KL(p || pi_old) per state (the solver's own KL when given). */
  stateValues(ctx: StepContext, p: Float64Array, klFromOld?: Float64Array): Float64Array {
    const kl = klFromOld ?? perStateKlUnchecked(p, ctx.pi, ctx.S, ctx.A);
    const out = new Float64Array(ctx.S);
    for (let s = 0; s < ctx.S; s++) out[s] = scaled(this.coefficient, kl[s]);
    return out;
  }
}

/**
 * Per state the maximiser of <p, A_s> - penalty(s) KL(p || pi_old(.|s)) over
 * the simplex, p ∝ pi_old exp(A_s / penalty(s)), in log space (kernels/exp-update.ts)
 * with the limits of the module comment: penalty(s) = +Infinity (or a kept
 * state) keeps pi_old exactly; a step 1/penalty(s) so large that it would
 * overflow (penalty 0 included) is capped, which is the greedy step within
 * pi_old's support (ties in proportion to pi_old), the limit penalty -> 0+;
 * `greedyAll(s)` true takes the greedy step over all actions instead (no
 * penalty at all, w(s) = 0). Returns the log-policy and KL(p || pi_old) per
 * state, kept rows restored. Shared by the reverse-KL drift and the reverse
 * mean-KL ball.
 */
export function expPenaltyStep(ctx: StepContext, penalty: Float64Array, greedyAll: (s: number) => boolean): StepSolution {
  const { S, A, pi, adv, keep } = ctx;
  // Per state: 0 = the exponential update, 1 = keep pi_old exactly, 2 = greedy over all actions.
  const mode = new Uint8Array(S);
  const fillCoef = (out: Float64Array): void => {
    for (let s = 0; s < S; s++) {
      if (keep[s]) mode[s] = 1;
      else if (greedyAll(s)) mode[s] = 2;
      else {
        const c = penalty[s];
        if (c === Infinity) mode[s] = 1;
        else {
          let e = 1 / c;
          if (!(e * ctx.maxAbsAdv <= LOGIT_LIMIT)) e = capped(adv, s, A, e);
          out[s] = e;
          continue;
        }
      }
      out[s] = 0;
    }
  };
  const restore = (o: Float64Array, lo: Float64Array): void => {
    for (let s = 0; s < S; s++) {
      if (mode[s] === 1) {
        for (let a = s * A; a < s * A + A; a++) {
          o[a] = pi[a];
          lo[a] = ctx.logPi ? ctx.logPi[a] : Math.log(pi[a]);
        }
      } else if (mode[s] === 2) {
        let best = s * A;
        for (let a = s * A + 1; a < s * A + A; a++) if (adv[a] > adv[best]) best = a;
        for (let a = s * A; a < s * A + A; a++) {
          o[a] = a === best ? 1 : 0;
          lo[a] = a === best ? 0 : -Infinity;
        }
      }
    }
  };
  const r = expStepUnchecked(pi, ctx.logPi, adv, S, A, fillCoef, restore);
  return { policy: r.policy, logPolicy: r.logPolicy, klFromOld: r.kl, restored: true };
}

/** k x with 0 for x = 0 whatever k (an infinite coefficient at pi_old is still no drift). */
function scaled(k: number, x: number): number {
  return x === 0 ? 0 : k * x;
}

/**
 * The step coefficient e of state s capped so that e max_a |A(s,a)| <= LOGIT_LIMIT
 * and e stays finite (0 when the row's advantages vanish: any e gives pi_old).
 */
function capped(adv: Float64Array, s: number, A: number, e: number): number {
  let m = 0;
  for (let a = s * A; a < s * A + A; a++) m = Math.max(m, Math.abs(adv[a]));
  return m === 0 ? 0 : Math.min(e, LOGIT_LIMIT / m, Number.MAX_VALUE);
}

/**
 * Reverse KL drift (1/eta) KL(pi || pi_old), eta a finite number > 0 (see the
 * module comment; an eta so small that 1/eta overflows keeps pi_old).
 */
export function reverseKlDrift(eta: number): Drift {
  if (typeof eta !== "number" || !(eta > 0 && eta < Infinity)) {
    throw new ValidationError("eta", "step size must be a finite number > 0", eta, { function: "reverseKlDrift" });
  }
  return new ReverseKlDrift(1 / eta, eta);
}

/** The drift of a spec { kind: "reverseKl", coefficient: 1/eta } (> 0, +Infinity allowed). */
export function reverseKlDriftFrom(spec: DriftSpec, site: ParameterSite): Drift {
  if (spec instanceof ReverseKlDrift) return spec;
  const k = spec.coefficient;
  if (typeof k !== "number" || !(k > 0)) {
    throw new ValidationError(`${site.prefix}coefficient`, "must be a number > 0 (1/eta; +Infinity allowed)", k, siteOf(site));
  }
  return new ReverseKlDrift(k, 1 / k);
}
