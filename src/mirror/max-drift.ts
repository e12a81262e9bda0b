/**
 * The Mirror Learning step under the drift distribution that depends on the
 * candidate policy and puts its mass on the states of largest drift
 * (`nu: "max"`; Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning: A
 * Unifying Framework of Policy Optimisation", where nu^pi may depend on pi):
 *
 *   pi_new = argmax_pi  sum_s beta(s) <pi_s, A_s>  -  max_s D_old(pi_s | s),
 *
 * over all policies. With the forward-KL drift C KL(pi_old || pi) this is
 * trust-region learning as Kuba et al. state it,
 * E_{s~beta, a~pi}[A_old] - C KL_max(pi_old, pi) (Schulman et al. 2015,
 * "Trust Region Policy Optimization", eq. 10, up to the scaling of C: their
 * surrogate carries 1/(1-gamma), see instances/trl.ts).
 *
 * Why it is a one-dimensional problem. max_s D_s = max over distributions nu
 * of sum_s nu(s) D_s, and the objective is concave in pi (every built-in
 * drift is convex) and linear in nu, so (minimax) the step has a saddle point
 * (pi_new, nu*): pi_new is the fixed-nu Mirror Learning step under nu*, with
 * per-state weights w(s) = nu*(s)/beta(s), and every state with nu*(s) > 0
 * ends at the same drift tau = max_s D_old(pi_new | s). Equivalently pi_new
 * maximises the surrogate over {pi : D_old(pi | s) <= tau for all s}, and tau
 * is the level at which sum_s beta(s) w_s(tau) = 1, w_s(tau) being the weight
 * (Lagrange multiplier, per unit of beta(s)) of state s's constraint
 * D_s <= tau. That sum is non-increasing in tau (the value of the constrained
 * problem is concave in tau and it is its derivative), so tau comes from a
 * 1-D search (search.ts).
 *
 * Exact path, for a drift that is a KL penalty c KL(pi_old || p) with one c
 * in every updated state (the forward-KL drift, `drift.klPenalty`): the
 * level set D_s <= tau is the max-KL ball of radius r = tau / c, solved by
 * its kernel (kernels/trl.ts, klBallRun: per state the multiplier m_s of
 * max <p, A_s> - m_s KL(pi_old || p), KL tight to 1e-14). The ball's value
 * v(r) = sum_s beta(s) v_s(r) is concave in r with v'(r) = sum_s beta(s) m_s(r):
 * the multiplier of KL_max <= r in the beta-weighted objective is the
 * beta-weighted sum of the per-state multipliers (which the max-KL ball
 * reports divided by beta(s)), not their maximum. So r* solves
 * sum_s beta(s) m_s(r) = c, searched in log r until it holds to 1e-13
 * relative; nu*(s) = beta(s) m_s / c. If sum_s beta(s) m_s(0+) <= c already
 * (every state's advantage constant on pi_old's support, and no action outside
 * it better by more than c), pi_old is the maximiser.
 *
 * Generic path, for every other drift (and `solver: "generic"`): the same
 * search on tau, with each state's weight w_s(tau) found by its own 1-D search
 * over the generic per-state solver (mirror ascent, generic.ts), D_s tight to
 * 1e-9 relative. Slow (nested searches), meant for small models and as a
 * check of the exact path.
 */
import { type StepContext, type StepSolution, genericStates, keepAll } from "./context.js";
import { checkedDriftValue } from "./generic.js";
import { klBallRun } from "./kernels/trl.js";
import { perStateKlUnchecked } from "./kernels/kl.js";
import { searchMultiplier } from "./search.js";

/** The step of a zero-coefficient drift, solved by the neighbourhood's own step (max_s 0 = 0). */
export type PlainSolve = (ctx: StepContext) => StepSolution;

/**
 * pi_new and nu* for nu = "max" over all policies (see the module comment).
 * `ctx` is built with nu = beta, so w(s) = 1 where beta(s) > 0; `plain`
 * solves the step of a zero drift. Returns the solution with
 * `driftDistribution` = nu*.
 */
export function solveMaxDrift(ctx: StepContext, plain: PlainSolve): StepSolution {
  const { drift } = ctx;
  if (drift.coefficient === 0) return { ...plain(ctx), driftDistribution: ctx.beta.slice() };
  if (drift.coefficient === Infinity) return { ...keepAll(ctx), multiplier: undefined, constraint: undefined, driftDistribution: ctx.beta.slice() };
  const c = ctx.forceGeneric ? undefined : uniformKlPenalty(ctx);
  return c === undefined ? solveGeneric(ctx) : solveKl(ctx, c);
}

/** The drift as one KL(pi_old || p) penalty c in every updated state, or undefined. */
function uniformKlPenalty(ctx: StepContext): number | undefined {
  const pen = ctx.drift.klPenalty?.(ctx);
  if (!pen) return undefined;
  let c: number | undefined;
  for (let s = 0; s < ctx.S; s++) {
    if (ctx.keep[s]) continue;
    if (c === undefined) c = pen[s];
    else if (pen[s] !== c) return undefined;
  }
  return c !== undefined && c > 0 && c < Infinity ? c : undefined;
}

/** The exact path: the radius r of the max-KL ball with sum_s beta(s) m_s(r) = c. */
function solveKl(ctx: StepContext, c: number): StepSolution {
  const { S, A, pi, adv, beta, keep } = ctx;
  const base = new Float64Array(S);
  for (let s = 0; s < S; s++) base[s] = keep[s] ? Infinity : 0;
  // The multipliers as r -> 0+: infinite in a state whose advantage varies on pi_old's support
  // (KL ~ Var/(2 m^2)); else moving mass eps outside the support costs KL ~ eps and gains
  // eps (A(a) - mean), so m_s(0+) = max(0, max_{pi_old(a)=0} A(a) - mean).
  let g0 = 0;
  let spread = 0;
  const m0 = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    if (keep[s]) continue;
    let mean = 0;
    for (let a = s * A; a < s * A + A; a++) mean += pi[a] * adv[a];
    let v = 0;
    let out = -Infinity;
    for (let a = s * A; a < s * A + A; a++) {
      if (pi[a] > 0) v += pi[a] * (adv[a] - mean) ** 2;
      else out = Math.max(out, adv[a]);
    }
    if (v > 0) {
      g0 = Infinity;
      spread += beta[s] * Math.sqrt(v / 2);
    } else {
      m0[s] = Math.max(0, out - mean);
      g0 += beta[s] * m0[s];
    }
  }
  if (g0 <= c) {
    // v'(0+) <= c: the radius 0 is optimal. nu* puts beta(s) m_s(0+)/c on each state and the rest in proportion to beta.
    const nu = new Float64Array(S);
    const multipliers = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      nu[s] = (beta[s] * m0[s]) / c + (1 - g0 / c) * beta[s];
      multipliers[s] = keep[s] ? 0 : c * (nu[s] / beta[s]);
    }
    return { policy: pi.slice(), logPolicy: ctx.logPi?.slice(), multipliers, multiplier: c, driftDistribution: nu, solver: "exact" };
  }
  let policy: Float64Array = pi.slice();
  let multipliers: Float64Array = new Float64Array(S);
  let total = 0;
  const g = (r: number): number => {
    if (r === 0) return g0;
    const o = klBallRun(pi, adv, base, S, A, r);
    policy = o.policy;
    multipliers = o.multipliers;
    // A state counts only where its ball binds (KL = r to the kernel's 1e-14): one whose KL stays
    // below r is slack in floating point (e.g. pi_old with denormal probabilities, where no move
    // the ball allows changes <p, A_s>), so its multiplier is 0 whatever the kernel reports.
    const kl = perStateKlUnchecked(pi, policy, S, A);
    total = 0;
    for (let s = 0; s < S; s++) {
      if (multipliers[s] > 0 && kl[s] >= r * (1 - 1e-9)) total += beta[s] * multipliers[s];
      else multipliers[s] = 0;
    }
    return total;
  };
  // For small radii m_s ~ sqrt(Var_s / (2 r)), so sum beta m = c near r = (sum beta sqrt(Var/2))^2 / c^2.
  const guess = spread > 0 ? (spread / c) ** 2 : 1;
  searchMultiplier(g, c, guess);
  const nu = new Float64Array(S);
  for (let s = 0; s < S; s++) nu[s] = total > 0 ? (beta[s] * multipliers[s]) / total : beta[s];
  return { policy, multipliers, multiplier: total, driftDistribution: nu, solver: "exact" };
}

/** The generic path: per-state weight searches inside the search on the level tau. */
function solveGeneric(ctx: StepContext): StepSolution {
  const { S, A, pi, adv, beta, keep, drift } = ctx;
  const w = new Float64Array(S);
  const local: StepContext = { ...ctx, w };
  const policy = pi.slice();
  const states: number[] = [];
  for (let s = 0; s < S; s++) if (!keep[s]) states.push(s);
  const weights = new Float64Array(S).fill(1);
  let gap = 0;
  const driftAt = (s: number): number => checkedDriftValue(drift, drift.value(pi, policy, s, A, adv), s);
  const solveState = (s: number, weight: number): number => {
    w[s] = weight;
    gap = Math.max(gap, genericStates(local, () => 0, policy, [s]));
    return driftAt(s);
  };
  // At w(s) = 1 in every state, sum_s beta(s) w(s) = 1: the answer's level lies between the
  // smallest and the largest per-state drift there; start from their beta-weighted mean.
  let start = 0;
  for (const s of states) start += beta[s] * solveState(s, 1);
  const G = (tau: number): number => {
    if (tau === 0) return Infinity;
    let total = 0;
    for (const s of states) {
      weights[s] = searchMultiplier((x) => solveState(s, x), tau, weights[s] > 0 ? weights[s] : 1, 1e-9);
      total += beta[s] * weights[s];
    }
    return total;
  };
  let total = 0;
  searchMultiplier((tau) => (total = G(tau)), 1, start > 0 && start < Infinity ? start : 1, 1e-9);
  const nu = new Float64Array(S);
  for (const s of states) nu[s] = total > 0 ? (beta[s] * weights[s]) / total : beta[s];
  return { policy, gap, driftDistribution: nu, solver: "generic" };
}

/** surrogate = sum_s beta(s) <p_s, A_s> and drift = max_s D_old(p_s | s), the objective's two terms. */
export function maxDriftParts(ctx: StepContext, p: Float64Array, klFromOld?: Float64Array): { surrogate: number; drift: number } {
  const { S, A, pi, adv, beta, drift } = ctx;
  let surrogate = 0;
  for (let s = 0; s < S; s++) {
    if (beta[s] === 0) continue;
    let g = 0;
    for (let a = s * A; a < s * A + A; a++) g += p[a] * adv[a];
    surrogate += beta[s] * g;
  }
  if (drift.coefficient === 0) return { surrogate, drift: 0 };
  const values = drift.stateValues?.(ctx, p, klFromOld);
  let worst = 0;
  for (let s = 0; s < S; s++) {
    const D = values ? values[s] : checkedDriftValue(drift, drift.value(pi, p, s, A, adv), s);
    if (D > worst || Number.isNaN(D)) worst = D;
  }
  return { surrogate, drift: worst };
}
