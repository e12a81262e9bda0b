/**
 * GARNET random MDPs ("Generic Average Reward Non-stationary Environment
 * Testbed"; Archibald, McKinnon & Thomas, "On the generation of Markov decision
 * processes", J. Oper. Res. Soc. 46, 1995; as used by Bhatnagar et al. 2009).
 *
 * Each (s, a) reaches `branching` distinct next states chosen uniformly at
 * random among the S states (Floyd's sampling without replacement). Their
 * probabilities are the gaps between the sorted cut points of `branching - 1`
 * uniform draws on [0, 1): with u(1) <= ... <= u(b-1), u(0) = 0, u(b) = 1,
 * the k-th chosen state (in increasing order) gets u(k) - u(k-1). These gaps
 * are Dirichlet(1, ..., 1), so the row is uniform on the simplex of its
 * support. Rewards `R[s][a]` are uniform on [low, high) (default [0, 1)),
 * drawn per state-action pair (or per state, shared by all actions).
 *
 * Draw order (stable across formats, so dense and sparse MDPs from the same
 * seed are the same MDP): all rewards first, then for each row r = s*A + a
 * the support, then its cut points.
 */
import { ValidationError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { f64Block, i32Block } from "../../core/arena.js";
import { type MdpBlocks, type TabularMdp, adoptMdpBlocks, allocateMdpBlocks, fillMdpBlocks } from "../tabular-mdp.js";
import {
  MAX_I32,
  checkAllocation,
  checkBoolean,
  checkCount,
  checkFiniteNumber,
  checkGamma,
  checkObject,
  checkOptions,
  checkShape,
} from "../../core/validate.js";

export interface GarnetOptions {
  S: number;
  A: number;
  /** Next states per (s, a), an integer in [1, S]. */
  branching: number;
  /** Discount, default 0.99. */
  gamma?: number;
  /** Seed of the `Rng`, default 0. */
  seed?: number;
  /**
   * "auto" (default) is sparse when S > 2000 or when dense P would exceed
   * 256 MB (S*A*S*8 bytes), dense otherwise.
   */
  format?: "auto" | "dense" | "sparse";
  /** Reward range [low, high) (default [0, 1)); `perState` draws one reward per state shared by its actions. */
  rewards?: { low?: number; high?: number; perState?: boolean };
}

const AUTO_SPARSE_STATES = 2000;
const AUTO_SPARSE_BYTES = 256 * 1024 * 1024;
const SCAN_LIMIT = 16;

/** Sorts `x[0 .. n)` ascending (insertion sort for short runs, else the typed-array sort). */
function sortPrefix(x: Float64Array | Int32Array, n: number): void {
  if (n > 32) {
    x.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = x[i];
    let j = i - 1;
    while (j >= 0 && x[j] > v) {
      x[j + 1] = x[j];
      j--;
    }
    x[j + 1] = v;
  }
}

const OPTIONS = ["S", "A", "branching", "gamma", "seed", "format", "rewards"] as const;
const REWARD_OPTIONS = ["low", "high", "perState"] as const;

/** Builds a GARNET MDP (see the module comment). */
export function garnet(options: GarnetOptions): TabularMdp {
  checkObject("options", options, "garnet: { S, A, branching, ... }");
  checkOptions("options", options, OPTIONS, "garnet");
  const { S, A } = checkShape(options.S, options.A);
  const b = checkCount("branching", options.branching, "branching");
  if (b > S) throw new ValidationError("branching", `must be at most S = ${S}`, b);
  const gamma = checkGamma("gamma", options.gamma ?? 0.99);
  const seed = checkFiniteNumber("seed", options.seed ?? 0);
  const rewards = options.rewards === undefined ? {} : checkObject<NonNullable<GarnetOptions["rewards"]>>("rewards", options.rewards, "garnet: { low, high, perState }");
  checkOptions("rewards", rewards, REWARD_OPTIONS, "garnet's rewards");
  const low = rewards.low ?? 0;
  const high = rewards.high ?? 1;
  if (!(typeof low === "number" && typeof high === "number" && Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValidationError("rewards", "range must be finite with low <= high", [low, high]);
  }
  // high - low must stay finite too: a reward is low + (high - low) u.
  if (!Number.isFinite(high - low)) throw new ValidationError("rewards", "range high - low must be finite", [low, high]);
  const perState = checkBoolean("rewards.perState", rewards.perState ?? false);
  const format = options.format ?? "auto";
  if (format !== "auto" && format !== "dense" && format !== "sparse") {
    throw new ValidationError("format", 'must be "auto", "dense" or "sparse"', format);
  }
  const dense = format === "dense" || (format === "auto" && S <= AUTO_SPARSE_STATES && S * A * S * 8 <= AUTO_SPARSE_BYTES);
  const rows = S * A;
  const nnz = rows * b;
  const where = { S, A, format: dense ? "dense" : "sparse" };
  if (dense) checkAllocation("S", S, (rows * S + rows + S) * 8, where);
  else {
    if (nnz > MAX_I32) throw new ValidationError("branching", "S*A*branching transitions must be below 2^31 (32-bit indices)", b, where);
    // The rows alone (pointers, rewards, mu) decide whether S or the branching is too big.
    const base = (rows + 1) * 4 + (rows + S) * 8;
    checkAllocation("S", S, base, where);
    checkAllocation("branching", b, base + nnz * 12, where);
  }

  const blocks: MdpBlocks = dense
    ? allocateMdpBlocks("S", S, (take) => ({ P: take(f64Block(rows * S)), R: take(f64Block(rows)), mu: take(f64Block(S)) }), where)
    : allocateMdpBlocks("branching", b, (take) => ({
        rowPtr: take(i32Block(rows + 1)),
        cols: take(i32Block(nnz)),
        probs: take(f64Block(nnz)),
        R: take(f64Block(rows)),
        mu: take(f64Block(S)),
      }), where);
  fillMdpBlocks(blocks, () => fillGarnet(blocks, S, A, b, seed, low, high, perState));
  return adoptMdpBlocks(S, A, gamma, blocks);
}

/** Draws the garnet into its blocks (see the module comment for the draw order). */
function fillGarnet(blocks: MdpBlocks, S: number, A: number, b: number, seed: number, low: number, high: number, perState: boolean): void {
  const rows = S * A;
  const rng = new Rng(seed);
  const R = blocks.R.view;
  for (let s = 0; s < S; s++) {
    if (perState) R.fill(rng.uniform(low, high), s * A, s * A + A);
    else for (let a = 0; a < A; a++) R[s * A + a] = rng.uniform(low, high);
  }
  blocks.mu.view.fill(1 / S);

  const P = blocks.P?.view;
  const rowPtr = blocks.rowPtr?.view;
  const cols = blocks.cols?.view;
  const probs = blocks.probs?.view;
  if (P) P.fill(0);
  if (rowPtr) for (let r = 0; r <= rows; r++) rowPtr[r] = r * b;
  // Per-row scratch: the support and the cut points. Membership in the support
  // is a short scan for small branching and a stamp per state otherwise (a
  // random access into S stamps costs more than a few compares).
  const support = new Int32Array(b);
  const cuts = new Float64Array(b);
  const stamp = b > SCAN_LIMIT ? new Int32Array(S) : undefined;
  for (let r = 0; r < rows; r++) {
    // Floyd: a uniform b-subset of [0, S) in b draws.
    let n = 0;
    for (let j = S - b; j < S; j++) {
      const t = rng.int(j + 1);
      let taken = false;
      if (stamp) taken = stamp[t] === r + 1;
      else for (let i = 0; i < n; i++) if (support[i] === t) taken = true;
      const pick = taken ? j : t;
      if (stamp) stamp[pick] = r + 1;
      support[n++] = pick;
    }
    sortPrefix(support, b);
    for (let k = 0; k < b - 1; k++) cuts[k] = rng.random();
    sortPrefix(cuts, b - 1);
    let prev = 0;
    for (let k = 0; k < b; k++) {
      const cut = k < b - 1 ? cuts[k] : 1;
      const p = cut - prev;
      prev = cut;
      if (P) P[r * S + support[k]] = p;
      else {
        cols![r * b + k] = support[k];
        probs![r * b + k] = p;
      }
    }
  }
}
