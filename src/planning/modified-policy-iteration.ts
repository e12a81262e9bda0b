/**
 * Modified policy iteration with pymdptoolbox's semantics
 * (mdptoolbox.mdp.PolicyIterationModified).
 */
import { f64Block, i32Block, scratch } from "../core/arena.js";
import { bellmanSweep } from "../mdp/bellman.js";
import { absoluteTieTolerance, optimalityBackupInto, spanDiff } from "./optimality.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { ValidationError } from "../core/errors.js";
import { checkCount, checkSpanStopOptions, now, spanStopAnswer } from "./common.js";

/**
 * Improvements modified policy iteration does at most unless
 * `maxImprovements` is given (pymdptoolbox has no cap). Each is one backup and
 * up to `maxIterations` sweeps; near gamma = 1 the span rule may need far more
 * (as value iteration's bound), so the default keeps a call bounded.
 */
export const DEFAULT_MAX_IMPROVEMENTS = 10_000;

export interface ModifiedPolicyIterationOptions {
  /** epsilon of the stopping rule and of the partial evaluations; default 0.01. */
  epsilon?: number;
  /** Most partial-evaluation sweeps after each improvement (pymdptoolbox's max_iter); default 10. */
  maxIterations?: number;
  /**
   * Cap on improvements (pymdptoolbox has none): a run that reaches a given
   * cap returns unconverged. Default DEFAULT_MAX_IMPROVEMENTS = 10^4, and a run
   * that reaches that default cap before the stopping rule is a
   * ValidationError on `maxImprovements`.
   */
  maxImprovements?: number;
  /** Relative tie tolerance of the greedy step (src/planning/optimality.ts); default 1e-10, 0 = numpy's argmax. */
  tieTolerance?: number;
}

export interface ModifiedPolicyIterationResult {
  /** The last iterate V = T V_prev after the final improvement, s in [0, S). NOT V* (see below). */
  V: Float64Array;
  /** The greedy policy of V_prev, one action per state (ties to the lowest index). */
  actions: Int32Array;
  /** The same policy as a flat one-hot table pi[s*A + a]. */
  policy: Float64Array;
  /** Improvements (Bellman optimality backups) done: pymdptoolbox's `iter`. */
  iterations: number;
  /** Partial-evaluation sweeps done in total. */
  sweeps: number;
  /** span(V - V_prev) at the stop. */
  variation: number;
  /** True when the stop came from variation < epsilon (1-gamma)/gamma, false when from maxImprovements. */
  converged: boolean;
  /** MacQueen's bounds lower <= V* <= upper from the last backup. */
  bounds: { lower: Float64Array; upper: Float64Array };
  /** Wall-clock time of the solve in milliseconds. */
  time: number;
}

const OPTIONS = ["epsilon", "maxIterations", "maxImprovements", "tieTolerance"] as const;

/**
 * Modified policy iteration (Puterman & Shin 1978; Puterman 1994, section 6.5)
 * as pymdptoolbox's PolicyIterationModified. From V_0 = min_{s,a} R / (1 - gamma)
 * (a lower bound on V*, so the iterates increase), repeat:
 *
 *   1. improvement: pi = greedy(V), V_new = T V, variation = span(V_new - V);
 *      stop if variation < epsilon (1 - gamma) / gamma;
 *   2. partial evaluation: up to `maxIterations` sweeps V <- r_pi + gamma P_pi V,
 *      stopping early once max_s |V_k - V_{k-1}| < epsilon (1 - gamma) / gamma.
 *
 * The stop rule is value iteration's, so the same guarantee holds: the
 * returned policy (greedy in V_prev) is epsilon-optimal when `converged`, and
 * V is NOT V* (close only in the span seminorm; `bounds` brackets V*). The
 * exact value of the policy is `evaluate(mdp, result.policy).V`.
 *
 * mdp: a TabularMdp. Options: epsilon (0.01), maxIterations (10 sweeps),
 * maxImprovements (10^4, ours: reaching this default cap unconverged is a
 * ValidationError), tieTolerance (1e-10 relative).
 */
export function modifiedPolicyIteration(
  mdp: TabularMdp,
  options: ModifiedPolicyIterationOptions = {},
): ModifiedPolicyIterationResult {
  const where = "modifiedPolicyIteration";
  const { tieTolerance, threshold } = checkSpanStopOptions(mdp, options, OPTIONS, where);
  const { S, A, gamma } = mdp;
  const maxSweeps = checkCount("maxIterations", options.maxIterations, 10, where);
  const maxImprovements = checkCount("maxImprovements", options.maxImprovements, DEFAULT_MAX_IMPROVEMENTS, where);

  const start = now();
  return scratch((take) => {
    let cur = take(f64Block(S));
    let next = take(f64Block(S));
    const greedy = take(i32Block(S));
    const qRow = take(f64Block(A));
    const pi = take(f64Block(S * A));
    const R = mdp.blocks.R.view;
    let rMin = Infinity;
    for (let i = 0; i < S * A; i++) rMin = Math.min(rMin, R[i]);
    cur.view.fill(rMin / (1 - gamma));

    let iterations = 0;
    let sweeps = 0;
    let variation = Infinity;
    let converged = false;
    for (;;) {
      iterations++;
      optimalityBackupInto(mdp, cur, absoluteTieTolerance(tieTolerance, cur, S), next, greedy, qRow, 0);
      variation = spanDiff(next, cur, S);
      [cur, next] = [next, cur];
      if (variation < threshold) {
        converged = true;
        break;
      }
      if (iterations >= maxImprovements) break;
      // Partial evaluation of the greedy policy, starting from the backed-up V.
      // `next` keeps V_prev only until here; the sweeps reuse it as a buffer.
      const piView = pi.view;
      const g = greedy.view;
      piView.fill(0);
      for (let s = 0; s < S; s++) piView[s * A + g[s]] = 1;
      for (let k = 0; k < maxSweeps; k++) {
        const change = bellmanSweep(mdp, pi, cur, next);
        sweeps++;
        [cur, next] = [next, cur];
        if (change < threshold) break;
      }
    }
    if (!converged && options.maxImprovements === undefined) {
      throw new ValidationError(
        "maxImprovements",
        `the default cap of ${DEFAULT_MAX_IMPROVEMENTS} improvements was reached before the stopping rule ` +
          `(span ${variation.toExponential(2)}, threshold epsilon (1 - gamma) / gamma = ${threshold.toExponential(2)}, gamma = ${gamma}): ` +
          `pass maxImprovements to run longer or accept an unconverged result, a larger epsilon, or use policyIteration (${where})`,
        DEFAULT_MAX_IMPROVEMENTS,
      );
    }
    return {
      ...spanStopAnswer(cur, next, greedy, A, gamma),
      iterations,
      sweeps,
      variation,
      converged,
      time: now() - start,
    };
  });
}
