/**
 * A Gauss-Seidel sweep of the visitation system of a CSR model under the
 * Perron deflation (kernel: assembly/mdp/gauss-seidel.ts, which derives it;
 * twin: gauss-seidel.twin.ts):
 *
 *   d[j] <- b2[j] + gamma ((P_pi^T d)[j] - sum(d) / S),   b2 = b + c sum(b) 1,  c = gamma / ((1 - gamma) S),
 *
 * states in increasing order, newest values throughout, solving
 * (I - gamma P_pi^T) d = b. The model's rows are read as they are (column by
 * column) and each sweep yields the true residual of its result. Internal to
 * the evaluation solvers: blocks are trusted to be distinct; lengths are checked.
 */
import { ValidationError } from "../core/errors.js";
import type { Block, BlockKind } from "../core/arena.js";
import { CHUNK_STATES, forChunks } from "../core/chunks.js";
import { kernels } from "../core/wasm.js";

/** The rows a sweep reads: a CSR model with its policy, or a compact P_pi (A = 1, `pi` all ones). */
export interface SweepRows {
  readonly S: number;
  readonly A: number;
  readonly rowPtr: Block<"i32">;
  readonly cols: Block<"i32">;
  readonly probs: Block<"f64">;
  readonly pi: Block<"f64">;
}

/** What a sweep reports about its result d. */
export interface SweepReport {
  /** ||b - (I - gamma P_pi^T) d||_inf, computed from d (see the kernel). */
  residual: number;
  /** ||d||_inf. */
  norm: number;
  /** sum(d), a running sum: the next sweep's `sumIn`. */
  sum: number;
}

function checkLength(field: string, block: Block<BlockKind>, n: number): void {
  if (block.length < n) {
    throw new ValidationError(field, `block too short for gaussSeidelSweepTransposed: needs ${n} values`, block.length);
  }
}

/**
 * One sweep in place on d and acc. Start with d = 0, acc = 0, sumIn = 0 and pass each
 * report's sum to the next sweep; `snap` is scratch (it ends holding the deflated residual).
 * `chunk`: states per kernel call (see src/core/chunks.ts; the result does not depend on it).
 */
export function gaussSeidelSweepTransposed(
  rows: SweepRows, gamma: number, b2: Block<"f64">, d: Block<"f64">, acc: Block<"f64">, snap: Block<"f64">,
  sumIn: number, out: Block<"f64">, chunk = CHUNK_STATES,
): SweepReport {
  const { S, A } = rows;
  checkLength("pi", rows.pi, S * A);
  for (const [field, block] of [["b2", b2], ["d", d], ["acc", acc], ["snap", snap]] as const) checkLength(field, block, S);
  checkLength("out", out, 3);
  const k = kernels();
  k.blas1CopySimd(acc.ptr, snap.ptr, S);
  // In chunks of states (src/core/chunks.ts): the running sum carries over, the numbers are those of one call.
  let sum = sumIn;
  forChunks(S, (start, count) => {
    sum = k.bellmanGaussSeidelRange(
      rows.rowPtr.ptr, rows.cols.ptr, rows.probs.ptr, rows.pi.ptr, b2.ptr, d.ptr, acc.ptr, snap.ptr, start, start + count, S, A, gamma, sum,
    );
  }, chunk);
  k.bellmanGaussSeidelResidual(acc.ptr, snap.ptr, d.ptr, S, gamma, sum, out.ptr);
  const v = out.view;
  return { residual: v[0], norm: v[1], sum: v[2] };
}

/**
 * Prepares a warm start of the sweeps from the d in `d` (kernel
 * bellmanGaussSeidelStart): acc[i] = sum_{s >= i} P_pi[s,i] d[s], and returns
 * sum(d), the first sweep's `sumIn`. From d = 0 this gives acc = 0 and 0.
 */
export function gaussSeidelStartTransposed(rows: SweepRows, d: Block<"f64">, acc: Block<"f64">, chunk = CHUNK_STATES): number {
  const { S, A } = rows;
  checkLength("pi", rows.pi, S * A);
  checkLength("d", d, S);
  checkLength("acc", acc, S);
  const k = kernels();
  acc.view.fill(0, 0, S);
  let sum = 0;
  forChunks(S, (start, count) => {
    sum = k.bellmanGaussSeidelStart(rows.rowPtr.ptr, rows.cols.ptr, rows.probs.ptr, rows.pi.ptr, d.ptr, acc.ptr, start, start + count, A, sum);
  }, chunk);
  return sum;
}
