/**
 * The three lemmas behind conservative policy iteration's improvement
 * guarantee (Kakade & Langford 2002, "Approximately Optimal Approximate
 * Reinforcement Learning"; in the form of Agarwal, Jiang, Kakade & Sun,
 * "Reinforcement Learning: Theory and Algorithms", ch. 12), for the mixture
 *
 *   pi_{k+1} = (1 - alpha) pi_k + alpha pi',      alpha in [0, 1]:
 *
 * 1. the policies move little in every state (`cpiPolicyShift`):
 *      ||pi_{k+1}(.|s) - pi_k(.|s)||_1 = alpha ||pi'(.|s) - pi_k(.|s)||_1 <= 2 alpha;
 * 2. so do their discounted visitations (`cpiVisitationShift`): if
 *    ||pi(.|s) - pi_k(.|s)||_1 <= 2 alpha in every state, then
 *      ||d_pi - d_{pi_k}||_1 <= 2 alpha gamma / (1-gamma),
 *    for the NORMALISED visitation d_pi = (1-gamma) sum_t gamma^t P(s_t = .)
 *    (a distribution; the rho_{pi,mu} of the lemma, the measure under which
 *    the performance difference lemma carries its 1/(1-gamma)). Proof:
 *    d' - d = gamma d' (P_pi' - P_pi) (I - gamma P_pi)^{-1}, whose L1 norm is at
 *    most gamma max_s ||pi'(.|s) - pi(.|s)||_1 / (1-gamma). For the unnormalised
 *    rho = d / (1-gamma) the bound would read 2 alpha gamma / (1-gamma)^2;
 * 3. expectations move by at most the L1 distance times the largest value
 *    (`cpiExpectationShift`): |E_p f - E_q f| <= ||p - q||_1 max_z |f(z)|.
 *
 * Chained (3 with f = the advantage of pi' under pi_k, then 2 and 1) they give
 * CPI's guarantee, `cpiBound`. Each function returns the measured left side,
 * the bound and whether it holds (up to `tolerance` x max(1, bound), for the
 * rounding of two exact evaluations).
 */
import { ValidationError } from "../core/errors.js";
import { evaluate, type EvaluateOptions } from "../evaluation/evaluate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { checkDistribution, checkLength, checkNumber, checkOptions, checkPolicy, checkShape, isArrayLike, kindOf } from "../core/validate.js";
import { checkMdp } from "../instances/instance.js";

/** A measured left side against its bound. */
export interface LemmaCheck {
  /** The measured left side. */
  lhs: number;
  /** The lemma's right side. */
  bound: number;
  /** lhs <= bound + tolerance max(1, bound). */
  holds: boolean;
}

/** Lemma 1's check, with the mixture itself. */
export interface PolicyShift extends LemmaCheck {
  /** max_s ||pi_{k+1}(.|s) - pi_k(.|s)||_1. */
  lhs: number;
  /** 2 alpha. */
  bound: number;
  /** pi_{k+1} = (1 - alpha) pi_k + alpha pi'. */
  mixture: Float64Array;
}

/** Lemma 2's check. */
export interface VisitationShift extends LemmaCheck {
  /** ||d_{pi_{k+1}} - d_{pi_k}||_1 (normalised visitations). */
  lhs: number;
  /** 2 alpha gamma / (1-gamma). */
  bound: number;
  /** gamma / (1-gamma) max_s ||pi_{k+1}(.|s) - pi_k(.|s)||_1 (<= bound): the lemma with the measured policy shift. */
  sharp: number;
}

const TOLERANCE = 1e-12;

function holds(lhs: number, bound: number, tolerance: number): boolean {
  return lhs <= bound + tolerance * Math.max(1, bound);
}

function checkTolerance(tolerance: unknown, where: string): number {
  return checkNumber("tolerance", tolerance, { lo: 0, hi: Infinity, openHi: true }, { function: where });
}

/** (1 - alpha) pi + alpha target, exactly pi at alpha = 0 and target at alpha = 1. */
function mix(pi: Float64Array, target: Float64Array, alpha: number): Float64Array {
  const out = new Float64Array(pi.length);
  for (let i = 0; i < pi.length; i++) out[i] = alpha === 0 ? pi[i] : alpha === 1 ? target[i] : (1 - alpha) * pi[i] + alpha * target[i];
  return out;
}

/** max_s sum_a |p(a|s) - q(a|s)|. */
function maxL1(p: ArrayLike<number>, q: ArrayLike<number>, S: number, A: number): number {
  let m = 0;
  for (let s = 0; s < S; s++) {
    let t = 0;
    for (let a = s * A; a < s * A + A; a++) t += Math.abs(p[a] - q[a]);
    m = Math.max(m, t);
  }
  return m;
}

/**
 * Lemma 1 for pi_{k+1} = (1 - alpha) policy + alpha target: max_s ||pi_{k+1}(.|s) - pi_k(.|s)||_1
 * against 2 alpha. policy, target: S*A policies; alpha in [0, 1].
 */
export function cpiPolicyShift(policy: Float64Array, target: Float64Array, alpha: number, S: number, A: number, tolerance = TOLERANCE): PolicyShift {
  ({ S, A } = checkShape(S, A));
  const pi = checkPolicy("policy", policy, S, A);
  const t = checkPolicy("target", target, S, A);
  const a = checkNumber("alpha", alpha, { lo: 0, hi: 1 }, { function: "cpiPolicyShift" });
  const tol = checkTolerance(tolerance, "cpiPolicyShift");
  const mixture = mix(pi, t, a);
  const lhs = maxL1(mixture, pi, S, A);
  const bound = 2 * a;
  return { lhs, bound, holds: holds(lhs, bound, tol), mixture };
}

/**
 * Lemma 2 for the same mixture on `mdp`: ||d_{pi_{k+1}} - d_{pi_k}||_1 (both
 * visitations from exact evaluations) against 2 alpha gamma / (1-gamma).
 */
export function cpiVisitationShift(
  mdp: TabularMdp,
  policy: Float64Array,
  target: Float64Array,
  alpha: number,
  options: { tolerance?: number; evaluate?: EvaluateOptions } = {},
): VisitationShift {
  checkOptions("options", options, ["tolerance", "evaluate"], "cpiVisitationShift");
  const { tolerance = TOLERANCE, evaluate: evaluateOptions } = options;
  checkMdp(mdp, "cpiVisitationShift");
  const { S, A, gamma } = mdp;
  const shift = cpiPolicyShift(policy, target, alpha, S, A, tolerance);
  const before = evaluate(mdp, policy, evaluateOptions).d;
  const after = evaluate(mdp, shift.mixture, evaluateOptions).d;
  let lhs = 0;
  for (let s = 0; s < S; s++) lhs += Math.abs(after[s] - before[s]);
  const bound = (2 * alpha * gamma) / (1 - gamma);
  const sharp = (gamma / (1 - gamma)) * shift.lhs;
  return { lhs, bound, holds: holds(lhs, bound, tolerance), sharp };
}

/**
 * Lemma 3: |E_{z~p} f(z) - E_{z~q} f(z)| against ||p - q||_1 max_z |f(z)|,
 * for two distributions p, q over n items and finite values f (length n).
 */
export function cpiExpectationShift(p: ArrayLike<number>, q: ArrayLike<number>, f: ArrayLike<number>, tolerance = TOLERANCE): LemmaCheck {
  if (!isArrayLike(p)) throw new ValidationError("p", "must be an array or typed array (a distribution)", kindOf(p));
  const n = p.length;
  checkDistribution("p", p, n, "index");
  checkDistribution("q", q, n, "index");
  checkLength("f", f, n, "n");
  const tol = checkTolerance(tolerance, "cpiExpectationShift");
  let ep = 0;
  let eq = 0;
  let l1 = 0;
  let fmax = 0;
  for (let i = 0; i < n; i++) {
    const v = f[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ValidationError("f", "must be finite", v, { index: i });
    ep += p[i] * v;
    eq += q[i] * v;
    l1 += Math.abs(p[i] - q[i]);
    fmax = Math.max(fmax, Math.abs(v));
  }
  const lhs = Math.abs(ep - eq);
  const bound = l1 * fmax;
  return { lhs, bound, holds: holds(lhs, bound, tol) };
}
