/**
 * Drifts of Mirror Learning (Kuba, Schroeder de Witt, Foerster 2022, seed 000):
 * a drift D_old(pi | s) >= 0 measures how far pi(.|s) moved from pi_old(.|s),
 * with D_old(pi_old | s) = 0 and zero derivative there. The same objects serve
 * the exact tabular step (value, gradient, and a `kind` that selects a closed
 * form) and the sample-based losses (per-sample estimators).
 *
 * Layout: `piOld`, `pi` (and `adv`) are S*A tables read at offsets s*A .. s*A+A-1,
 * so one state of a full table or a length-A row with s = 0 both work.
 *
 * Gradients are those of the drift's natural extension off the simplex (the
 * generalised KL sum [q log(q/p) - q + p] rather than sum q log(q/p)): equal on
 * the simplex, with the same derivative along every direction inside it, and
 * exactly zero at pi = pi_old.
 */
import { ValidationError } from "../core/errors.js";
import { klTerm } from "./kernels/kl.twin.js";

/** Which closed form `mirrorStep` may use; "custom" drifts go to the generic solver. */
export type DriftKind = "zero" | "forwardKl" | "reverseKl" | "squaredTv" | "squaredL2" | "clip" | "custom";

export interface Drift {
  /** A readable name with parameters, e.g. "forwardKl(C=2)". */
  readonly name: string;
  readonly kind: DriftKind;
  /**
   * The drift's scale: C for forwardKl / squaredTv / squaredL2, 1/eta for
   * reverseKl, the weight of the clip penalty for clip (1 by default), 0 for zero.
   */
  readonly coefficient: number;
  /** Clip range of the clip drift. */
  readonly epsilon?: number;
  /** Whether value/gradient read the old advantage (the clip drift does). */
  readonly needsAdvantage: boolean;
  /** D_old(pi | s) >= 0 for state s (rows at s*A); may be +Infinity. */
  value(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, adv?: ArrayLike<number>): number;
  /** Writes dD/dpi(a|s) into out[s*A + a] for a in [0, A) (a subgradient where D has kinks). */
  gradient(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number, out: Float64Array, adv?: ArrayLike<number>): void;
  /**
   * Per-sample estimate for a ~ pi_old(.|s): given log pi_old(a|s), log pi(a|s)
   * and the old advantage A(s,a), a number whose expectation over a ~ pi_old is
   * D_old(pi | s) (undefined for drifts with no unbiased single-sample form).
   */
  sampleEstimate?(logProbOld: number, logProbNew: number, advantage: number): number;
  /** Derivative of sampleEstimate in logProbNew (for the sample-based losses). */
  sampleGradient?(logProbOld: number, logProbNew: number, advantage: number): number;
}

function checkScale(field: string, C: unknown, where: string): number {
  if (typeof C !== "number" || !(C >= 0 && C < Infinity)) {
    throw new ValidationError(field, `${where}: must be a finite number >= 0`, C);
  }
  return C;
}

function needAdvantage(adv: ArrayLike<number> | undefined, name: string): ArrayLike<number> {
  if (!adv) throw new ValidationError("advantage", `the ${name} drift needs the old advantage`, adv);
  return adv;
}

/** The zero drift D = 0: generalised policy iteration (greedy steps). */
export function zeroDrift(): Drift {
  return {
    name: "zero",
    kind: "zero",
    coefficient: 0,
    needsAdvantage: false,
    value: () => 0,
    gradient(_piOld, _pi, s, A, out) {
      out.fill(0, s * A, s * A + A);
    },
    sampleEstimate: () => 0,
    sampleGradient: () => 0,
  };
}

/**
 * Forward KL drift D = C KL(pi_old(.|s) || pi(.|s)) = C sum_a pi_old log(pi_old / pi):
 * trust-region learning (Schulman et al. 2015; seed 000's TRL instance).
 * Gradient C (1 - pi_old(a) / pi(a)). Sample estimator for a ~ pi_old, r = pi/pi_old:
 * C ((r - 1) - log r) >= 0 (unbiased since E[r] = 1; Schulman's "k3").
 */
export function forwardKlDrift(C: number): Drift {
  checkScale("C", C, "forwardKlDrift");
  return {
    name: `forwardKl(C=${C})`,
    kind: "forwardKl",
    coefficient: C,
    needsAdvantage: false,
    value(piOld, pi, s, A) {
      if (C === 0) return 0;
      let sum = 0;
      for (let a = s * A; a < s * A + A; a++) sum += klTerm(piOld[a], pi[a]);
      return C * sum;
    },
    gradient(piOld, pi, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) out[a] = piOld[a] === 0 ? C : C * (1 - piOld[a] / pi[a]);
    },
    sampleEstimate(lo, ln) {
      const l = ln - lo;
      return C * (Math.expm1(l) - l);
    },
    sampleGradient(lo, ln) {
      return C * Math.expm1(ln - lo);
    },
  };
}

/**
 * Reverse KL drift D = (1/eta) KL(pi(.|s) || pi_old(.|s)): natural policy
 * gradient / policy mirror descent with step size eta (Xiao 2022; seed 001).
 * Gradient (1/eta) log(pi(a) / pi_old(a)). Sample estimator for a ~ pi_old:
 * (1/eta) (r log r - r + 1) >= 0.
 */
export function reverseKlDrift(eta: number): Drift {
  if (typeof eta !== "number" || !(eta > 0 && eta < Infinity)) {
    throw new ValidationError("eta", "reverseKlDrift: step size must be a finite number > 0", eta);
  }
  const k = 1 / eta;
  return {
    name: `reverseKl(eta=${eta})`,
    kind: "reverseKl",
    coefficient: k,
    needsAdvantage: false,
    value(piOld, pi, s, A) {
      let sum = 0;
      for (let a = s * A; a < s * A + A; a++) sum += klTerm(pi[a], piOld[a]);
      return k * sum;
    },
    gradient(piOld, pi, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) out[a] = k * Math.log(pi[a] / piOld[a]);
    },
    sampleEstimate(lo, ln) {
      const l = ln - lo;
      const r = Math.exp(l);
      return k * (r * l - Math.expm1(l));
    },
    sampleGradient(lo, ln) {
      const l = ln - lo;
      return k * Math.exp(l) * l;
    },
  };
}

function tvOf(piOld: ArrayLike<number>, pi: ArrayLike<number>, s: number, A: number): number {
  let sum = 0;
  for (let a = s * A; a < s * A + A; a++) sum += Math.abs(pi[a] - piOld[a]);
  return 0.5 * sum;
}

/**
 * Squared total-variation drift D = C TV(pi, pi_old)^2, TV = 1/2 sum_a |pi - pi_old|
 * (the TV^2 <= KL/2 bound behind TRPO's guarantee, Schulman et al. 2015).
 * Subgradient C TV sign(pi(a) - pi_old(a)). No unbiased single-sample estimator.
 */
export function squaredTvDrift(C: number): Drift {
  checkScale("C", C, "squaredTvDrift");
  return {
    name: `squaredTv(C=${C})`,
    kind: "squaredTv",
    coefficient: C,
    needsAdvantage: false,
    value(piOld, pi, s, A) {
      const tv = tvOf(piOld, pi, s, A);
      return C * tv * tv;
    },
    gradient(piOld, pi, s, A, out) {
      const tv = tvOf(piOld, pi, s, A);
      for (let a = s * A; a < s * A + A; a++) out[a] = C * tv * Math.sign(pi[a] - piOld[a]);
    },
  };
}

/**
 * Squared Euclidean drift D = C ||pi(.|s) - pi_old(.|s)||^2 (the Bregman
 * divergence of the squared-norm mirror map). Gradient 2C (pi - pi_old).
 * Sample estimator for a ~ pi_old: C pi_old(a) (r - 1)^2.
 */
export function squaredL2Drift(C: number): Drift {
  checkScale("C", C, "squaredL2Drift");
  return {
    name: `squaredL2(C=${C})`,
    kind: "squaredL2",
    coefficient: C,
    needsAdvantage: false,
    value(piOld, pi, s, A) {
      let sum = 0;
      for (let a = s * A; a < s * A + A; a++) sum += (pi[a] - piOld[a]) ** 2;
      return C * sum;
    },
    gradient(piOld, pi, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) out[a] = 2 * C * (pi[a] - piOld[a]);
    },
    sampleEstimate(lo, ln) {
      const q = Math.exp(lo);
      return C * q * Math.expm1(ln - lo) ** 2;
    },
    sampleGradient(lo, ln) {
      const q = Math.exp(lo);
      const r = Math.exp(ln - lo);
      return 2 * C * q * (r - 1) * r;
    },
  };
}

/**
 * The PPO clip drift (Schulman et al. 2017 as Mirror Learning, seed 000):
 *   D = scale * E_{a~pi_old}[ ReLU( (r - clip(r, 1-eps, 1+eps)) A_old(s,a) ) ],  r = pi/pi_old,
 * which is zero on a neighbourhood of pi_old (so its derivative vanishes
 * there). Written per action without the ratio:
 *   A > 0: A max(0, pi(a) - (1+eps) pi_old(a));  A < 0: |A| max(0, (1-eps) pi_old(a) - pi(a)),
 * the limit of the ratio form where pi_old(a) = 0. Subgradient: A(a) where the
 * term is active, 0 elsewhere. Sample estimator: scale ReLU((r - clip r) A).
 * Needs the old advantage. eps > 0, scale >= 0.
 */
export function clipDrift(epsilon: number, scale = 1): Drift {
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < Infinity)) {
    throw new ValidationError("epsilon", "clipDrift: must be a finite number > 0", epsilon);
  }
  checkScale("scale", scale, "clipDrift");
  const hi = 1 + epsilon;
  const lo = 1 - epsilon;
  return {
    name: scale === 1 ? `clip(eps=${epsilon})` : `clip(eps=${epsilon}, scale=${scale})`,
    kind: "clip",
    coefficient: scale,
    epsilon,
    needsAdvantage: true,
    value(piOld, pi, s, A, adv) {
      const q = needAdvantage(adv, "clip");
      let sum = 0;
      for (let a = s * A; a < s * A + A; a++) {
        if (q[a] > 0) sum += q[a] * Math.max(0, pi[a] - hi * piOld[a]);
        else if (q[a] < 0) sum -= q[a] * Math.max(0, lo * piOld[a] - pi[a]);
      }
      return scale * sum;
    },
    gradient(piOld, pi, s, A, out, adv) {
      const q = needAdvantage(adv, "clip");
      for (let a = s * A; a < s * A + A; a++) {
        const active = (q[a] > 0 && pi[a] > hi * piOld[a]) || (q[a] < 0 && pi[a] < lo * piOld[a]);
        out[a] = active ? scale * q[a] : 0;
      }
    },
    sampleEstimate(lpo, lpn, advantage) {
      const r = Math.exp(lpn - lpo);
      const clipped = Math.min(Math.max(r, lo), hi);
      return scale * Math.max(0, (r - clipped) * advantage);
    },
    sampleGradient(lpo, lpn, advantage) {
      const r = Math.exp(lpn - lpo);
      const active = (advantage > 0 && r > hi) || (advantage < 0 && r < lo);
      return active ? scale * r * advantage : 0;
    },
  };
}

/** What a user supplies for `customDrift`. */
export interface CustomDriftSpec {
  name?: string;
  needsAdvantage?: boolean;
  value: Drift["value"];
  gradient: Drift["gradient"];
  sampleEstimate?: Drift["sampleEstimate"];
  sampleGradient?: Drift["sampleGradient"];
}

/**
 * A user-defined drift. `mirrorStep` solves it with the generic solver (mirror
 * ascent, see generic.ts), which assumes the drift is convex in pi(.|s) for its
 * certificate of optimality; the Mirror Learning theorem itself needs only
 * D >= 0 with D(pi_old) = 0 and zero derivative there (checked by the tests of
 * the built-ins, and checkable with `checkDrift`).
 */
export function customDrift(spec: CustomDriftSpec): Drift {
  if (spec === null || typeof spec !== "object") throw new ValidationError("spec", "customDrift: must be an object", spec);
  if (typeof spec.value !== "function") throw new ValidationError("value", "customDrift: must be a function", typeof spec.value);
  if (typeof spec.gradient !== "function") {
    throw new ValidationError("gradient", "customDrift: must be a function", typeof spec.gradient);
  }
  return {
    name: spec.name ?? "custom",
    kind: "custom",
    coefficient: 1,
    needsAdvantage: spec.needsAdvantage ?? false,
    value: spec.value,
    gradient: spec.gradient,
    sampleEstimate: spec.sampleEstimate,
    sampleGradient: spec.sampleGradient,
  };
}

/** What `checkDrift` found at one old policy. */
export interface DriftCheck {
  /** D_old(pi_old | s), should be 0. */
  valueAtOld: number;
  /** Largest |directional derivative| at pi_old along random directions inside the simplex (finite differences). */
  slopeAtOld: number;
  /** Smallest D_old(pi | s) seen at random policies pi (should be >= 0). */
  minValue: number;
}

/**
 * Numerical check of the drift axioms at one state of `piOld` (a full-support
 * row is best): value at pi_old, central-difference directional derivatives at
 * pi_old along `directions` random zero-sum directions, and non-negativity at
 * random points. `random` is a uniform [0, 1) source (e.g. `() => rng.random()`).
 */
export function checkDrift(
  drift: Drift,
  piOld: Float64Array,
  s: number,
  A: number,
  random: () => number,
  { adv, directions = 8, points = 64, h = 1e-6 }: { adv?: Float64Array; directions?: number; points?: number; h?: number } = {},
): DriftCheck {
  const base = s * A;
  const valueAtOld = drift.value(piOld, piOld, s, A, adv);
  const row = Float64Array.from(piOld);
  let slopeAtOld = 0;
  for (let k = 0; k < directions; k++) {
    const d = new Float64Array(A);
    let mean = 0;
    for (let a = 0; a < A; a++) {
      d[a] = 2 * random() - 1;
      mean += d[a];
    }
    mean /= A;
    for (let a = 0; a < A; a++) d[a] -= mean;
    let scale = 1;
    for (let a = 0; a < A; a++) if (d[a] !== 0) scale = Math.min(scale, piOld[base + a] / Math.abs(d[a]));
    const step = h * scale;
    for (let a = 0; a < A; a++) row[base + a] = piOld[base + a] + step * d[a];
    const up = drift.value(piOld, row, s, A, adv);
    for (let a = 0; a < A; a++) row[base + a] = piOld[base + a] - step * d[a];
    const down = drift.value(piOld, row, s, A, adv);
    slopeAtOld = Math.max(slopeAtOld, Math.abs(up - down) / (2 * step));
  }
  let minValue = Infinity;
  for (let k = 0; k < points; k++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      row[base + a] = -Math.log(1 - random());
      sum += row[base + a];
    }
    for (let a = 0; a < A; a++) row[base + a] /= sum;
    minValue = Math.min(minValue, drift.value(piOld, row, s, A, adv));
  }
  return { valueAtOld, slopeAtOld, minValue };
}
