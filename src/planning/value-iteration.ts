/**
 * Value iteration with pymdptoolbox's semantics (mdptoolbox.mdp.ValueIteration).
 */
import { f64Block, i32Block, scratch } from "../core/arena.js";
import {
  absoluteTieTolerance,
  checkValues,
  optimalityBackupInto,
  spanDiff,
  transitionColumnMin,
} from "./optimality.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { ValidationError } from "../core/errors.js";
import { checkGamma, checkNumber } from "../core/validate.js";
import { checkCount, checkSpanStopOptions, epsilonThreshold, now, spanStopAnswer } from "./common.js";

/**
 * Backups value iteration does at most unless `maxIterations` is given.
 * pymdptoolbox runs to its computed bound (`valueIterationBound`), which grows
 * like log(1/epsilon) / (1 - gamma): about 5400 backups at gamma = 0.998 with
 * the default epsilon, but 10^10 near gamma = 1 - 10^-9, hours on any model.
 * Ten thousand keeps a default call bounded while leaving every run whose
 * bound is below it (and every run that meets the stopping rule sooner, as
 * fast-mixing models do far below their bound) exactly as pymdptoolbox's.
 */
export const DEFAULT_VALUE_ITERATION_CAP = 10_000;

export interface ValueIterationOptions {
  /** epsilon of the epsilon-optimal policy; default 0.01 (pymdptoolbox's). */
  epsilon?: number;
  /**
   * Cap on the number of backups: an integer >= 1, or Infinity for
   * pymdptoolbox's computed bound however large. The cap used is
   * min(maxIterations, bound) (see `valueIterationBound`), and a run that
   * reaches it returns unconverged. Default: min(bound,
   * DEFAULT_VALUE_ITERATION_CAP = 10^4), and a run that reaches that default
   * cap before the stopping rule is a ValidationError on `maxIterations`
   * (pass maxIterations, a larger epsilon, or use policyIteration).
   */
  maxIterations?: number;
  /** V_0: a constant or S values; default 0. */
  initialValue?: number | ArrayLike<number>;
  /** Relative tie tolerance of the greedy step (src/planning/optimality.ts); default 1e-10, 0 = numpy's argmax. */
  tieTolerance?: number;
}

export interface ValueIterationResult {
  /** The last iterate V_n = T V_{n-1}, s in [0, S). NOT V*: see `valueIteration`. */
  V: Float64Array;
  /** The greedy policy of V_{n-1} as one action per state (ties to the lowest index). */
  actions: Int32Array;
  /** The same policy as a flat one-hot table pi[s*A + a]. */
  policy: Float64Array;
  /** Backups done (pymdptoolbox's `iter`). */
  iterations: number;
  /** The iteration cap that was in force (the computed bound, or the smaller given cap). */
  maxIterations: number;
  /** span(V_n - V_{n-1}) at the stop. */
  variation: number;
  /** True when the stop came from variation < epsilon (1 - gamma) / gamma, false when from the cap. */
  converged: boolean;
  /** MacQueen's bounds lower <= V* <= upper (componentwise); upper - lower = gamma/(1-gamma) variation. */
  bounds: { lower: Float64Array; upper: Float64Array };
  /** Wall-clock time of the solve in milliseconds. */
  time: number;
}

const OPTIONS = ["epsilon", "maxIterations", "initialValue", "tieTolerance"] as const;

/**
 * pymdptoolbox's bound on value iteration's backups (its `_boundIter`; Puterman
 * 1994, Theorem 6.6.6 and Proposition 6.6.5):
 *
 *   k = 1 - sum_j min_{s,a} P(j|s,a),
 *   bound = ceil( log( epsilon (1-gamma)/gamma / span(T V_0 - V_0) ) / log(gamma k) ),
 *
 * at least 1 (and 1 when gamma = 0, gamma k = 0 or the first span is already
 * below the threshold). `span0` = span(T V_0 - V_0); `k` from transitionColumnMin.
 */
export function valueIterationBound(gamma: number, epsilon: number, span0: number, k: number): number {
  const where = { function: "valueIterationBound" };
  checkGamma("gamma", gamma, where);
  checkNumber("epsilon", epsilon, { lo: 0, hi: Infinity, openLo: true, openHi: true }, where);
  checkNumber("span0", span0, { lo: 0, hi: Infinity }, where);
  checkNumber("k", k, { lo: -Infinity, hi: Infinity }, where);
  return boundIterations(gamma, epsilon, span0, k);
}

function boundIterations(gamma: number, epsilon: number, span0: number, k: number): number {
  if (gamma === 0) return 1;
  const kk = Math.min(1, Math.max(0, k));
  const x = Math.log(epsilonThreshold(epsilon, gamma) / span0) / Math.log(gamma * kk);
  return x > 1 ? Math.ceil(x) : 1;
}

/**
 * Value iteration V_{n} = T V_{n-1} = max_a (R + gamma P V_{n-1}) from V_0
 * (Bellman 1957; Puterman 1994, section 6.3), as pymdptoolbox's ValueIteration:
 * it stops at the first n with
 *
 *   span(V_n - V_{n-1}) < epsilon (1 - gamma) / gamma,      span(x) = max x - min x,
 *
 * or after the computed bound on iterations (`valueIterationBound`; a given
 * `maxIterations` only lowers it). By default at most
 * DEFAULT_VALUE_ITERATION_CAP = 10^4 backups are done, and a run that reaches
 * that default cap before the stopping rule (gamma near 1 on a slowly mixing
 * model) throws a ValidationError instead of running for hours: pass
 * `maxIterations` (Infinity for pymdptoolbox's bound). Returned `policy` is
 * greedy in V_{n-1} (the argmax of the last backup).
 *
 * What the result guarantees, when `converged`: the policy is epsilon-optimal,
 * 0 <= V*(s) - V^policy(s) < epsilon for every s, up to the tie tolerance:
 * greedy steps treat actions within tau = tieTolerance (1 + max|V|) as tied,
 * which may cost up to about 2 tau / (1 - gamma) more (pass tieTolerance: 0
 * for the exact guarantee when values are huge beside epsilon). The returned V is NOT V*.
 * With d = V_n - V_{n-1}, MacQueen's bounds (returned as `bounds`) say
 *
 *   gamma/(1-gamma) min_s d  <=  V*(s) - V(s)  <=  gamma/(1-gamma) max_s d,
 *
 * so V is within epsilon of V* only up to a common shift (the span
 * seminorm), and that shift is large when V_0 is far from V* (pymdptoolbox's
 * forest example at discount 0.96: V = (5.93, 9.39, 13.39), V* = (74.65,
 * 78.11, 82.11), a shift of about 68.7 in every state). The exact value
 * of the returned policy is `evaluate(mdp, result.policy).V`
 * (src/evaluation/evaluate.ts); V* itself is `policyIteration(mdp).V`.
 *
 * mdp: a TabularMdp (dense or sparse). Options: epsilon (0.01), maxIterations
 * (the bound, at most 10^4 unless given), initialValue (0), tieTolerance
 * (1e-10 relative).
 */
export function valueIteration(mdp: TabularMdp, options: ValueIterationOptions = {}): ValueIterationResult {
  const where = "valueIteration";
  const { epsilon, tieTolerance, threshold } = checkSpanStopOptions(mdp, options, OPTIONS, where);
  const { S, A, gamma } = mdp;
  const given = options.maxIterations !== undefined;
  const userCap =
    options.maxIterations === Infinity
      ? Infinity
      : checkCount("maxIterations", options.maxIterations, DEFAULT_VALUE_ITERATION_CAP, where);
  const init = options.initialValue ?? 0;
  const V0 =
    typeof init === "number"
      ? checkValues("initialValue", new Float64Array(S).fill(init), S, where)
      : checkValues("initialValue", init, S, where);

  const start = now();
  return scratch((take) => {
    let cur = take(f64Block(S, V0));
    let next = take(f64Block(S));
    const greedy = take(i32Block(S));
    const qRow = take(f64Block(A));
    let iterations = 0;
    let cap = userCap;
    let bound = Infinity;
    let variation = Infinity;
    let converged = false;
    for (;;) {
      iterations++;
      optimalityBackupInto(mdp, cur, absoluteTieTolerance(tieTolerance, cur, S), next, greedy, qRow, 0);
      variation = spanDiff(next, cur, S);
      if (iterations === 1 && !Number.isFinite(variation)) {
        // R and V_0 are finite, so only their size can make a backup overflow.
        const field = V0.some((v) => v !== 0) ? "initialValue" : "mdp";
        throw new ValidationError(field, `is so large that a Bellman backup overflows (${where})`, field === "mdp" ? String(mdp) : Math.max(...Array.from(V0, Math.abs)));
      }
      if (iterations === 1) {
        let shared = 0;
        for (const h of transitionColumnMin(mdp)) shared += h;
        bound = boundIterations(gamma, epsilon, variation, 1 - shared);
        cap = Math.min(userCap, bound);
      }
      [cur, next] = [next, cur];
      if (variation < threshold) {
        converged = true;
        break;
      }
      if (iterations >= cap) break;
    }
    if (!converged && !given && cap < bound) {
      throw new ValidationError(
        "maxIterations",
        `the default cap of ${DEFAULT_VALUE_ITERATION_CAP} backups was reached before the stopping rule ` +
          `(span ${variation.toExponential(2)}, threshold epsilon (1 - gamma) / gamma = ${threshold.toExponential(2)}; ` +
          `pymdptoolbox's bound for gamma = ${gamma} is ${bound.toExponential(2)} backups): pass maxIterations ` +
          `(a number, or Infinity for the bound) to run longer or accept an unconverged result, a larger epsilon, ` +
          `or use policyIteration (${where})`,
        DEFAULT_VALUE_ITERATION_CAP,
      );
    }
    return {
      ...spanStopAnswer(cur, next, greedy, A, gamma),
      iterations,
      maxIterations: cap,
      variation,
      converged,
      time: now() - start,
    };
  });
}
