/**
 * Policy iteration with pymdptoolbox's semantics (mdptoolbox.mdp.PolicyIteration).
 */
import { f64Block, i32Block, scratch, type Block } from "../core/arena.js";
import { checkOptions } from "../core/validate.js";
import { bellmanSweep } from "../mdp/bellman.js";
import {
  absoluteTieTolerance,
  checkTieTolerance,
  optimalityBackupInto,
} from "./optimality.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { ValidationError } from "../core/errors.js";
import { checkTabularMdp } from "../mdp/spec.js";
import { checkValueScale } from "../mdp/tabular-mdp.js";
import { checkActions, checkCount, now, oneHot } from "./common.js";
import { solvePolicyValue } from "./policy-value.js";

export interface PolicyIterationOptions {
  /** Starting policy, one action per state; default greedy in R (pymdptoolbox's policy0). */
  policy0?: ArrayLike<number>;
  /** Cap on evaluation-improvement rounds; default 1000 (pymdptoolbox's max_iter). */
  maxIterations?: number;
  /**
   * "exact" (default; pymdptoolbox's "matrix"): V^pi solved to ~1e-12 relative.
   * "iterative": pymdptoolbox's sweeps V <- r_pi + gamma P_pi V until
   * max_s |V_k - V_{k-1}| < 1e-4 (1 - gamma) / gamma, at most 10000 sweeps.
   */
  evaluation?: "exact" | "iterative";
  /** Relative tie tolerance of the greedy step (src/planning/optimality.ts); default 1e-10, 0 = numpy's argmax. */
  tieTolerance?: number;
}

export interface PolicyIterationResult {
  /** V^policy, s in [0, S): the optimal value V* when `converged` and evaluation is "exact". */
  V: Float64Array;
  /** The final policy as one action per state (ties to the lowest index). */
  actions: Int32Array;
  /** The same policy as a flat one-hot table pi[s*A + a]. */
  policy: Float64Array;
  /** Evaluation-improvement rounds, counting the last one that found the policy unchanged (pymdptoolbox's `iter`). */
  iterations: number;
  /**
   * True when the greedy step left the policy unchanged (or returned to a policy already
   * evaluated: a cycle among policies of equal value, see `policyIteration`), false when
   * maxIterations stopped it.
   */
  converged: boolean;
  /** The evaluation used. */
  evaluation: "exact" | "iterative";
  /** Bellman sweeps done by the evaluations (both kinds sweep; see solvePolicyValue). */
  sweeps: number;
  /** Evaluations that went to a direct or Krylov linear solve. */
  linearSolves: number;
  /** Wall-clock time of the solve in milliseconds. */
  time: number;
}

const OPTIONS = ["policy0", "maxIterations", "evaluation", "tieTolerance"] as const;

/** pymdptoolbox's iterative evaluation: epsilon 1e-4, at most 10000 sweeps. */
const ITERATIVE_EPSILON = 1e-4;
const ITERATIVE_MAX_SWEEPS = 10_000;

/** Lowest action within tau of max_a R[s,a] in each state: the greedy policy of V = 0. */
function greedyInRewards(R: Float64Array, S: number, A: number, tau: number): Int32Array {
  const out = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, R[s * A + a]);
    let best = 0;
    while (best < A - 1 && R[s * A + best] < m - tau) best++;
    out[s] = best;
  }
  return out;
}

/** Two independent 32-bit hashes of a deterministic policy (a collision of both has probability 2^-64). */
function actionsKey(actions: ArrayLike<number>, S: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let s = 0; s < S; s++) {
    h1 = Math.imul(h1 ^ actions[s], 0x01000193);
    h2 = Math.imul(h2 + actions[s] + 1, 0x85ebca6b) ^ (h2 >>> 13);
  }
  return `${h1 >>> 0}:${h2 >>> 0}`;
}

/** pymdptoolbox's _evalPolicyIterative, warm-started: returns the sweeps done. V is updated in place. */
function iterativeEvaluation(mdp: TabularMdp, pi: Block<"f64">, V: Block<"f64">, W: Block<"f64">): number {
  const { gamma, S } = mdp;
  const threshold = gamma === 0 ? Infinity : ((1 - gamma) / gamma) * ITERATIVE_EPSILON;
  let x = V;
  let y = W;
  let sweeps = 0;
  while (sweeps < ITERATIVE_MAX_SWEEPS) {
    const change = bellmanSweep(mdp, pi, x, y);
    sweeps++;
    [x, y] = [y, x];
    if (change < threshold) break;
  }
  if (x !== V) V.view.set(x.view.subarray(0, S));
  return sweeps;
}

/**
 * Policy iteration (Howard 1960; Puterman 1994, section 6.4) as pymdptoolbox's
 * PolicyIteration: from policy0 (default: greedy in R, i.e. in V = 0) repeat
 *
 *   1. evaluation:  V = V^pi = (I - gamma P_pi)^{-1} r_pi;
 *   2. improvement: pi'(s) = lowest argmax_a R[s,a] + gamma P[s,a,.] . V;
 *
 * until pi' = pi (then V = V* and pi is optimal) or maxIterations rounds. A
 * greedy step that returns to a policy evaluated before also stops the run
 * (converged): exact policy iteration never revisits a policy, so this only
 * happens among policies of equal value whose ties rounding breaks
 * differently each round (tieTolerance: 0), which would otherwise cycle.
 * Each round is one evaluation plus one pass of the optimality backup over
 * the model (assembly/planning/optimality.ts).
 *
 * Evaluation "exact" (pymdptoolbox's "matrix") is `solvePolicyValue`: the
 * value of a deterministic policy needs one row of P per state, so it first
 * runs Bellman sweeps warm-started from the previous V with MacQueen's
 * extrapolation, which certify the error bound 1e-12 (1 + ||V||_inf) in a few
 * sweeps on fast-mixing models, and otherwise solves the linear system with
 * src/evaluation's policyValue (LU or GMRES) to a Bellman residual of
 * 1e-12 (1 + ||V||_inf). "iterative" is pymdptoolbox's rule (see the
 * option); we warm-start it from the previous V where pymdptoolbox restarts
 * from 0: the stop rule and its guarantee ||V - V^pi||_inf < 1e-4 are the same.
 *
 * mdp: a TabularMdp (dense or sparse). Options: policy0, maxIterations (1000),
 * evaluation ("exact"), tieTolerance (1e-10 relative).
 */
export function policyIteration(mdp: TabularMdp, options: PolicyIterationOptions = {}): PolicyIterationResult {
  const where = "policyIteration";
  checkTabularMdp(mdp, where);
  checkValueScale(mdp, where);
  checkOptions("options", options, OPTIONS, where);
  const { S, A } = mdp;
  const maxIterations = checkCount("maxIterations", options.maxIterations, 1000, where);
  const tieTolerance = checkTieTolerance(options.tieTolerance, where);
  const evaluation = options.evaluation ?? "exact";
  if (evaluation !== "exact" && evaluation !== "iterative") {
    throw new ValidationError("evaluation", `must be "exact" or "iterative" (${where})`, evaluation);
  }
  const policy0 =
    options.policy0 === undefined ? undefined : checkActions("policy0", options.policy0, S, A, where);

  const start = now();
  return scratch((take) => {
    const V = take(f64Block(S));
    const W = take(f64Block(S));
    const backedUp = take(f64Block(S));
    const greedy = take(i32Block(S));
    const qRow = take(f64Block(A));
    const pi = take(f64Block(S * A));
    V.view.fill(0);
    let actions = policy0 ?? greedyInRewards(mdp.blocks.R.view, S, A, tieTolerance);
    const seen = new Set<string>([actionsKey(actions, S)]);
    let iterations = 0;
    let converged = false;
    let sweeps = 0;
    let linearSolves = 0;
    for (;;) {
      iterations++;
      const p = pi.view;
      p.fill(0);
      for (let s = 0; s < S; s++) p[s * A + actions[s]] = 1;
      if (evaluation === "exact") {
        const r = solvePolicyValue(mdp, pi, V, W);
        sweeps += r.sweeps;
        if (r.linearSolve) linearSolves++;
      } else {
        sweeps += iterativeEvaluation(mdp, pi, V, W);
      }
      optimalityBackupInto(mdp, V, absoluteTieTolerance(tieTolerance, V, S), backedUp, greedy, qRow, 0);
      const g = greedy.view;
      let changed = 0;
      for (let s = 0; s < S; s++) if (g[s] !== actions[s]) changed++;
      if (changed === 0) {
        converged = true;
        break;
      }
      // Exact policy iteration never returns to a policy (each change improves V). A return means
      // policies of equal value whose tied actions rounding orders differently each round (possible
      // with tieTolerance 0): they are all optimal up to rounding, and cycling among them would only
      // end at maxIterations.
      if (seen.has(actionsKey(g, S))) {
        converged = true;
        break;
      }
      if (iterations >= maxIterations) break;
      actions = g.slice();
      seen.add(actionsKey(actions, S));
    }
    return {
      V: V.toArray(),
      actions,
      policy: oneHot(actions, A),
      iterations,
      converged,
      evaluation,
      sweeps,
      linearSolves,
      time: now() - start,
    };
  });
}
