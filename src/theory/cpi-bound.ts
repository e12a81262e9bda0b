/**
 * Conservative policy iteration's improvement guarantee (Kakade & Langford
 * 2002, "Approximately Optimal Approximate Reinforcement Learning", the
 * monotone improvement theorem of conservative policy iteration), stated there for rewards
 * in [0, 1]:
 *
 *   pi_{k+1} = (1 - alpha) pi_k + alpha pi',   pi' greedy in A_k,
 *   Abar_k   = E_{s~d_k} E_{a~pi'(.|s)}[A_k(s,a)],
 *   eta(pi_{k+1}) - eta(pi_k) >= alpha/(1-gamma) (Abar_k - 2 alpha gamma / (1-gamma)^2),
 *   alpha*   = Abar_k (1-gamma)^2 / (4 gamma)  gives  eta(pi_{k+1}) - eta(pi_k) >= Abar_k^2 (1-gamma) / (8 gamma).
 *
 * The proof uses rewards in [0, 1] only through |A| <= 1/(1-gamma). Rewards in
 * any interval of width `span` give |A| <= span/(1-gamma); rescaling the
 * rewards by 1/span turns the statement into
 *
 *   gain >= alpha/(1-gamma) (Abar - 2 alpha gamma span / (1-gamma)^2),
 *   alpha* = Abar (1-gamma)^2 / (4 gamma span),   gain(alpha*) >= Abar^2 (1-gamma) / (8 gamma span),
 *
 * which is the paper's statement exactly when span = 1. `cpi({ alpha: "optimal" })`
 * uses span = max(1, max R - min R): the paper's constants whenever the rewards
 * fit in an interval of width 1 (a wider span than needed only makes alpha*
 * more conservative), and a valid guarantee for any reward range.
 */
import { ValidationError } from "../core/errors.js";
import { checkTabularMdp, type TabularMdp } from "../mdp/tabular-mdp.js";
import { checkFiniteVector, checkObject, checkOptions, checkShape } from "../core/validate.js";

function checkGamma(gamma: unknown): number {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma < 1)) throw new ValidationError("gamma", "must be a number in [0, 1)", gamma);
  return gamma;
}

function checkSpan(span: unknown): number {
  if (typeof span !== "number" || !(span > 0 && span < Infinity)) {
    throw new ValidationError("rewardSpan", "must be a finite number > 0 (the width of the reward range)", span);
  }
  return span;
}

function checkAbar(abar: unknown): number {
  if (typeof abar !== "number" || !Number.isFinite(abar)) throw new ValidationError("abar", "must be a finite number", abar);
  return abar;
}

/**
 * Abar = E_{s~d}[max_a A(s,a)] = E_{s~d} E_{a~greedy}[A(s,a)] >= 0: the
 * expected advantage of the greedy policy under the old visitation d.
 * advantage: S*A; d: S.
 */
export function cpiAdvantage(advantage: ArrayLike<number>, d: ArrayLike<number>, S: number, A: number): number {
  ({ S, A } = checkShape(S, A));
  checkFiniteVector("advantage", advantage, S * A, "S*A", { function: "cpiAdvantage" });
  checkFiniteVector("d", d, S, "S", { function: "cpiAdvantage" });
  for (let s = 0; s < S; s++) if (d[s] < 0) throw new ValidationError("d", "visitation must be >= 0", d[s], { state: s });
  let abar = 0;
  for (let s = 0; s < S; s++) {
    if (d[s] === 0) continue;
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, advantage[s * A + a]);
    abar += d[s] * m;
  }
  return abar;
}

/** max(1, max R - min R): the reward span cpi uses by default (see the module comment). */
export function cpiRewardSpan(mdp: TabularMdp): number {
  const R = checkTabularMdp(mdp, "cpiRewardSpan").R;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < R.length; i++) {
    lo = Math.min(lo, R[i]);
    hi = Math.max(hi, R[i]);
  }
  return Math.max(1, hi - lo);
}

/** alpha* = Abar (1-gamma)^2 / (4 gamma span), clipped to [0, 1] (1 when gamma = 0). */
export function cpiOptimalAlpha(abar: number, gamma: number, rewardSpan = 1): number {
  checkAbar(abar);
  checkGamma(gamma);
  checkSpan(rewardSpan);
  if (abar <= 0) return 0;
  if (gamma === 0) return 1;
  return Math.min(1, (abar * (1 - gamma) ** 2) / (4 * gamma * rewardSpan));
}

/**
 * The guaranteed improvement eta(pi_{k+1}) - eta(pi_k) >= bound of a CPI step
 * with mixing weight alpha in [0, 1]:
 *   alpha/(1-gamma) (Abar - 2 alpha gamma span / (1-gamma)^2);
 * at alpha = alpha* (the default) this is Abar^2 (1-gamma) / (8 gamma span).
 * May be negative for large alpha (no guarantee then).
 */
export function cpiBound(args: { abar: number; gamma: number; alpha?: number; rewardSpan?: number }): number {
  checkObject("args", args, "cpiBound: { abar, gamma, alpha, rewardSpan }");
  checkOptions("args", args, ["abar", "gamma", "alpha", "rewardSpan"], "cpiBound", "argument");
  const { abar, gamma, alpha, rewardSpan = 1 } = args;
  checkAbar(abar);
  checkGamma(gamma);
  checkSpan(rewardSpan);
  const a = alpha ?? cpiOptimalAlpha(abar, gamma, rewardSpan);
  if (typeof a !== "number" || !(a >= 0 && a <= 1)) throw new ValidationError("alpha", "must be a number in [0, 1]", a);
  if (a === 0) return 0;
  const bound = (a / (1 - gamma)) * (abar - (2 * a * gamma * rewardSpan) / (1 - gamma) ** 2);
  if (!Number.isFinite(bound)) {
    throw new ValidationError("abar", "is so large that the bound overflows (|A| is at most rewardSpan / (1 - gamma))", abar);
  }
  return bound;
}
