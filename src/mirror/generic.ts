/**
 * The generic per-state solver of the Mirror Learning step, for drifts without
 * a closed form (user drifts) and as an independent check of the exact ones:
 * mirror ascent (exponentiated gradient; Nemirovski & Yudin 1983, Beck &
 * Teboulle 2003) on the simplex with a backtracking step size.
 *
 * Per state it maximises
 *   f(p) = <p, adv> - w D_old(p) - mu KL(pi_old || p)
 * (mu > 0 only inside the KL-ball searches). Each iteration takes
 *   p+ ∝ p exp(eta g),   g = grad f(p),
 * accepting eta when f(p+) >= f(p) + <g, p+ - p> - KL(p+ || p) / eta (then
 * doubling it), else halving it, so f never decreases; once the predicted gain
 * <g, p+ - p> is below what f resolves (64 ulps), it keeps the last step size
 * that passed the test, since only the gradient still carries information. It stops when the
 * Frank-Wolfe gap max_a g_a - <p, g> (an upper bound on f* - f(p) when f is
 * concave, i.e. the drift convex) is at most `tolerance` (default 1e-10), or
 * after `maxIterations` (default 20000), or when no step size moves p any more. Coordinates where p = 0 stay 0 (a multiplicative method
 * cannot leave a face), so it starts from a mixture of pi_old with the uniform
 * policy unless the drift is infinite there (reverse KL outside pi_old's support).
 */
import { ValidationError } from "../core/errors.js";
import type { Drift } from "./drift.js";
import { klTerm } from "./kernels/kl.twin.js";

export interface GenericOptions {
  /** Frank-Wolfe gap at which a state counts as solved (default 1e-10). */
  tolerance?: number;
  /** Iteration cap per state (default 20000). */
  maxIterations?: number;
}

export interface GenericStateResult {
  /** Frank-Wolfe gap at the returned point (>= f* - f(p) for concave f). */
  gap: number;
  iterations: number;
  /** f at the returned point. */
  value: number;
}

const START_MIX = 1e-3;

/** Per-state advantages beyond this are scaled down first (see solveStateGeneric). */
const SCALE_LIMIT = 1e150;

/**
 * A drift value from user code, checked: a number >= 0 (+Infinity allowed;
 * rounding-level negatives down to -1e-9 pass), else a ValidationError naming
 * the drift and the state.
 */
export function checkedDriftValue(drift: Drift, v: unknown, state: number): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new ValidationError("drift", `${drift.name}: value() must return a number >= 0`, v, { state });
  if (v < -1e-9) throw new ValidationError("drift", `${drift.name}: value() must be >= 0 (a drift is non-negative)`, v, { state });
  return v;
}

/**
 * Where a state sits in the whole tables, so the drift sees the contract of
 * Drift.value / gradient (full S*A tables, rows at s*A): the trial row is
 * written into `p` at s*A and the gradient read from `grad` at s*A (both S*A
 * scratch; other rows of p hold pi_old, untouched by the solver).
 */
export interface GenericFrame {
  s: number;
  piOld: ArrayLike<number>;
  adv: ArrayLike<number>;
  p: Float64Array;
  grad: Float64Array;
}

/**
 * Solves one state: rows piOld, adv (length A), drift weight w >= 0 (finite),
 * KL penalty mu >= 0; writes the maximiser into out (length A). With `frame`,
 * the drift is called on the whole tables at state frame.s (as mirrorStep
 * does); without, on the rows as state 0 of a one-state table.
 */
export function solveStateGeneric(
  piOld: Float64Array,
  advIn: Float64Array,
  A: number,
  wIn: number,
  muIn: number,
  drift: Drift,
  out: Float64Array,
  { tolerance = 1e-10, maxIterations = 20000 }: GenericOptions = {},
  frame?: GenericFrame,
): GenericStateResult {
  // Advantages beyond 1e150: the objective divided by their scale (same maximiser), so
  // that no sum or gap overflows; the drift still sees the caller's advantage.
  let m = 0;
  for (let a = 0; a < A; a++) m = Math.max(m, Math.abs(advIn[a]));
  const scale = m > SCALE_LIMIT ? m : 1;
  const adv = scale === 1 ? advIn : advIn.map((x) => x / scale);
  const w = scale === 1 ? wIn : wIn / scale;
  const mu = scale === 1 ? muIn : muIn / scale;
  const grad = new Float64Array(A);
  const q = new Float64Array(A);
  const state = frame ? frame.s : 0;
  const base = state * A;
  const driftValue = (p: Float64Array): number => {
    if (!frame) return checkedDriftValue(drift, drift.value(piOld, p, 0, A, advIn), 0);
    frame.p.set(p, base);
    return checkedDriftValue(drift, drift.value(frame.piOld, frame.p, state, A, frame.adv), state);
  };
  const driftGradient = (p: Float64Array): void => {
    if (!frame) drift.gradient(piOld, p, 0, A, grad, advIn);
    else {
      frame.p.set(p, base);
      drift.gradient(frame.piOld, frame.p, state, A, frame.grad, frame.adv);
      grad.set(frame.grad.subarray(base, base + A));
    }
  };
  const f = (p: Float64Array): number => {
    let v = 0;
    for (let a = 0; a < A; a++) v += p[a] * adv[a];
    if (w > 0) v -= w * driftValue(p);
    if (mu > 0) {
      let kl = 0;
      for (let a = 0; a < A; a++) kl += klTerm(piOld[a], p[a]);
      v -= mu * kl;
    }
    return v;
  };
  const gradient = (p: Float64Array): void => {
    if (w > 0) {
      driftGradient(p);
      for (let a = 0; a < A; a++) {
        if (Number.isNaN(grad[a])) {
          throw new ValidationError("drift", `${drift.name}: gradient() wrote a non-number`, grad[a], { state, action: a });
        }
        grad[a] = adv[a] - w * grad[a];
      }
    } else grad.set(adv);
    if (mu > 0) for (let a = 0; a < A; a++) grad[a] -= mu * (piOld[a] === 0 ? 1 : 1 - piOld[a] / p[a]);
  };

  out.set(piOld);
  let hasZero = false;
  for (let a = 0; a < A; a++) if (piOld[a] === 0) hasZero = true;
  if (hasZero) {
    for (let a = 0; a < A; a++) q[a] = (1 - START_MIX) * piOld[a] + START_MIX / A;
    if (Number.isFinite(f(q))) out.set(q);
  }
  let fp = f(out);
  let eta = 0;
  // The largest step size that passed the sufficient-increase test (used once f can no longer tell).
  let etaGood = Infinity;
  let gap = Infinity;
  let it = 0;
  for (; it < maxIterations; it++) {
    gradient(out);
    let gmax = -Infinity;
    let mean = 0;
    for (let a = 0; a < A; a++) {
      if (out[a] > 0) {
        gmax = Math.max(gmax, grad[a]);
        mean += out[a] * grad[a];
      }
    }
    gap = gmax - mean;
    if (!(gap > tolerance)) break;
    if (eta === 0) {
      eta = 1 / Math.max(gap, 1e-300);
      etaGood = eta;
    }
    let moved = false;
    for (let tries = 0; tries < 80; tries++) {
      let z = 0;
      for (let a = 0; a < A; a++) {
        q[a] = out[a] > 0 ? out[a] * Math.exp(eta * (grad[a] - gmax)) : 0;
        z += q[a];
      }
      let lin = 0;
      let breg = 0;
      for (let a = 0; a < A; a++) {
        q[a] /= z;
        // Coordinates at 0 stay at 0; their gradient may be infinite (a reverse KL outside pi_old's support), and Infinity x 0 is NaN.
        if (q[a] !== out[a]) lin += grad[a] * (q[a] - out[a]);
        if (q[a] > 0) breg += klTerm(q[a], out[a]);
      }
      const fq = f(q);
      const slack = 64 * 2.220446049250313e-16 * (1 + Math.abs(fp));
      let accept: boolean;
      if (lin <= slack) {
        // The gain is below what f can resolve: the value test means nothing
        // now, so step with the last step size that passed it (never larger).
        if (eta > etaGood) {
          eta = etaGood;
          continue;
        }
        // ... and never a step that visibly lowers f.
        accept = fq >= fp - slack;
        if (!accept) etaGood = eta / 2;
      } else if (fq >= fp + lin - breg / eta) {
        accept = true;
        etaGood = eta;
        eta *= 2;
      } else accept = false;
      if (accept) {
        for (let a = 0; a < A; a++) if (q[a] !== out[a]) moved = true;
        out.set(q);
        fp = fq;
        break;
      }
      eta /= 2;
    }
    if (!moved) break;
  }
  return { gap: gap * scale, iterations: it, value: fp * scale };
}
