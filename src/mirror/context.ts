/**
 * The exact Mirror Learning step as its solvers see it (Kuba, Schroeder de
 * Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation"): the old policy, its advantage, the sampling distribution
 * beta, the drift distribution nu and the per-state drift weights
 * w(s) = nu(s)/beta(s), plus the pieces every neighbourhood shares (the
 * generic per-state solve, restoring states that keep pi_old, the objective).
 *
 * The objective, written out over states, is
 *   J(pi) = sum_s beta(s) <pi_s, A_s> - sum_s nu(s) D_old(pi_s | s),
 * so in a state with beta(s) > 0 the step maximises <p, A_s> - w(s) D_old(p | s)
 * (dividing by beta(s)). A StepContext is built by step.ts after the boundary
 * checks; nothing here checks its input again.
 */
import type { Drift } from "./drift.js";
import { type GenericOptions, checkedDriftValue, solveStateGeneric } from "./generic.js";

/** The checked inputs of one step (built by mirrorUpdate; read-only for the solvers). */
export interface StepContext {
  readonly S: number;
  readonly A: number;
  /** pi_old[s*A + a]. */
  readonly pi: Float64Array;
  /** log pi_old (S*A, -Infinity allowed), when the caller carries it; checked against pi. */
  readonly logPi?: Float64Array;
  /** A_old[s*A + a], finite. */
  readonly adv: Float64Array;
  /** max_{s,a} |A_old(s,a)| (for solvers that must keep coefficient times advantage finite). */
  readonly maxAbsAdv: number;
  /** The sampling distribution beta (sums to 1). */
  readonly beta: Float64Array;
  /** The drift distribution nu (sums to 1). */
  readonly nu: Float64Array;
  /**
   * w(s) = nu(s)/beta(s) where beta(s) > 0: 0 where nu(s) = 0 (the state's
   * drift does not count), +Infinity only if the quotient overflows. Where
   * beta(s) = 0 the state keeps pi_old (`keep`) and w(s) is +Infinity if
   * nu(s) > 0 and 0 if nu(s) = 0, for the report; solvers never read it there.
   */
  readonly w: Float64Array;
  /** 1 where beta(s) = 0: the state keeps pi_old (see step.ts). */
  readonly keep: Uint8Array;
  /** The resolved drift (checked, built-in or custom). */
  readonly drift: Drift;
  /** Options of the generic solver. */
  readonly generic: GenericOptions;
  /** True when the caller asked for the generic solver in every state (`solver: "generic"`). */
  readonly forceGeneric: boolean;
  /** d_old and mu, for neighbourhoods with state distributions of their own (the mean-KL weights). */
  readonly visitation: Float64Array;
  readonly mu: Float64Array;
}

/** What a drift's or a neighbourhood's solver returns. */
export interface StepSolution {
  /** pi_new[s*A + a]. */
  policy: Float64Array;
  /** log pi_new, from the log-space updates. */
  logPolicy?: Float64Array;
  /** Per-state KL(policy || pi_old), when the solver computed it (after restoring kept states). */
  klFromOld?: Float64Array;
  /** The solver restored the kept states itself. */
  restored?: boolean;
  constraint?: number;
  multiplier?: number;
  multipliers?: Float64Array;
  alpha?: number;
  /** Generic solver: the largest per-state Frank-Wolfe gap left. */
  gap?: number;
  /** Which solver produced the policy ("exact" unless some state went through mirror ascent). */
  solver?: "exact" | "generic";
  /** With the drift distribution "max" (max-drift.ts): the saddle-point nu* the step settled on. */
  driftDistribution?: Float64Array;
}

/**
 * w(s) times a drift scale as a per-state penalty coefficient: +Infinity in
 * kept states (the kernels keep pi_old there), 0 when the scale or the weight
 * is 0 (a zero drift stays zero whatever the weight; 0 * Infinity is 0).
 */
export function penalty(ctx: StepContext, s: number, scale: number): number {
  if (ctx.keep[s]) return Infinity;
  if (scale === 0 || ctx.w[s] === 0) return 0;
  return ctx.w[s] * scale;
}

/** `penalty` for every state. */
export function penalties(ctx: StepContext, scale: number): Float64Array {
  const out = new Float64Array(ctx.S);
  for (let s = 0; s < ctx.S; s++) out[s] = penalty(ctx, s, scale);
  return out;
}

/**
 * Restores pi_old (and its log) in the rows that keep it: states with
 * beta(s) = 0, and states whose weight overflowed to +Infinity under a drift
 * that vanishes only at pi_old (or under the generic solver, which keeps pi_old
 * wherever the weight is infinite): exactly, not up to a solver's rounding.
 * Works on any pair of S*A tables (e.g. views of WebAssembly memory).
 */
export function restoreKeptRows(ctx: StepContext, policy: Float64Array, logPolicy: Float64Array | undefined, generic: boolean): void {
  const { S, A, pi, keep, drift } = ctx;
  const onlyAtOld = drift.coefficient > 0 && (generic || drift.vanishesOnlyAtOld === true);
  for (let s = 0; s < S; s++) {
    if (!keep[s] && !(onlyAtOld && ctx.w[s] === Infinity)) continue;
    for (let a = s * A; a < s * A + A; a++) policy[a] = pi[a];
    if (logPolicy) for (let a = s * A; a < s * A + A; a++) logPolicy[a] = ctx.logPi ? ctx.logPi[a] : Math.log(pi[a]);
  }
}

/**
 * surrogate = sum_s beta(s) <p_s, A_s> and drift = sum_s nu(s) D_old(p_s | s)
 * (a state with nu(s) = 0 or D = 0 adds nothing, whatever the other factor).
 * `klFromOld`: KL(p_s || pi_s) per state if the solver has it already.
 */
export function objectiveParts(ctx: StepContext, p: Float64Array, klFromOld?: Float64Array): { surrogate: number; drift: number } {
  const { S, A, pi, adv, beta, nu, drift } = ctx;
  let surrogate = 0;
  let total = 0;
  const zero = drift.coefficient === 0;
  // Built-in drifts give every state's value in one pass (the KL drifts in SIMD).
  const values = zero ? undefined : drift.stateValues?.(ctx, p, klFromOld);
  for (let s = 0; s < S; s++) {
    if (beta[s] !== 0) {
      let g = 0;
      for (let a = s * A; a < s * A + A; a++) g += p[a] * adv[a];
      surrogate += beta[s] * g;
    }
    if (zero || nu[s] === 0) continue;
    const D = values ? values[s] : checkedDriftValue(drift, drift.value(pi, p, s, A, adv), s);
    if (D !== 0) total += nu[s] * D;
  }
  return { surrogate, drift: total };
}

/**
 * Runs the generic solver (mirror ascent, generic.ts) in every state of
 * `states` (default all) with a finite weight, adding a KL(pi_old || p) penalty
 * of `mu(s)`; kept states and states of infinite weight get pi_old. Writes
 * the rows into `out`; returns the largest Frank-Wolfe gap left.
 */
export function genericStates(ctx: StepContext, mu: (s: number) => number, out: Float64Array, states?: number[]): number {
  const { A, pi, adv, drift } = ctx;
  const row = new Float64Array(A);
  const arow = new Float64Array(A);
  const prow = new Float64Array(A);
  // The drift sees whole tables (its contract): pi_old everywhere but the state being solved.
  const frame = { s: 0, piOld: pi, adv, p: Float64Array.from(pi), grad: new Float64Array(ctx.S * A) };
  let gap = 0;
  for (const s of states ?? allStates(ctx.S)) {
    const base = s * A;
    const weight = drift.coefficient === 0 ? 0 : ctx.w[s];
    if (ctx.keep[s] || weight === Infinity) {
      for (let a = 0; a < A; a++) out[base + a] = pi[base + a];
      continue;
    }
    row.set(pi.subarray(base, base + A));
    arow.set(adv.subarray(base, base + A));
    frame.s = s;
    const r = solveStateGeneric(row, arow, A, weight, mu(s), drift, prow, ctx.generic, frame);
    // Row s of the frame back to pi_old for the next state.
    frame.p.set(row, base);
    out.set(prow, base);
    gap = Math.max(gap, r.gap);
  }
  return gap;
}

/** Every state by mirror ascent, no constraint. */
export function solveAllGeneric(ctx: StepContext): StepSolution {
  const policy = new Float64Array(ctx.S * ctx.A);
  const gap = genericStates(ctx, () => 0, policy);
  return { policy, gap, solver: "generic" };
}

/** Var_{a~pi_s}(A(s,a) / unit) of one state. */
function advantageVariance(ctx: StepContext, s: number, unit = 1): number {
  const { A, pi, adv } = ctx;
  let mean = 0;
  for (let a = s * A; a < s * A + A; a++) mean += pi[a] * (unit === 1 ? adv[a] : adv[a] / unit);
  let v = 0;
  for (let a = s * A; a < s * A + A; a++) v += pi[a] * ((unit === 1 ? adv[a] : adv[a] / unit) - mean) ** 2;
  return v;
}

/**
 * A starting guess for a KL multiplier: for a large penalty lambda,
 * KL(pi || p) ~ Var_pi(A) / (2 lambda^2), so lambda ~ sqrt(sum_s w_s Var_s / (2 delta)).
 * Only a guess: the search brackets from it geometrically.
 */
export function multiplierGuess(ctx: StepContext, delta: number, states: Iterable<number>, weight: (s: number) => number = () => 1): number {
  let total = 0;
  for (const s of states) total += weight(s) * advantageVariance(ctx, s);
  const guess = Math.max(Math.sqrt(total / (2 * delta)), 1e-12);
  if (guess < Infinity) return guess;
  // Advantages near the overflow threshold (or a denormal delta): the same guess in scaled form,
  // capped at MAX_VALUE (a guess of +Infinity would leave the search bracketing from 1).
  const m = ctx.maxAbsAdv;
  let scaled = 0;
  for (const s of states) scaled += weight(s) * advantageVariance(ctx, s, m);
  return Math.min(m * Math.sqrt(scaled / (2 * delta)), m / Math.sqrt(2 * delta), Number.MAX_VALUE);
}

/** [0, 1, ..., S-1]. */
export function allStates(S: number): number[] {
  return Array.from({ length: S }, (_, s) => s);
}

/** max(0, x...) without spreading (S may be large). */
export function maxOf(x: Float64Array): number {
  let m = 0;
  for (const v of x) if (v > m) m = v;
  return m;
}

/** The step that keeps pi_old everywhere (a ball of radius 0). */
export function keepAll(ctx: StepContext): StepSolution {
  return { policy: ctx.pi.slice(), constraint: 0, multiplier: Infinity, logPolicy: ctx.logPi?.slice() };
}

/**
 * The per-state coefficient of a drift offered as a penalty through `hook`
 * (drift.klPenalty, drift.tvPenalty), or undefined when it offers none. A
 * drift of coefficient 0 is identically zero (the Drift contract): it is the
 * zero penalty whatever its kind.
 */
export function zeroOr(ctx: StepContext, hook: ((ctx: StepContext) => Float64Array) | undefined): Float64Array | undefined {
  if (ctx.drift.coefficient === 0) return penalties(ctx, 0);
  return hook?.call(ctx.drift, ctx);
}
