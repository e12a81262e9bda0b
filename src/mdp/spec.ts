/**
 * Validation of tabular MDP data at the TypeScript boundary. Each check throws
 * a `ValidationError` naming the argument, the location (state, action, next
 * state, entry) and the bad value, so bad input never reaches a kernel.
 *
 * The checks read the caller's arrays in place (flat typed arrays, flat number
 * arrays or nested arrays) and never copy them: a dense S = 2000, A = 10 model
 * is 320 MB, and the constructors copy it into WebAssembly memory exactly once
 * after it has passed.
 */
import { ValidationError } from "../core/errors.js";
import {
  MAX_I32,
  PROBABILITY_TOLERANCE,
  checkCount,
  checkDistribution,
  checkFitsInMemory,
  checkGamma,
  checkLength,
  checkShape,
  isArrayLike,
  kindOf,
} from "../core/validate.js";

/** Nested transition tensor `P[s][a][s']`. */
export type NestedTransitions = ArrayLike<ArrayLike<ArrayLike<number>>>;
/** Nested reward table `R[s][a]`. */
export type NestedRewards = ArrayLike<ArrayLike<number>>;
/** Transitions as accepted by `TabularMdp.fromDense`: flat `P[(s*A + a)*S + s']` or nested `P[s][a][s']`. */
export type DenseTransitions = Float64Array | ArrayLike<number> | NestedTransitions;
/** Rewards as accepted by the constructors: flat `R[s*A + a]` or nested `R[s][a]`. */
export type RewardTable = Float64Array | ArrayLike<number> | NestedRewards;

/** True when `x` is an array whose first entry is itself an array (a nested table). */
function isNested(x: ArrayLike<unknown>): boolean {
  return Array.isArray(x) && x.length > 0 && isArrayLike(x[0]);
}

/**
 * Checks one transition row `row[offset .. offset+n)`: entries finite in [0, 1]
 * and summing to 1 within `PROBABILITY_TOLERANCE`. Returns the sum.
 */
function checkTransitionRow(row: ArrayLike<number>, offset: number, n: number, s: number, a: number): void {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const v = row[offset + j];
    if (typeof v !== "number" || !(v >= 0 && v <= 1 + PROBABILITY_TOLERANCE)) {
      throw new ValidationError("P", "transition probability must be a finite number in [0, 1]", v, {
        state: s,
        action: a,
        "next state": j,
      });
    }
    sum += v;
  }
  if (!(Math.abs(sum - 1) <= PROBABILITY_TOLERANCE)) {
    throw new ValidationError("P", "transition row does not sum to 1", sum, { state: s, action: a });
  }
}

/**
 * Validates dense transitions for `S` states and `A` actions: flat
 * `P[(s*A + a)*S + s']` (length S*A*S) or nested `P[s][a][s']`. Every entry must
 * be finite in [0, 1] and every row (s, a) must sum to 1 within 1e-9.
 * Returns which layout was given.
 */
export function checkDenseTransitions(P: unknown, S: number, A: number): "flat" | "nested" {
  checkFitsInMemory("P", S * A * S * 8, { S, A });
  if (!isArrayLike(P)) {
    throw new ValidationError("P", "must be a Float64Array, a flat number array or nested arrays P[s][a][s']", kindOf(P));
  }
  if (isNested(P)) {
    checkLength("P", P, S, "S rows P[s]");
    const nested = P as NestedTransitions;
    for (let s = 0; s < S; s++) {
      const Ps = nested[s];
      checkLength("P", Ps, A, "A rows P[s][a]", { state: s });
      for (let a = 0; a < A; a++) {
        const row = Ps[a];
        checkLength("P", row, S, "S entries P[s][a][s']", { state: s, action: a });
        checkTransitionRow(row, 0, S, s, a);
      }
    }
    return "nested";
  }
  checkLength("P", P, S * A * S, "S*A*S");
  const flat = P as ArrayLike<number>;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) checkTransitionRow(flat, (s * A + a) * S, S, s, a);
  }
  return "flat";
}

/**
 * Validates rewards: flat `R[s*A + a]` (length S*A) or nested `R[s][a]`; every
 * entry finite (rewards may be negative). Returns which layout was given.
 */
export function checkRewards(R: unknown, S: number, A: number): "flat" | "nested" {
  const check = (v: unknown, s: number, a: number): void => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValidationError("R", "reward must be a finite number", v, { state: s, action: a });
    }
  };
  if (!isArrayLike(R)) {
    throw new ValidationError("R", "must be a Float64Array, a flat number array or nested arrays R[s][a]", kindOf(R));
  }
  if (isNested(R)) {
    checkLength("R", R, S, "S rows R[s]");
    const nested = R as NestedRewards;
    for (let s = 0; s < S; s++) {
      const Rs = nested[s];
      checkLength("R", Rs, A, "A entries R[s][a]", { state: s });
      for (let a = 0; a < A; a++) check(Rs[a], s, a);
    }
    return "nested";
  }
  checkLength("R", R, S * A, "S*A");
  const flat = R as ArrayLike<number>;
  for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) check(flat[s * A + a], s, a);
  return "flat";
}

/** What `checkCsr` learnt about the rows. */
export interface CsrInfo {
  /** Number of stored entries. */
  nnz: number;
  /** True when every row's columns are already strictly increasing (no sort needed). */
  sorted: boolean;
}

/**
 * Validates a CSR transition model over the S*A rows r = s*A + a: `rowPtr`
 * has S*A + 1 non-decreasing integers from 0 to nnz; row r holds entries
 * `rowPtr[r] .. rowPtr[r+1]-1`, with next states `cols[k]` (distinct integers in
 * [0, S)) and probabilities `probs[k]` (finite in [0, 1], summing to 1 within
 * 1e-9 per row). Columns may come in any order within a row.
 */
export function checkCsr(rowPtr: unknown, cols: unknown, probs: unknown, S: number, A: number): CsrInfo {
  const rows = S * A;
  checkLength("rowPtr", rowPtr, rows + 1, "S*A + 1");
  const ptr = rowPtr as ArrayLike<number>;
  if (!isArrayLike(cols)) throw new ValidationError("cols", "must be an Int32Array or an array of integers", kindOf(cols));
  const nnz = cols.length;
  checkFitsInMemory("cols", nnz * 12 + (rows + 1) * 4, { S, A });
  if (nnz > MAX_I32) throw new ValidationError("cols", "more than 2^31 - 1 entries cannot be indexed", nnz);
  checkLength("probs", probs, nnz, "cols.length");
  const c = cols as ArrayLike<number>;
  const p = probs as ArrayLike<number>;
  if (ptr[0] !== 0) throw new ValidationError("rowPtr", "must start at 0", ptr[0], { index: 0 });
  for (let r = 1; r <= rows; r++) {
    const v = ptr[r];
    if (typeof v !== "number" || !Number.isInteger(v) || v < ptr[r - 1]) {
      throw new ValidationError("rowPtr", "must be non-decreasing integers", v, {
        index: r,
        previous: ptr[r - 1],
      });
    }
  }
  if (ptr[rows] !== nnz) {
    throw new ValidationError("rowPtr", `last entry must equal the number of entries cols.length = ${nnz}`, ptr[rows], {
      index: rows,
    });
  }
  let sorted = true;
  // Stamps per next state, only allocated if some row is unsorted: finds duplicates in O(nnz).
  let seen: Int32Array | undefined;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const lo = ptr[r];
      const hi = ptr[r + 1];
      let rowSorted = true;
      for (let k = lo; k < hi; k++) {
        const col = c[k];
        if (typeof col !== "number" || !Number.isInteger(col) || col < 0 || col >= S) {
          throw new ValidationError("cols", `next state must be an integer in [0, ${S})`, col, {
            state: s,
            action: a,
            entry: k,
          });
        }
        if (k > lo && col <= c[k - 1]) rowSorted = false;
      }
      if (!rowSorted) {
        sorted = false;
        seen ??= new Int32Array(S);
        for (let k = lo; k < hi; k++) {
          if (seen[c[k]] === r + 1) {
            throw new ValidationError("cols", "duplicate next state in a transition row", c[k], {
              state: s,
              action: a,
              entry: k,
            });
          }
          seen[c[k]] = r + 1;
        }
      }
      let sum = 0;
      for (let k = lo; k < hi; k++) {
        const v = p[k];
        if (typeof v !== "number" || !(v >= 0 && v <= 1 + PROBABILITY_TOLERANCE)) {
          throw new ValidationError("probs", "transition probability must be a finite number in [0, 1]", v, {
            state: s,
            action: a,
            "next state": c[k],
            entry: k,
          });
        }
        sum += v;
      }
      if (!(Math.abs(sum - 1) <= PROBABILITY_TOLERANCE)) {
        throw new ValidationError("P", "transition row does not sum to 1", sum, { state: s, action: a });
      }
    }
  }
  return { nnz, sorted };
}

/** The fields common to dense and sparse specs. */
interface SpecCommon {
  S: number;
  A: number;
  R: unknown;
  gamma: number;
  mu?: unknown;
}

function checkCommonHead(spec: unknown): { S: number; A: number; gamma: number } {
  if (spec === null || typeof spec !== "object") throw new ValidationError("spec", "must be an object", kindOf(spec));
  const { S, A } = checkShape((spec as SpecCommon).S, (spec as SpecCommon).A);
  const gamma = checkGamma("gamma", (spec as SpecCommon).gamma);
  return { S, A, gamma };
}

function checkCommonTail(spec: SpecCommon, S: number, A: number): void {
  checkRewards(spec.R, S, A);
  if (spec.mu !== undefined) checkDistribution("mu", spec.mu, S);
}

/** Validates a whole dense spec (as given to `TabularMdp.fromDense`) without building the MDP. */
export function checkDenseSpec(spec: unknown): { S: number; A: number; gamma: number; layout: "flat" | "nested" } {
  const head = checkCommonHead(spec);
  const layout = checkDenseTransitions((spec as { P: unknown }).P, head.S, head.A);
  checkCommonTail(spec as SpecCommon, head.S, head.A);
  return { ...head, layout };
}

/** Validates a whole sparse spec (as given to `TabularMdp.fromSparse`) without building the MDP. */
export function checkSparseSpec(spec: unknown): { S: number; A: number; gamma: number } & CsrInfo {
  const head = checkCommonHead(spec);
  const { rowPtr, cols, probs } = spec as { rowPtr: unknown; cols: unknown; probs: unknown };
  const info = checkCsr(rowPtr, cols, probs, head.S, head.A);
  checkCommonTail(spec as SpecCommon, head.S, head.A);
  return { ...head, ...info };
}

/** Checks that `mdp` is a live TabularMdp (see tabular-mdp.ts); re-exported for the modules that import it from here. */
export { checkTabularMdp } from "./tabular-mdp.js";
