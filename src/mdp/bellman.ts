/**
 * Bellman expectation kernels of a fixed policy on WebAssembly blocks (kernels
 * in assembly/mdp/bellman.ts and bellman-csr.ts, twins in bellman.twin.ts). Building blocks of
 * exact policy evaluation (src/evaluation/) and of modified policy iteration:
 *
 *   r_pi[s]   = sum_a pi(a|s) R[s,a]                 (policyReward)
 *   P_pi[s,.] = sum_a pi(a|s) P[s,a,.]               (policyMatrix, never needed by the solvers)
 *   y         = c x + alpha P_pi x,  c x + alpha P_pi^T x   (applyPolicy, applyPolicyTransposed)
 *   Q         = R + gamma P V                        (qFromValues)
 *   T_pi V    = r_pi + gamma P_pi V                  (bellmanSweep, bellmanResidual)
 *
 * Source: Puterman, Markov Decision Processes (1994), sections 6.1-6.2.
 *
 * All functions take the model's blocks as they are (dense or CSR) and never
 * form P_pi unless asked: policy entries equal to 0 are skipped, so a
 * deterministic policy costs one row of P per state; compactPolicyMatrix gives a
 * CSR model a contiguous P_pi (csrProduct, csrProductTransposed). The policy
 * block is trusted to be a valid policy (check user input once with
 * `validatePolicy`); lengths are checked here. Only compactPolicyMatrix allocates.
 * On large models the per-state CSR kernels are called in chunks of states
 * (src/core/chunks.ts), with the same results.
 */
import { ValidationError } from "../core/errors.js";
import { type Block, type BlockKind, f64Block, i32Block } from "../core/arena.js";
import { CHUNK_STATES, forChunks } from "../core/chunks.js";
import { kernels } from "../core/wasm.js";
import type { TabularMdp } from "./tabular-mdp.js";

/** The fields of a TabularMdp the Bellman kernels read. */
export type BellmanModel = Pick<TabularMdp, "S" | "A" | "gamma" | "format" | "blocks">;

function checkLength(field: string, block: Block<BlockKind>, n: number, where: string): void {
  if (block.length < n) {
    throw new ValidationError(field, `block too short for ${where}: needs ${n} values`, block.length);
  }
}

function checkDistinct(x: Block<BlockKind>, y: Block<BlockKind>, where: string): void {
  if (x.ptr === y.ptr) throw new ValidationError("out", `must not be the input block (${where})`, y.ptr);
}

/**
 * y = c x + alpha M x by a row-product kernel `call(s0, n, c)` over states [s0, s0 + n), whose
 * pointers the caller offsets by s0 (x stays whole: the rows gather from all of it). One call
 * when S fits a chunk; else chunks with c = 0 (x finite), then y += c x: the same numbers,
 * fl(c x) + fl(alpha M x) added in the other order.
 */
function csrChunks(S: number, x: Block<"f64">, y: Block<"f64">, c: number, call: (s0: number, n: number, c: number) => void): void {
  if (S <= CHUNK_STATES) {
    call(0, S, c);
    return;
  }
  forChunks(S, (s0, n) => call(s0, n, 0));
  if (c !== 0) kernels().axpySimd(c, x.ptr, y.ptr, S);
}

/**
 * r_pi[s] = sum_a pi(a|s) R[s,a] into out (s in [0, S)). Returns out.
 * pi: block of S*A probabilities; out: block of >= S values.
 */
export function policyReward(mdp: BellmanModel, pi: Block<"f64">, out: Block<"f64">): Block<"f64"> {
  const { S, A } = mdp;
  checkLength("policy", pi, S * A, "policyReward");
  checkLength("out", out, S, "policyReward");
  const k = kernels();
  const R = mdp.blocks.R.ptr;
  forChunks(S, (s0, n) => k.bellmanPolicyAverageSimd(R + 8 * s0 * A, pi.ptr + 8 * s0 * A, out.ptr + 8 * s0, n, A));
  return out;
}

/**
 * Policy average of any S x A table: out[s] = sum_a pi(a|s) table[s*A + a]
 * (V_pi from Q_pi, r_pi from R). Returns out.
 */
export function policyAverage(
  table: Block<"f64">, pi: Block<"f64">, out: Block<"f64">, S: number, A: number,
): Block<"f64"> {
  checkLength("table", table, S * A, "policyAverage");
  checkLength("policy", pi, S * A, "policyAverage");
  checkLength("out", out, S, "policyAverage");
  kernels().bellmanPolicyAverageSimd(table.ptr, pi.ptr, out.ptr, S, A);
  return out;
}

/**
 * The dense S x S matrix c I + alpha P_pi (row-major) into out, from a dense
 * or a CSR model. c = 0, alpha = 1 gives P_pi; c = 1, alpha = -gamma gives
 * I - gamma P_pi, the matrix of the evaluation system. Returns out.
 */
export function policyMatrix(
  mdp: BellmanModel, pi: Block<"f64">, out: Block<"f64">, c = 0, alpha = 1,
): Block<"f64"> {
  const { S, A } = mdp;
  checkLength("policy", pi, S * A, "policyMatrix");
  checkLength("out", out, S * S, "policyMatrix");
  const b = mdp.blocks;
  if (mdp.format === "dense") {
    kernels().bellmanPolicyMatrixDenseSimd(b.P!.ptr, pi.ptr, out.ptr, S, A, c, alpha);
  } else {
    kernels().bellmanPolicyMatrixCsr(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, pi.ptr, out.ptr, S, A, c, alpha);
  }
  return out;
}

/**
 * y = c x + alpha P_pi x without forming P_pi: y[s] = c x[s] + alpha sum_a pi(a|s) sum_s' P[s,a,s'] x[s'].
 * c = 1, alpha = -gamma applies I - gamma P_pi. x, y: distinct blocks of >= S values. Returns y.
 */
export function applyPolicy(
  mdp: BellmanModel, pi: Block<"f64">, x: Block<"f64">, y: Block<"f64">, c = 0, alpha = 1,
): Block<"f64"> {
  const { S, A } = mdp;
  checkLength("policy", pi, S * A, "applyPolicy");
  checkLength("x", x, S, "applyPolicy");
  checkLength("y", y, S, "applyPolicy");
  checkDistinct(x, y, "applyPolicy");
  const b = mdp.blocks;
  const k = kernels();
  if (mdp.format === "dense") k.bellmanApplyDenseSimd(b.P!.ptr, pi.ptr, x.ptr, y.ptr, S, A, c, alpha);
  else {
    csrChunks(S, x, y, c, (s0, n, cc) =>
      k.bellmanApplyCsrSimd(b.rowPtr!.ptr + 4 * s0 * A, b.cols!.ptr, b.probs!.ptr, pi.ptr + 8 * s0 * A, x.ptr, y.ptr + 8 * s0, n, A, cc, alpha),
    );
  }
  return y;
}

/**
 * y = c x + alpha P_pi^T x (the row vector x^T P_pi, by scattering rows; no transpose is formed):
 * y[s'] = c x[s'] + alpha sum_s x[s] sum_a pi(a|s) P[s,a,s']. The visitation system is c = 1,
 * alpha = -gamma. x, y: distinct blocks of >= S values. Returns y.
 */
export function applyPolicyTransposed(
  mdp: BellmanModel, pi: Block<"f64">, x: Block<"f64">, y: Block<"f64">, c = 0, alpha = 1,
): Block<"f64"> {
  const { S, A } = mdp;
  checkLength("policy", pi, S * A, "applyPolicyTransposed");
  checkLength("x", x, S, "applyPolicyTransposed");
  checkLength("y", y, S, "applyPolicyTransposed");
  checkDistinct(x, y, "applyPolicyTransposed");
  const b = mdp.blocks;
  if (mdp.format === "dense") {
    kernels().bellmanApplyTransposedDenseSimd(b.P!.ptr, pi.ptr, x.ptr, y.ptr, S, A, c, alpha);
  } else {
    kernels().bellmanApplyTransposedCsr(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, pi.ptr, x.ptr, y.ptr, S, A, c, alpha);
  }
  return y;
}

/**
 * Action values Q[s*A + a] = R[s,a] + gamma sum_s' P[s,a,s'] V[s'] (all S*A pairs).
 * V: block of >= S values; Q: block of >= S*A values. gamma defaults to the MDP's. Returns Q.
 */
export function qFromValues(mdp: BellmanModel, V: Block<"f64">, Q: Block<"f64">, gamma = mdp.gamma): Block<"f64"> {
  const { S, A } = mdp;
  checkLength("V", V, S, "qFromValues");
  checkLength("Q", Q, S * A, "qFromValues");
  checkDistinct(V, Q, "qFromValues");
  const b = mdp.blocks;
  const k = kernels();
  if (mdp.format === "dense") k.bellmanQDenseSimd(b.P!.ptr, b.R.ptr, V.ptr, gamma, Q.ptr, S, A);
  else {
    forChunks(S, (s0, n) => {
      const r0 = s0 * A;
      k.bellmanQCsrSimd(b.rowPtr!.ptr + 4 * r0, b.cols!.ptr, b.probs!.ptr, b.R.ptr + 8 * r0, V.ptr, gamma, Q.ptr + 8 * r0, n, A);
    });
  }
  return Q;
}

/**
 * One Bellman expectation sweep (the evaluation step of modified policy
 * iteration): out = T_pi V = r_pi + gamma P_pi V, i.e.
 * out[s] = sum_a pi(a|s) (R[s,a] + gamma sum_s' P[s,a,s'] V[s']).
 * Returns the Bellman residual of the input, max_s |out[s] - V[s]|.
 * V, out: distinct blocks of >= S values; pi: S*A probabilities.
 */
export function bellmanSweep(mdp: BellmanModel, pi: Block<"f64">, V: Block<"f64">, out: Block<"f64">): number {
  const { S, A, gamma } = mdp;
  checkLength("policy", pi, S * A, "bellmanSweep");
  checkLength("V", V, S, "bellmanSweep");
  checkLength("out", out, S, "bellmanSweep");
  checkDistinct(V, out, "bellmanSweep");
  const b = mdp.blocks;
  const k = kernels();
  return mdp.format === "dense"
    ? k.bellmanSweepDenseSimd(b.P!.ptr, b.R.ptr, pi.ptr, gamma, V.ptr, out.ptr, S, A)
    : k.bellmanSweepCsrSimd(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, b.R.ptr, pi.ptr, gamma, V.ptr, out.ptr, S, A);
}

/**
 * The Bellman residual ||r_pi + gamma P_pi V - V||_inf of V for policy pi,
 * without writing anything (one pass over the rows pi uses).
 */
export function bellmanResidual(mdp: BellmanModel, pi: Block<"f64">, V: Block<"f64">): number {
  const { S, A, gamma } = mdp;
  checkLength("policy", pi, S * A, "bellmanResidual");
  checkLength("V", V, S, "bellmanResidual");
  const b = mdp.blocks;
  const k = kernels();
  return mdp.format === "dense"
    ? k.bellmanResidualDenseSimd(b.P!.ptr, b.R.ptr, pi.ptr, gamma, V.ptr, S, A)
    : k.bellmanResidualCsrSimd(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, b.R.ptr, pi.ptr, gamma, V.ptr, S, A);
}

/** An n x n CSR matrix over states in WebAssembly blocks (P_pi compacted, or a transpose). Caller frees. */
export interface CsrMatrix {
  readonly n: number;
  readonly ptr: Block<"i32">;
  readonly cols: Block<"i32">;
  readonly vals: Block<"f64">;
  free(): void;
}

function csrMatrix(n: number, nnz: number): CsrMatrix {
  const ptr = i32Block(n + 1);
  let cols: Block<"i32"> | undefined;
  try {
    cols = i32Block(nnz);
    const vals = f64Block(nnz);
    const c = cols;
    return { n, ptr, cols: c, vals, free: () => { ptr.free(); c.free(); vals.free(); } };
  } catch (error) {
    ptr.free();
    cols?.free();
    throw error;
  }
}

/**
 * Entries of P_pi's compact CSR form (see compactPolicyMatrix) for a CSR model: the summed
 * lengths of the rows (s, a) with pi(a|s) != 0. pi: S*A probabilities (a block's view or a copy).
 * Counting stops once the count exceeds `limit` (a count above it is returned).
 */
export function policyRowEntries(mdp: BellmanModel, pi: ArrayLike<number>, limit = Infinity): number {
  const rowPtr = mdp.blocks.rowPtr;
  if (!rowPtr) throw new ValidationError("mdp", "policyRowEntries needs a sparse (CSR) model", mdp.format);
  const rp = rowPtr.view;
  let n = 0;
  for (let r = 0; r < mdp.S * mdp.A && n <= limit; r++) if (pi[r] !== 0) n += rp[r + 1] - rp[r];
  return n;
}

/**
 * P_pi of a CSR model as its own CSR matrix over states: row s holds every entry of the rows
 * (s, a) with pi(a|s) != 0, scaled by pi(a|s). Products with it stream 1/A of the model for a
 * deterministic policy. Allocates policyRowEntries(mdp, pi) entries; the caller frees the result.
 */
export function compactPolicyMatrix(mdp: BellmanModel, pi: Block<"f64">): CsrMatrix {
  const { S, A } = mdp;
  checkLength("policy", pi, S * A, "compactPolicyMatrix");
  const nnz = policyRowEntries(mdp, pi.view);
  const m = csrMatrix(S, nnz);
  const b = mdp.blocks;
  kernels().bellmanPolicyCsr(b.rowPtr!.ptr, b.cols!.ptr, b.probs!.ptr, pi.ptr, S, A, m.ptr.ptr, m.cols.ptr, m.vals.ptr);
  return m;
}

/** y = c x + alpha M x for a CSR matrix M; x, y: distinct blocks of >= M.n values. Returns y. */
export function csrProduct(m: CsrMatrix, x: Block<"f64">, y: Block<"f64">, c = 0, alpha = 1): Block<"f64"> {
  checkLength("x", x, m.n, "csrProduct");
  checkLength("y", y, m.n, "csrProduct");
  checkDistinct(x, y, "csrProduct");
  const k = kernels();
  csrChunks(m.n, x, y, c, (s0, n, cc) =>
    k.bellmanCsrMatvecSimd(m.ptr.ptr + 4 * s0, m.cols.ptr, m.vals.ptr, x.ptr, y.ptr + 8 * s0, n, cc, alpha),
  );
  return y;
}

/** y = c x + alpha M^T x for a CSR matrix M, by scattering rows; x, y: distinct blocks of >= M.n values. Returns y. */
export function csrProductTransposed(m: CsrMatrix, x: Block<"f64">, y: Block<"f64">, c = 0, alpha = 1): Block<"f64"> {
  checkLength("x", x, m.n, "csrProductTransposed");
  checkLength("y", y, m.n, "csrProductTransposed");
  checkDistinct(x, y, "csrProductTransposed");
  kernels().bellmanCsrMatvecTransposed(m.ptr.ptr, m.cols.ptr, m.vals.ptr, x.ptr, y.ptr, m.n, c, alpha);
  return y;
}
