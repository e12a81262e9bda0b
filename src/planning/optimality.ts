/**
 * The Bellman optimality operator T on a tabular MDP, in one pass over the
 * model (kernels in assembly/planning/optimality.ts):
 *
 *   Q(s,a) = R[s,a] + gamma sum_{s'} P[s,a,s'] V[s'],   (T V)(s) = max_a Q(s,a),
 *
 * with the greedy action of each state. The classic solvers (src/planning/) are
 * built on it. Source: Puterman, Markov Decision Processes (1994), ch. 6.
 *
 * Ties: the greedy action is the LOWEST action index whose Q is within
 * tau = tieTolerance * (1 + max_s |V[s]|) of the maximum. pymdptoolbox uses
 * numpy's argmax (exact equality, tieTolerance = 0); our default 1e-10 makes
 * mathematically tied actions (symmetric gridworlds, absorbing states) resolve
 * to the lowest index even when rounding or an iterative linear solve left
 * them a few ulps apart, so that value and policy iteration agree and policy
 * iteration cannot cycle between tied actions. Pass tieTolerance: 0 for
 * numpy's rule.
 */
import { kernels } from "../core/wasm.js";
import { f64Block, i32Block, scratch, type Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { checkTabularMdp, type TabularMdp } from "../mdp/tabular-mdp.js";
import { checkOptions } from "../core/validate.js";

/** The fields of a TabularMdp the optimality kernels read. */
export type OptimalityModel = Pick<TabularMdp, "S" | "A" | "gamma" | "format" | "blocks">;

/** Default relative tie tolerance of the greedy step (see the module comment). */
export const DEFAULT_TIE_TOLERANCE = 1e-10;

/** Absolute tie tolerance tau = tieTolerance * (1 + ||V||_inf) for the values V fed to a backup. */
export function absoluteTieTolerance(tieTolerance: number, V: Block<"f64">, S: number): number {
  return tieTolerance === 0 ? 0 : tieTolerance * (1 + kernels().normInfSimd(V.ptr, S));
}

/**
 * One Bellman optimality backup on WebAssembly blocks (the solvers' hot step).
 * Vout[s] = max_a Q(s,a), greedy[s] = lowest near-argmax within the absolute
 * tolerance tieTol; Q rows go to Q at stride qStride (A: the whole S*A table;
 * 0: one scratch row of A values). V: [0, S); Vout must be a different block.
 */
export function optimalityBackupInto(
  mdp: OptimalityModel,
  V: Block<"f64">,
  tieTol: number,
  Vout: Block<"f64">,
  greedy: Block<"i32">,
  Q: Block<"f64">,
  qStride: number,
): void {
  const k = kernels();
  const { S, A, gamma, blocks } = mdp;
  if (mdp.format === "dense") {
    k.optimalityBackupDenseSimd(
      blocks.P!.ptr, blocks.R.ptr, V.ptr, gamma, S, A, tieTol, Vout.ptr, greedy.ptr, Q.ptr, qStride,
    );
  } else {
    // The CSR SIMD kernel is gather-bound and measured no faster (assembly/planning/optimality.ts).
    k.optimalityBackupCsrScalar(
      blocks.rowPtr!.ptr, blocks.cols!.ptr, blocks.probs!.ptr, blocks.R.ptr, V.ptr, gamma, S, A, tieTol,
      Vout.ptr, greedy.ptr, Q.ptr, qStride,
    );
  }
}

/** span(x - y) = max_i (x - y)[i] - min_i (x - y)[i] over the first n entries. */
export function spanDiff(x: Block<"f64">, y: Block<"f64">, n = x.length): number {
  return kernels().optimalitySpanDiffSimd(x.ptr, y.ptr, n);
}

/**
 * h[j] = min_{s,a} P(j | s,a), j in [0, S): the part of every transition row
 * that all rows share. Value iteration's iteration bound uses
 * k = 1 - sum_j h[j] (Puterman 1994, Theorem 6.6.6). CSR rows are taken as
 * they are stored: a column missing from any row has h[j] = 0.
 */
export function transitionColumnMin(mdp: OptimalityModel): Float64Array {
  const { S, A, blocks } = mdp;
  const rows = S * A;
  if (mdp.format === "dense") {
    return scratch((take) => {
      const out = take(f64Block(S));
      kernels().optimalityColumnMinSimd(blocks.P!.ptr, rows, S, out.ptr);
      return out.toArray();
    });
  }
  const rowPtr = blocks.rowPtr!.view;
  const cols = blocks.cols!.view;
  const probs = blocks.probs!.view;
  const count = new Int32Array(S);
  const lastRow = new Int32Array(S).fill(-1);
  const h = new Float64Array(S).fill(Infinity);
  for (let r = 0; r < rows; r++) {
    for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
      const j = cols[k];
      h[j] = Math.min(h[j], probs[k]);
      if (lastRow[j] !== r) {
        lastRow[j] = r;
        count[j]++;
      }
    }
  }
  for (let j = 0; j < S; j++) if (count[j] < rows) h[j] = 0;
  return h;
}

/** Checks a relative tie tolerance option. */
export function checkTieTolerance(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_TIE_TOLERANCE;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValidationError("tieTolerance", `must be a finite number >= 0 (${where})`, value);
  }
  return value;
}

/** Checks a state-value vector of length S with finite entries; returns a Float64Array copy. */
export function checkValues(field: string, V: unknown, S: number, where: string): Float64Array {
  if (V === null || typeof V !== "object" || typeof (V as ArrayLike<number>).length !== "number") {
    throw new ValidationError(field, `must be an array of ${S} state values (${where})`, V);
  }
  const arr = V as ArrayLike<number>;
  if (arr.length !== S) {
    throw new ValidationError(field, `must have length S = ${S} (${where})`, arr.length);
  }
  const out = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const v = arr[s];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValidationError(field, `entries must be finite numbers (${where})`, v, { state: s });
    }
    out[s] = v;
  }
  return out;
}

/** The result of one Bellman optimality backup. */
export interface OptimalityBackup {
  /** (T V)(s) = max_a Q(s,a), s in [0, S). */
  V: Float64Array;
  /** Greedy action of each state (lowest index among ties), s in [0, S). */
  actions: Int32Array;
  /** Q(s,a) = R[s,a] + gamma P[s,a,.] . V, flat [s*A + a]. */
  Q: Float64Array;
}

/**
 * Applies the Bellman optimality operator once:
 * Q = R + gamma P V, (T V)(s) = max_a Q(s,a), actions[s] = lowest near-argmax.
 * V: [0, S). Options: tieTolerance (relative, default 1e-10; 0 = numpy's exact argmax).
 */
export function optimalityBackup(
  mdp: OptimalityModel,
  V: ArrayLike<number>,
  options: { tieTolerance?: number } = {},
): OptimalityBackup {
  checkTabularMdp(mdp, "optimalityBackup");
  checkOptions("options", options, ["tieTolerance"], "optimalityBackup");
  const { S, A } = mdp;
  const values = checkValues("V", V, S, "optimalityBackup");
  const tieTolerance = checkTieTolerance(options.tieTolerance, "optimalityBackup");
  return scratch((take) => {
    const v = take(f64Block(S, values));
    const out = take(f64Block(S));
    const greedy = take(i32Block(S));
    const Q = take(f64Block(S * A));
    optimalityBackupInto(mdp, v, absoluteTieTolerance(tieTolerance, v, S), out, greedy, Q, A);
    const result = { V: out.toArray(), actions: greedy.toArray(), Q: Q.toArray() };
    // R and V are finite: only their size can overflow a backup (one pass over S values, once per call).
    for (let s = 0; s < S; s++) {
      if (!Number.isFinite(result.V[s])) throw new ValidationError("V", "is so large that the backup overflows (optimalityBackup)", values[s], { state: s });
    }
    return result;
  });
}

/**
 * Bellman optimality residual max_s |(T V)(s) - V(s)|: zero exactly at V*,
 * and ||V - V*||_inf <= residual / (1 - gamma) (T is a gamma-contraction).
 */
export function optimalityResidual(mdp: OptimalityModel, V: ArrayLike<number>): number {
  checkTabularMdp(mdp, "optimalityResidual");
  const { V: TV } = optimalityBackup(mdp, V, { tieTolerance: 0 });
  let r = 0;
  for (let s = 0; s < mdp.S; s++) r = Math.max(r, Math.abs(TV[s] - V[s]));
  return r;
}
